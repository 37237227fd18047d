"""Uploads are checked by content; a refused one stores nothing; notebooks render inert."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import EventFactory, notebook_bytes, pdf_bytes
from workshops.models import Material


def upload(client, event, *, kind: str, name: str, content: bytes, **extra):
    data = {"kind": kind, "title": "Week 1", "visibility": "members", "upload": SimpleUploadedFile(name, content)}
    return client.post(reverse("workshops:manage_event_materials", kwargs={"slug": event.slug}), {**data, **extra})


def stored_files(settings) -> list:
    root = settings.PRIVATE_MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_committee_uploads_slides_and_they_are_stored_privately(committee_client, settings):
    event = EventFactory()
    response = upload(committee_client, event, kind="slides", name="week1.pdf", content=pdf_bytes())
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.kind, material.original_name, material.content_type) == ("slides", "week1.pdf", "application/pdf")
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("slides", "week1.pdf", b"PK\x03\x04 a zip renamed", "This is not a PDF"),
        ("slides", "week1.pdf", b"%PDF-1.4 nothing else", "could not be read"),
        ("notebook", "week1.ipynb", b"{not json", "not valid JSON"),
        ("notebook", "week1.ipynb", json.dumps({"cells": "nope", "nbformat": 4}).encode(), "not a valid Jupyter"),
    ],
)
def test_upload_refused_by_content_stores_nothing(committee_client, settings, kind, name, content, message):
    response = upload(committee_client, EventFactory(), kind=kind, name=name, content=content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Material.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_upload_over_the_kind_limit_is_refused(committee_client, settings):
    settings.MATERIAL_MAX_MB = {**settings.MATERIAL_MAX_MB, "file": 1}
    response = upload(committee_client, EventFactory(), kind="file", name="data.zip", content=b"0" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "the limit for this kind is 1 MB" in response.content.decode()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_link_needs_an_address_and_no_file(committee_client):
    event = EventFactory()
    url = reverse("workshops:manage_event_materials", kwargs={"slug": event.slug})
    response = committee_client.post(url, {"kind": "link", "title": "Repo", "visibility": "public", "url": ""})
    assert response.status_code == 400
    assert "A link needs its address." in response.content.decode()


HOSTILE_OUTPUTS = [
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "text/html": "<script>alert('out')</script><b onclick='x()'>bold</b><a href='javascript:alert(1)'>x</a>",
            "text/plain": "html",
        },
    },
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {"application/javascript": "alert('js')", "text/plain": "js output"},
    },
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0},
            "text/plain": "IntSlider(value=3)",
        },
    },
]


@pytest.mark.django_db
def test_notebook_with_scripts_renders_with_none_of_them_active(committee_client, django_capture_on_commit_callbacks):
    notebook = json.loads(notebook_bytes(outputs=HOSTILE_OUTPUTS))
    notebook["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    notebook["cells"][0]["source"] += "\n<script>alert('md')</script><img src=x onerror=alert(1)>"
    event = EventFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            committee_client, event, kind="notebook", name="hostile.ipynb", content=json.dumps(notebook).encode()
        )

    assert response.status_code == 302
    html = Material.objects.get().rendered_html  # rendered by the task, run on commit
    assert "Fit a line" in html
    assert "bold" in html
    assert "w = 2.0" not in html
    assert "<script" not in html.lower()
    assert re.search(r"\son\w+\s*=", html, re.IGNORECASE) is None
    assert "javascript:" not in html.lower()
    assert "alert('js')" not in html
    assert "widget-state" not in html


@pytest.mark.django_db
def test_notebook_frame_has_its_own_strict_policy(client):
    from tests.factories import MaterialFactory

    material = MaterialFactory(kind="notebook", visibility="public")
    response = client.get(material.notebook_url + "frame/")
    assert response["Content-Security-Policy"].startswith("default-src 'none'; img-src data:;")
    assert "script-src" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    page = client.get(material.notebook_url).content.decode()
    assert re.search(r"<iframe[^>]* sandbox[ >]", page)
    assert "allow-scripts" not in page


@pytest.mark.django_db
def test_site_pages_only_gain_frame_src_self(client):
    from tests.factories import MaterialFactory

    material = MaterialFactory(kind="notebook", visibility="public")
    header = client.get(material.notebook_url)["Content-Security-Policy"]
    # Directives in any order (django-csp does not keep one).
    policy = dict(directive.strip().split(" ", 1) for directive in header.split(";") if directive.strip())
    assert policy["frame-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in header
    assert policy["frame-ancestors"] == "'none'"
