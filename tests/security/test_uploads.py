"""Every upload is fed what an attacker would send: a text file named .png, a
truncated picture, a decompression bomb (a PNG whose header claims 20000 x
20000, and a small file of 7000 x 7000) and a 20 MB body. Each gets a clear
refusal (the form shown again with the field's error, or 400/413), nothing is
saved (not a row, not a file) and never a 500.

The endpoints are every form of the project (and every admin form) with a file
field: a new one fails test_every_upload_form_is_attacked until it is added.
"""

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events.forms import ConsoleEventForm, ConsoleSpeakerForm, SeriesForm
from events.forms.admin import EventAdminForm, SpeakerAdminForm
from members.forms import ProfileForm, UnionListForm, WelcomeForm
from tests.factories import EventFactory, SpeakerFactory, WorkshopSeriesFactory, image_upload
from tests.security.conftest import client_of
from tests.security.html import filled, form_with
from tests.security.test_access import database_state
from workshops.forms import MaterialForm


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes whose header claims `width` x `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def small_big_png(side: int = 7000) -> bytes:
    """A real, complete PNG of `side` x `side` one-colour pixels: a small file that decodes huge."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def truncated_png() -> bytes:
    data = image_upload(size=(400, 300)).read()
    return data[: len(data) // 2]


TWENTY_MB = 20 * 1024 * 1024

# name -> (file name, bytes): what the attacker sends.
ATTACKS: dict[str, Callable[[], tuple[str, bytes]]] = {
    "text_named_png": lambda: ("photo.png", b"This is not a picture at all.\n" * 20),
    "truncated_png": lambda: ("photo.png", truncated_png()),
    "png_header_20000x20000": lambda: ("photo.png", png_claiming(20000, 20000)),
    "body_20MB": lambda: ("photo.png", image_upload(size=(40, 30)).read() + b"\0" * TWENTY_MB),
}
SMALL_FILE_BOMB = ("bomb.png", small_big_png)


@dataclass
class Upload:
    """An upload form: who opens it where, its file field, and what else the form needs."""

    who: str
    url: Callable[[], str]
    field: str
    form: type[forms.BaseForm]
    values: dict = field(default_factory=dict)
    # A good file for the control (a real picture unless said).
    good: Callable[[], SimpleUploadedFile] = lambda: image_upload()
    pictures: bool = True


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def new_event_values() -> dict:
    starts = timezone.now() + timedelta(days=10)
    return {"title": "A talk", "starts_at": local(starts), "ends_at": local(starts + timedelta(hours=1))}


def admin_change(model: str, make) -> Callable[[], str]:
    return lambda: reverse(f"admin:events_{model}_change", args=[make().pk])


def pdf_upload() -> SimpleUploadedFile:
    from tests.factories import pdf_bytes

    return SimpleUploadedFile("slides.pdf", pdf_bytes(), content_type="application/pdf")


def csv_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("members.csv", b"Email\nsomeone@uni.ac.uk\n", content_type="text/csv")


UPLOADS: dict[str, Upload] = {
    "profile_avatar": Upload("member", lambda: reverse("members:profile_edit"), "avatar_upload", ProfileForm),
    "welcome_avatar": Upload("member", lambda: reverse("members:welcome"), "avatar_upload", WelcomeForm),
    "new_event_banner": Upload(
        "committee",
        lambda: reverse("events:manage_event_create"),
        "banner_upload",
        ConsoleEventForm,
        new_event_values(),
    ),
    "event_banner": Upload(
        "committee",
        lambda: reverse("events:manage_event_edit", kwargs={"slug": EventFactory().slug}),
        "banner_upload",
        ConsoleEventForm,
    ),
    "event_new_speaker_photo": Upload(
        "committee",
        lambda: reverse("events:manage_event_edit", kwargs={"slug": EventFactory().slug}),
        "new_speaker_photo",
        ConsoleEventForm,
        {"new_speaker_name": "Grace Speaker"},
    ),
    "series_banner": Upload(
        "committee",
        lambda: reverse("events:manage_series"),
        "banner_upload",
        SeriesForm,
        {"title": "Weekly workshops", "first_day": (timezone.localdate() + timedelta(days=7)).isoformat()},
    ),
    "new_speaker_photo": Upload(
        "committee",
        lambda: reverse("events:manage_speaker_new"),
        "photo_upload",
        ConsoleSpeakerForm,
        {"name": "Grace Speaker"},
    ),
    "speaker_photo": Upload(
        "committee",
        lambda: reverse("events:manage_speaker_edit", kwargs={"speaker_id": SpeakerFactory().pk}),
        "photo_upload",
        ConsoleSpeakerForm,
    ),
    "event_material": Upload(
        "committee",
        lambda: reverse("workshops:manage_event_materials", kwargs={"slug": EventFactory().slug}),
        "upload",
        MaterialForm,
        {"kind": "slides", "title": "Slides", "url": ""},
        good=pdf_upload,
        pictures=False,
    ),
    "series_material": Upload(
        "committee",
        lambda: reverse("workshops:manage_series_materials", kwargs={"slug": WorkshopSeriesFactory().slug}),
        "upload",
        MaterialForm,
        {"kind": "slides", "title": "Slides", "url": ""},
        good=pdf_upload,
        pictures=False,
    ),
    "union_list": Upload(
        "committee", lambda: reverse("members:union_upload"), "file", UnionListForm, good=csv_upload, pictures=False
    ),
    "admin_event_banner": Upload("admin", admin_change("event", EventFactory), "banner_upload", EventAdminForm),
    "admin_speaker_photo": Upload("admin", admin_change("speaker", SpeakerFactory), "photo_upload", SpeakerAdminForm),
}


def project_forms_with_files() -> set[type]:
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    project = ("events", "members", "workshops", "society")
    found = {
        form
        for form in subclasses(forms.BaseForm)
        if form.__module__.split(".")[0] in project
        and any(isinstance(f, forms.FileField) for f in form.base_fields.values())
    }
    for model_admin in admin.site._registry.values():
        if any(isinstance(f, forms.FileField) for f in model_admin.form.base_fields.values()):
            found.add(model_admin.form)
    return found


def test_every_upload_form_is_attacked():
    assert project_forms_with_files() == {upload.form for upload in UPLOADS.values()}


def stored_files() -> list[Path]:
    return [
        p for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) for p in Path(root).rglob("*") if p.is_file()
    ]


def prepare(personas, upload: Upload):
    """The persona's client, and the form's action and data as its page draws them (no file yet)."""
    client = client_of(personas[upload.who])
    url = upload.url()
    form = form_with(client.get(url).content.decode(), upload.field)
    data = filled(form, text=None, link=None, **upload.values)
    data.pop("skip", None)  # the welcome step's other button
    return client, form.action or url, data


@pytest.mark.parametrize("key", sorted(UPLOADS))
def test_upload_form_takes_a_good_file(personas, key):
    """The control: the same form, filled the same way, takes a real file (so a refusal below is the file's)."""
    upload = UPLOADS[key]
    client, action, data = prepare(personas, upload)

    response = client.post(action, {**data, upload.field: upload.good()})

    assert response.status_code == 302, response.content.decode()[:4000]


def assert_refused(personas, upload: Upload, name: str, content: bytes):
    client, action, data = prepare(personas, upload)
    before, files_before = database_state(), stored_files()

    response = client.post(action, {**data, upload.field: SimpleUploadedFile(name, content)})

    assert response.status_code in (200, 400, 413), f"answered {response.status_code}"
    if response.status_code != 413:
        assert "invalid-feedback" in response.content.decode() or "errorlist" in response.content.decode()
    assert database_state() == before
    assert stored_files() == files_before


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize("key", sorted(UPLOADS))
def test_upload_refuses_an_attack(personas, key, attack):
    name, content = ATTACKS[attack]()
    if not UPLOADS[key].pictures:
        name = {"union_list": "members.csv"}.get(key, "slides.pdf")

    assert_refused(personas, UPLOADS[key], name, content)


@pytest.mark.parametrize("key", ["profile_avatar", "event_banner", "speaker_photo"])
def test_picture_upload_refuses_a_small_file_that_decodes_to_49_megapixels(personas, key):
    """One form for each kind of picture (avatar, banner, speaker photo): the others share their checks."""
    name, make = SMALL_FILE_BOMB

    assert_refused(personas, UPLOADS[key], name, make())
