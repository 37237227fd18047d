"""Every kind of material, every visibility, and visitor / member / attendee / committee,
through the pages and through the file URLs opened directly."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import EventFactory, MaterialFactory, MembershipFactory, RegistrationFactory, UserFactory

KINDS = ["slides", "notebook", "file", "link"]
# Who may open the file, by visibility.
ALLOWED = {
    "public": {"visitor", "member", "attendee", "committee"},
    "members": {"member", "attendee", "committee"},
    "attendees": {"attendee", "committee"},
}


@pytest.fixture
def past_event(db):
    start = timezone.now() - timedelta(days=2)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))


def log_in(client, persona: str, event) -> None:
    if persona == "visitor":
        return
    user = UserFactory(committee=persona == "committee")
    if persona in ("member", "attendee"):
        MembershipFactory(user=user)
    if persona == "attendee":
        RegistrationFactory(event=event, user=user, checked_in_at=timezone.now())
    client.force_login(user)


def refused(response, persona: str) -> bool:
    if persona == "visitor":
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("persona", ["visitor", "member", "attendee", "committee"])
@pytest.mark.parametrize("visibility", ["public", "members", "attendees"])
@pytest.mark.parametrize("kind", KINDS)
def test_material_is_listed_and_served_only_to_its_audience(client, past_event, kind, visibility, persona):
    material = MaterialFactory(event=past_event, kind=kind, visibility=visibility, title="The material")
    log_in(client, persona, past_event)
    allowed = persona in ALLOWED[visibility]

    page = client.get(reverse("workshops:event_materials", kwargs={"slug": past_event.slug}))
    download = client.get(material.download_url)
    notebook = client.get(material.notebook_url)
    frame = client.get(material.notebook_url + "frame/")

    assert ("The material" in page.content.decode()) is allowed
    if kind == "link":
        assert download.status_code == 404 if allowed else refused(download, persona)
    elif allowed:
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment; filename=")
        assert b"".join(download.streaming_content)[:4] in (b"%PDF", b'{\n "', b"PK\x05\x06")
    else:
        assert refused(download, persona)
    for response in (notebook, frame):
        if kind == "notebook" and allowed:
            assert response.status_code == 200
        elif allowed:
            assert response.status_code == 404
        else:
            assert refused(response, persona)


def test_material_not_yet_available_is_hidden_from_members_but_not_committee(client, committee_member, past_event):
    material = MaterialFactory(
        event=past_event, visibility="public", available_from=timezone.now() + timedelta(hours=1)
    )
    assert client.get(material.download_url).status_code == 404
    client.force_login(committee_member)
    assert client.get(material.download_url).status_code == 200


def test_series_material_for_attendees_needs_a_session_of_that_series(client, member):
    from tests.factories import SeriesSessionFactory

    session = SeriesSessionFactory()
    material = MaterialFactory(event=None, series=session.series, visibility="attendees")
    client.force_login(member)
    assert client.get(material.download_url).status_code == 403
    RegistrationFactory(event=session.event, user=member, checked_in_at=timezone.now())
    assert client.get(material.download_url).status_code == 200


def test_materials_have_no_public_file_url(db, settings):
    material = MaterialFactory(visibility="public")
    path = settings.PRIVATE_MEDIA_ROOT / material.file.name
    assert path.exists()
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError, match="no public URL"):
        material.file.url  # noqa: B018


def test_download_is_handed_to_the_web_server_when_configured(db, client, settings):
    settings.SENDFILE_HEADER = "X-Accel-Redirect"
    settings.SENDFILE_PREFIX = "/private-materials/"
    material = MaterialFactory(visibility="public")
    response = client.get(material.download_url)
    assert response["X-Accel-Redirect"] == f"/private-materials/{material.file.name}"
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b""
