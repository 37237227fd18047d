"""A notebook rendered to inert HTML: no script from the notebook ever runs.

Three layers: outputs that are code (application/javascript, widget views and
their saved state) are dropped before rendering; nbconvert's sanitiser cleans
HTML and Markdown outputs; then nh3 cleans the whole result against a short
allow-list (no <script>, no on* attributes; links only to http, https, mailto and
relative addresses; data: only for PNG, JPEG, GIF and WebP images, the plots). The
page is shown in a sandboxed frame without allow-scripts, under a CSP with no script
source and a sandbox of its own.
"""

import re

import nbformat
import nh3
from nbconvert import HTMLExporter

SCRIPT_MIME_TYPES = {
    "application/javascript",
    "text/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
}
TAGS = {
    "a", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"*": {"class", "title", "id"}, "a": {"href"}, "img": {"src", "alt", "width", "height"}}
# nh3 keeps these schemes (and relative URLs); data: is then kept only by _only_image_data.
URL_SCHEMES = {"http", "https", "mailto", "data"}
IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]")
# What a browser ignores in a URL's scheme: spaces and control characters.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


def strip_scripts(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("widgets", None)
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data:
                for mime in SCRIPT_MIME_TYPES & set(data):
                    del data[mime]
    return notebook


def render_notebook_html(notebook: nbformat.NotebookNode) -> str:
    # sanitize_html cleans Markdown and HTML outputs with the `clean_html` filter:
    # ours (nh3), whose allow-list keeps headings and lists that bleach's escapes.
    exporter = HTMLExporter(template_name="basic", sanitize_html=True, filters={"clean_html": clean})
    body, _ = exporter.from_notebook_node(strip_scripts(notebook))
    return clean(body)


def clean(html) -> str:
    """Inert HTML: the allow-list above, no script, no on* attribute, no javascript: URL,
    no data: URL but an image's."""
    return nh3.clean(
        html.decode() if isinstance(html, bytes) else str(html),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_only_image_data,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _only_image_data(tag: str, attribute: str, value: str) -> str | None:
    """nh3's last word on each attribute (its value with entities decoded): a data: URL
    stays only as an <img>'s source of a PNG, JPEG, GIF or WebP image (not SVG, which
    can hold script); links never keep one."""
    if attribute not in ("href", "src"):
        return value
    url = IGNORED_IN_SCHEME.sub("", value).lower()
    if not url.startswith("data:"):
        return value
    return value if (tag, attribute) == ("img", "src") and IMAGE_DATA.match(url) else None
