"""The notebook sanitiser (issue #13, item 9): links only to http, https, mailto and
relative addresses; data: only for PNG, JPEG, GIF and WebP images (a notebook's plots);
and the frame that serves a notebook has a CSP sandbox of its own."""

import json

import nbformat
import pytest

from tests.factories import MaterialFactory
from workshops.notebooks import clean, render_notebook_html

PNG = (  # a 1x1 plot
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
LINK_REMOVED = '<a rel="noopener noreferrer nofollow">x</a>'

HOSTILE_HREFS = [
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    PNG,  # an image, but on a link: opened as a page
    "DaTa:text/html,<b>x</b>",
    "JaVaScRiPt:alert(1)",
    " \t data:text/html,x",
    "java\tscript:alert(1)",
    "da\nta:text/html,x",
    "&#106;avascript:alert(1)",
    "&#x64;ata:text/html,x",
    "&#100&#97&#116&#97&#58text/html,x",
    "&#x0A;javascript:alert(1)",
]


@pytest.mark.parametrize("href", HOSTILE_HREFS)
def test_link_to_a_script_or_a_data_url_loses_its_address(href):
    assert clean(f'<a href="{href}">x</a>') == LINK_REMOVED


@pytest.mark.parametrize(
    "href", ["https://example.org/paper", "http://example.org/", "mailto:committee@uni.ac.uk", "/workshops/", "#fit"]
)
def test_web_mail_and_relative_links_stay(href):
    assert clean(f'<a href="{href}">x</a>') == f'<a href="{href}" rel="noopener noreferrer nofollow">x</a>'


@pytest.mark.parametrize(
    "src",
    [
        "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
        "DATA:image/SVG+xml,<svg onload=alert(1)>",
        "data:text/html,<script>alert(1)</script>",
        "data:application/javascript,alert(1)",
        " data:image/svg+xml,x",
        "&#100;ata:image/svg+xml,x",
        "javascript:alert(1)",
    ],
)
def test_image_from_svg_or_any_other_data_loses_its_source(src):
    assert clean(f'<img src="{src}" alt="plot">') == '<img alt="plot">'


@pytest.mark.parametrize("kind", ["png", "jpeg", "gif", "webp"])
def test_image_of_a_plot_stays_inline(kind):
    src = PNG.replace("image/png", f"image/{kind}")
    assert clean(f'<img src="{src}" alt="plot">') == f'<img src="{src}" alt="plot">'


def test_a_rendered_notebook_keeps_its_plot_and_loses_a_data_link():
    plot = {"output_type": "display_data", "metadata": {}, "data": {"image/png": PNG.split(",", 1)[1]}}
    notebook = nbformat.reads(json.dumps(_notebook(outputs=[plot])), as_version=4)
    links = "[Open me](data:text/html,<script>alert(1)</script>) and [the paper](https://arxiv.org/)"
    notebook.cells[0].source += "\n\n" + links

    html = render_notebook_html(notebook)

    assert f'src="{PNG}"' in html
    assert "data:text/html" not in html
    assert 'href="https://arxiv.org/"' in html


@pytest.mark.django_db
def test_the_notebook_frame_has_a_sandbox_of_its_own(client):
    material = MaterialFactory(kind="notebook", visibility="public")

    header = client.get(material.notebook_url + "frame/")["Content-Security-Policy"]

    directives = [directive.strip() for directive in header.split(";")]
    assert "sandbox" in directives
    assert "allow-scripts" not in header
    assert directives[:2] == ["default-src 'none'", "img-src data:"]


def _notebook(*, outputs: list) -> dict:
    from workshops.demo import make_notebook

    return json.loads(make_notebook(outputs=outputs))
