"""The pages: checking a credential, a credential's page, the member's own page, snapshots and the PDF."""

import copy
import json
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from credentials import badges, keys, services
from credentials.models import IssuedCredential, RecordSnapshot
from members import services as member_services
from tests.factories import UserFactory
from tests.logins import log_in
from tests.querycount import assert_constant_queries

from .conftest import led_session, series_attended

VERIFY = reverse("credentials:verify")
MINE = reverse("credentials:mine")


@pytest.fixture
def credential(host):
    led_session(host, title="Transformers from scratch")
    return services.issue_credential(member=host, achievement=badges.earned(host)[0])


def verdict_of(client, **data) -> str:
    page = client.post(VERIFY, data).content.decode()
    return page[page.index("<section") : page.index("</section>")] if "<section" in page else page


# --- The verification page --------------------------------------------------------


@pytest.mark.django_db
def test_a_pasted_genuine_credential_says_whose_it_is_and_what_it_states(client, credential):
    verdict = verdict_of(client, text=json.dumps(credential.document))

    assert "Genuine: issued by this society and unchanged." in verdict
    assert "Ada Lovelace" in verdict
    assert "Session leader: Transformers from scratch" in verdict
    assert "6 members attended" in verdict


@pytest.mark.django_db
def test_an_uploaded_credential_file_is_checked(client, credential):
    upload = SimpleUploadedFile("credential.json", json.dumps(credential.document).encode(), "application/json")

    assert "Genuine" in verdict_of(client, file=upload)


@pytest.mark.django_db
def test_a_changed_name_or_date_is_not_genuine(client, credential):
    for change in ("name", "date"):
        tampered = copy.deepcopy(credential.document)
        if change == "name":
            tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
        else:
            tampered["validFrom"] = "2019-01-01T00:00:00Z"

        verdict = verdict_of(client, text=json.dumps(tampered))

        assert "Not genuine: this credential was changed after it was signed" in verdict
        assert "Genuine:" not in verdict


@pytest.mark.django_db
def test_a_revoked_credential_is_reported_as_revoked(client, credential, host):
    services.revoke_credential(credential=credential, by=host)

    assert "Revoked: the society issued this credential but has withdrawn it." in verdict_of(
        client, text=json.dumps(credential.document)
    )


@pytest.mark.django_db
def test_a_credential_of_another_issuer_is_not_signed_by_this_society(client, credential, settings):
    settings.SECRET_KEY = "another society's secret"  # another development key signs
    other = services.issue_credential(member=UserFactory(), achievement=badges.earned(credential.member)[0])
    settings.SECRET_KEY = "x"
    document = json.dumps(other.document)

    assert "Not signed by this society" in verdict_of(client, text=document)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Paste a credential or choose its .json file."),
        ({"text": "{not json"}, "This is not a credential this page can check"),
        ({"text": '{"name": "A certificate"}'}, "This is not a credential this page can check"),
        ({"file": SimpleUploadedFile("c.json", b"\xff\xfe\x00binary")}, "That file is not text"),
    ],
    ids=["empty", "bad JSON", "no proof", "binary file"],
)
def test_what_cannot_be_checked_is_said_clearly(client, data, message):
    page = client.post(VERIFY, data).content.decode()

    assert message in page
    assert "Genuine" not in page


@pytest.mark.django_db
def test_a_huge_upload_is_refused_unread(client, settings):
    settings.CREDENTIAL_UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.json", b"{" + b" " * 2048 + b"}")

    page = client.post(VERIFY, {"file": upload}).content.decode()

    assert "That file is too large for a credential (at most 1.0\xa0KB)." in page


@pytest.mark.django_db
def test_checking_saves_nothing(client, credential):
    before = (IssuedCredential.objects.count(), RecordSnapshot.objects.count())

    client.post(VERIFY, {"text": json.dumps(credential.document)})

    assert (IssuedCredential.objects.count(), RecordSnapshot.objects.count()) == before


# --- The keys and a credential's page ------------------------------------------------


@pytest.mark.django_db
def test_the_well_known_document_lists_the_current_and_retired_keys(client, settings):
    retired = keys.public_multibase(keys.development_key().public_key())
    settings.SECRET_KEY = "rotated"
    settings.CREDENTIAL_RETIRED_KEYS = [retired]

    document = client.get("/.well-known/credential-keys.json").json()

    assert document["id"] == f"{settings.SITE_URL}/.well-known/credential-keys.json"
    assert [method["publicKeyMultibase"] for method in document["verificationMethod"]] == [
        keys.public_multibase(keys.development_key().public_key()),
        retired,
    ]
    assert {method["type"] for method in document["verificationMethod"]} == {"Multikey"}
    assert document["assertionMethod"] == [method["id"] for method in document["verificationMethod"]]


@pytest.mark.django_db
def test_a_credentials_page_says_it_is_valid_then_withdrawn(client, credential, host):
    url = credential.get_absolute_url()

    assert url == urlsplit(credential.document["id"]).path
    assert "Valid: AI Society issued this credential and stands by it." in client.get(url).content.decode()

    services.revoke_credential(credential=credential, by=host)
    response = client.get(url)

    assert response.status_code == 410
    assert "the society no longer stands by this credential" in response.content.decode()


# --- The member's page -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_page_says_how_to_earn_credentials(member_client):
    page = member_client.get(MINE).content.decode()

    assert "No credentials yet." in page
    assert "You have not shared a copy of your record yet." in page


@pytest.mark.django_db
def test_the_member_gets_downloads_and_withdraws_a_credential(client, host):
    led_session(host, title="Transformers from scratch")
    series_attended(host, name="Intro to Machine Learning")
    log_in(client, host)
    achievements = badges.earned(host)

    client.post(reverse("credentials:issue"), {"achievement": achievements[0].ref})
    issued = IssuedCredential.objects.get(member=host)
    page = client.get(MINE).content.decode()
    download = client.get(reverse("credentials:download", kwargs={"credential_id": issued.pk}))

    assert "Get the credential" in page  # for the series, not issued yet
    assert json.loads(download.content) == issued.document
    assert download["Content-Disposition"] == f'attachment; filename="credential-{issued.pk}.json"'

    revoke = reverse("credentials:revoke", kwargs={"credential_id": issued.pk})
    assert "Withdraw your credential" in client.get(revoke).content.decode()
    client.post(revoke)

    issued.refresh_from_db()
    assert issued.is_revoked
    assert "You withdrew an earlier credential for it." in client.get(MINE).content.decode()


@pytest.mark.django_db
def test_the_linkedin_link_fills_the_certification_form(client, credential, host, settings):
    log_in(client, host)

    page = client.get(MINE).content.decode()
    link = badges.linkedin_url(credential).replace("&", "&amp;")
    query = parse_qs(urlsplit(badges.linkedin_url(credential)).query)

    assert link in page
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Led “Transformers from scratch”"],
        "organizationName": [settings.SOCIETY_NAME],
        "issueYear": [str(credential.issued_at.year)],
        "issueMonth": [str(credential.issued_at.month)],
        "certUrl": [credential.document["id"]],
        "certId": [str(credential.pk)],
    }


@pytest.mark.django_db
def test_a_credential_for_what_was_not_earned_is_refused(client, host, other_member):
    someone_elses = led_session(other_member, title="Not mine")
    log_in(client, host)

    response = client.post(
        reverse("credentials:issue"), {"achievement": f"session_led:{someone_elses.slug}"}, follow=True
    )

    assert "There is no such session or series on your record." in response.content.decode()
    assert IssuedCredential.objects.count() == 0


@pytest.mark.django_db
def test_another_members_credential_is_not_theirs_to_download_or_withdraw(client, credential, other_member):
    log_in(client, other_member)

    for name in ("credentials:download", "credentials:revoke"):
        url = reverse(name, kwargs={"credential_id": credential.pk})
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    credential.refresh_from_db()
    assert not credential.is_revoked


@pytest.mark.django_db
def test_without_a_signing_key_the_page_says_so_and_issues_nothing(client, host, settings):
    led_session(host)
    settings.CREDENTIAL_DEVELOPMENT_KEY = False
    log_in(client, host)

    page = client.get(MINE).content.decode()
    response = client.post(reverse("credentials:issue"), {"achievement": badges.earned(host)[0].ref}, follow=True)

    assert "The society cannot sign credentials at the moment." in page
    assert "Get the credential" not in page
    assert "The society cannot sign credentials at the moment." in response.content.decode()
    assert IssuedCredential.objects.count() == 0


@pytest.mark.django_db
def test_the_members_page_costs_constant_queries(client, host):
    log_in(client, host)

    def earn(n: int) -> None:
        for i in range(n):
            led_session(host, title=f"Session {i}", attendees=1, ratings=())
            series_attended(host, name=f"Series {i}", sessions=1, attended=1)
            services.issue_earned(member=host, ref=badges.earned(host)[0].ref)
            services.take_snapshot(member=host)

    assert_constant_queries(lambda: client.get(MINE), earn, small=2, large=12)


# --- Snapshots and the PDF -----------------------------------------------------------


@pytest.mark.django_db
def test_a_snapshot_keeps_the_record_as_it_was_after_the_live_one_is_hidden(client, host):
    led_session(host, title="Transformers from scratch")
    member_services.share_record(user=host, public=True)
    log_in(client, host)
    client.post(reverse("credentials:take_snapshot"))
    snapshot = RecordSnapshot.objects.get(member=host)
    led_session(host, title="Led after the snapshot", days_ago=2)
    member_services.share_record(user=host, public=False)
    client.logout()

    page = client.get(snapshot.get_absolute_url()).content.decode()

    assert "Ada Lovelace" in page
    assert "Transformers from scratch" in page
    assert "6 attended · rated 4.6 out of 5 by 5" in page
    assert "Led after the snapshot" not in page
    assert client.get(member_services.record_of(host).get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_withdrawn_snapshot_answers_410_and_makes_no_pdf(client, host):
    log_in(client, host)
    snapshot = services.take_snapshot(member=host)
    withdraw = reverse("credentials:withdraw_snapshot", kwargs={"token": snapshot.token})

    assert "Withdraw the copy of your record" in client.get(withdraw).content.decode()
    client.post(withdraw)
    client.logout()
    page = client.get(snapshot.get_absolute_url())
    pdf = client.get(reverse("credentials:snapshot_pdf", kwargs={"token": snapshot.token}))

    assert page.status_code == 410
    assert "The member withdrew this copy of their participation record" in page.content.decode()
    assert pdf.status_code == 410
    assert pdf["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_snapshot_with_a_wrong_token_is_not_found(client):
    assert client.get(reverse("credentials:snapshot", kwargs={"token": "guess"})).status_code == 404


@pytest.mark.django_db
def test_another_member_cannot_withdraw_a_snapshot(client, host, other_member):
    snapshot = services.take_snapshot(member=host)
    log_in(client, other_member)

    assert client.post(reverse("credentials:withdraw_snapshot", kwargs={"token": snapshot.token})).status_code == 404
    snapshot.refresh_from_db()
    assert not snapshot.is_revoked


@pytest.mark.django_db
def test_the_pdf_is_the_record_with_a_code_to_its_snapshot(client, host, settings):
    led_session(host, title="Transformers from scratch")
    series_attended(host, name="Intro to Machine Learning")
    log_in(client, host)

    response = client.post(reverse("credentials:take_snapshot"), {"pdf": "1"}, follow=True)
    snapshot = RecordSnapshot.objects.get(member=host)
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]

    assert response["Content-Type"] == "application/pdf"
    assert "Ada Lovelace" in text
    assert "Sessions led" in text
    assert "Transformers from scratch" in text
    assert "Intro to Machine Learning" in text
    assert links == [settings.SITE_URL + snapshot.get_absolute_url()]


@pytest.mark.django_db
def test_a_pdf_in_chinese_has_chinese_headings(client, host):
    led_session(host, title="Transformers from scratch")
    with translation.override("zh-hans"):
        snapshot = services.take_snapshot(member=host)

    response = client.get(reverse("credentials:snapshot_pdf", kwargs={"token": snapshot.token}))
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()

    assert "Transformers from scratch" in text
    assert "参与记录" in text


# --- Chinese pages ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pages_speak_chinese(client, credential, host):
    log_in(client, host)
    client.cookies["django_language"] = "zh-hans"

    with translation.override("zh-hans"):
        mine = client.get(MINE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        verify = client.get(VERIFY, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "凭证" in mine
    assert "验证" in verify


# --- Personal data -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_members_copy_of_their_data_has_their_credentials_and_snapshots(client, credential, host):
    services.take_snapshot(member=host)
    log_in(client, host)

    data = client.get(reverse("members:export_data")).json()["credentials"]

    assert [item["title"] for item in data["credentials"]] == ["Led “Transformers from scratch”"]
    assert data["credentials"][0]["credential"] == credential.document
    assert len(data["record_snapshots"]) == 1


@pytest.mark.django_db
def test_an_anonymised_account_leaves_only_withdrawn_credentials_and_snapshots(client, credential, host):
    snapshot = services.take_snapshot(member=host)

    member_services.anonymise_account(user=host)
    credential.refresh_from_db()
    page = client.get(credential.get_absolute_url())

    assert (credential.is_revoked, credential.title, credential.document) == (True, "", {})
    assert page.status_code == 410
    assert "Ada Lovelace" not in page.content.decode()
    assert client.get(snapshot.get_absolute_url()).status_code == 410
    assert "Ada Lovelace" not in str(RecordSnapshot.objects.values().get())
