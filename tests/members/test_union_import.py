from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Membership, Profile, UnionListImport
from members.union_csv import UnionCsvError, UnionRow, parse_union_csv
from members.years import current_academic_year
from tests.factories import MembershipFactory, ProfileFactory, UserFactory

UPLOAD = reverse("members:union_upload")
PREVIEW = reverse("members:union_preview")
REPORT = reverse("members:union_report")


def csv_file(text: str, name: str = "union.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def students(db):
    """Ana (matched by email), Ben (by the student number an earlier list confirmed), Cy
    (already a member), Dee (not on the list)."""
    ana = UserFactory(email="ana@uni.ac.uk", name="Ana")
    ben = ProfileFactory(
        user=UserFactory(email="ben@gmail.com", name="Ben"),
        student_number="S200",
        student_number_verified_at=timezone.now() - timedelta(days=365),
    ).user
    cy = UserFactory(email="cy@uni.ac.uk", name="Cy")
    MembershipFactory(user=cy, source=Membership.Source.JOINED)
    dee = UserFactory(email="dee@uni.ac.uk", name="Dee")
    return {"ana": ana, "ben": ben, "cy": cy, "dee": dee}


UNION_CSV = (
    "Student Number,First name,Email Address\r\n"
    "S100,Ana,ANA@uni.ac.uk\r\n"
    "S200,Ben,ben@uni.ac.uk\r\n"
    "S300,Cy,cy@uni.ac.uk\r\n"
    "S400,Zed,zed@uni.ac.uk\r\n"
    ",,\r\n"
)


def test_union_csv_reads_headers_as_unions_write_them():
    rows = parse_union_csv("\ufeffStudent ID;E-mail\nS1;A@Uni.ac.uk\n;b@uni.ac.uk\n".encode())

    assert rows == [
        UnionRow(line=2, email="a@uni.ac.uk", student_number="S1"),
        UnionRow(line=3, email="b@uni.ac.uk", student_number=""),
    ]


@pytest.mark.django_db
def test_union_upload_previews_without_changing_anything(committee_client, students):
    response = committee_client.post(UPLOAD, {"file": csv_file(UNION_CSV)})
    preview = committee_client.get(PREVIEW)

    assert response["Location"] == PREVIEW
    plan = preview.context["plan"]
    assert [u.name for u in plan.new_members] == ["Ana", "Ben"]
    assert [u.name for u in plan.already_members] == ["Cy"]
    assert plan.unmatched == [UnionRow(line=5, email="zed@uni.ac.uk", student_number="S400")]
    assert list(Membership.objects.values_list("user__name", flat=True)) == ["Cy"]


@pytest.mark.django_db
def test_union_confirm_adds_the_new_members_and_reports_unmatched_rows(committee_client, students):
    committee_client.post(UPLOAD, {"file": csv_file(UNION_CSV)})

    response = committee_client.post(PREVIEW, {"confirm": "1"})
    report = committee_client.get(REPORT)

    assert response["Location"] == REPORT
    year = current_academic_year()
    assert sorted(Membership.objects.filter(academic_year=year).values_list("user__name", "source")) == [
        ("Ana", "union"),
        ("Ben", "union"),
        ("Cy", "joined"),
    ]
    page = report.content.decode()
    assert "<strong>2</strong> added, <strong>1</strong> already members" in page
    assert "zed@uni.ac.uk" in page
    assert report.context["report"]["unmatched"] == [{"line": 5, "email": "zed@uni.ac.uk", "student_number": "S400"}]


@pytest.mark.django_db
def test_union_confirm_uses_the_list_kept_on_the_server_not_one_sent_by_the_browser(committee_client, students):
    committee_client.post(UPLOAD, {"file": csv_file("Email\nana@uni.ac.uk\n")})

    committee_client.post(PREVIEW, {"confirm": "1", "rows": "dee@uni.ac.uk", "email": "dee@uni.ac.uk"})

    assert sorted(Membership.objects.values_list("user__name", flat=True)) == ["Ana", "Cy"]


@pytest.mark.django_db
def test_union_confirm_twice_adds_nothing_the_second_time(committee_client, students):
    committee_client.post(UPLOAD, {"file": csv_file(UNION_CSV)})
    committee_client.post(PREVIEW, {"confirm": "1"})

    again = committee_client.post(PREVIEW, {"confirm": "1"})

    assert again["Location"] == UPLOAD
    assert Membership.objects.count() == 3


@pytest.mark.django_db
def test_union_upload_can_be_discarded(committee_client, students):
    committee_client.post(UPLOAD, {"file": csv_file(UNION_CSV)})

    committee_client.post(PREVIEW, {"cancel": "1"})

    assert Membership.objects.count() == 1
    assert committee_client.get(PREVIEW).context["plan"] is None


@pytest.mark.django_db
def test_union_list_never_matches_deleted_accounts(committee_client):
    UserFactory(email="gone@uni.ac.uk", is_active=False)
    committee_client.post(UPLOAD, {"file": csv_file("Email\ngone@uni.ac.uk\n")})

    preview = committee_client.get(PREVIEW)

    assert (preview.context["plan"].new_members, len(preview.context["plan"].unmatched)) == ([], 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "This is not a CSV file."),
        (csv_file("Email,Student number\n", "x.csv"), "The file has a header but no rows"),
        (csv_file("Name,Paid\nAna,yes\n"), "No column is headed \u201cEmail\u201d or \u201cStudent number\u201d."),
        (csv_file("Email\nzo\u00eb@uni.ac.uk\n", encoding="latin-1"), "The file is not in UTF-8."),
        (csv_file(""), "The submitted file is empty."),
        (csv_file("   \n\n"), "The file is empty."),
        (csv_file('Email\n"ana@uni.ac.uk\n'), "This is not a readable CSV file"),
        (csv_file("Email\n" + "someone@uni.ac.uk\n" * 150_000), "The file is larger than 2 MB."),
        (csv_file("Email\n" + "".join(f"s{n}@u.uk\n" for n in range(20_001))), "more than 20,000 rows"),
    ],
    ids=["binary", "header-only", "no-known-column", "latin-1", "zero-bytes", "blank", "bad-quote", "too-big", "rows"],
)
def test_union_upload_refuses_bad_files_and_changes_nothing(committee_client, students, upload, message):
    response = committee_client.post(UPLOAD, {"file": upload})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Membership.objects.count() == 1
    assert committee_client.get(PREVIEW).context["plan"] is None


@pytest.mark.django_db
def test_union_upload_without_a_file_asks_for_one(committee_client):
    response = committee_client.post(UPLOAD, {})

    assert "This field is required." in response.content.decode()


@pytest.mark.django_db
def test_union_preview_is_for_the_committee_only(member_client, students):
    response = member_client.post(UPLOAD, {"file": csv_file(UNION_CSV)})

    assert response.status_code == 403
    assert Membership.objects.count() == 1


def test_union_csv_error_messages_are_plain_sentences():
    with pytest.raises(UnionCsvError, match=r"^The file is empty\.$"):
        parse_union_csv(b"")


# --- Student numbers: a claim on a profile, confirmed only by the list -----------------


def members_this_year() -> list[str]:
    return sorted(Membership.objects.filter(academic_year=current_academic_year()).values_list("user__name", flat=True))


@pytest.mark.django_db
def test_union_list_gives_the_membership_to_the_payer_not_to_who_claimed_their_number(committee_client):
    payer = UserFactory(email="ada@uni.ac.uk", name="Ada")
    ProfileFactory(user=UserFactory(email="mallory@uni.ac.uk", name="Mallory"), student_number="S500")
    committee_client.post(UPLOAD, {"file": csv_file("Student number,Email\nS500,ada@uni.ac.uk\n")})

    committee_client.post(PREVIEW, {"confirm": "1"})

    assert members_this_year() == ["Ada"]
    assert Profile.objects.filter(user=payer).exists() is False  # the list gives Ada no number she did not type


@pytest.mark.django_db
def test_a_number_only_claimed_grants_nothing_and_is_left_to_the_committee(committee_client):
    claimant = ProfileFactory(user=UserFactory(email="bo@gmail.com", name="Bo"), student_number="S600").user
    committee_client.post(UPLOAD, {"file": csv_file("Student number,Email\nS600,bo@uni.ac.uk\n")})

    preview = committee_client.get(PREVIEW)
    committee_client.post(PREVIEW, {"confirm": "1"})
    report = committee_client.get(REPORT)

    [review] = preview.context["plan"].to_review
    assert (review.row, review.claimants) == (UnionRow(line=2, email="bo@uni.ac.uk", student_number="S600"), [claimant])
    assert members_this_year() == []
    for page in (preview.content.decode(), report.content.decode()):
        assert "Rows for the committee to decide" in page
        assert "The union lists student number S600 with bo@uni.ac.uk; the account(s) below typed" in page
        assert "bo@gmail.com" in page
        assert reverse("members:renew", args=[claimant.pk]) in page
    assert UnionListImport.objects.values_list("added", "to_review", "unmatched").get() == (0, 1, 0)


@pytest.mark.django_db
def test_the_accounts_email_with_its_number_confirms_the_number(committee_client):
    ada = ProfileFactory(user=UserFactory(email="ada@uni.ac.uk", name="Ada"), student_number="S700").user
    ProfileFactory(user=UserFactory(email="eve@uni.ac.uk", name="Eve"), student_number="S700")  # a claim beside it
    committee_client.post(UPLOAD, {"file": csv_file("Student number,Email\nS700,ADA@uni.ac.uk\n")})

    committee_client.post(PREVIEW, {"confirm": "1"})

    confirmed = Profile.objects.filter(student_number_verified_at__isnull=False).values_list("user__name", flat=True)
    assert list(confirmed) == ["Ada"]
    assert "<strong>1</strong> student number confirmed." in committee_client.get(REPORT).content.decode()
    # Next year's list, with the number alone, finds Ada: the number is hers now.
    plan = services.plan_union_import(rows=[UnionRow(line=2, email="", student_number="S700")], year=2090)
    assert (plan.new_members, plan.to_review) == ([ada], [])


@pytest.mark.django_db
def test_a_confirmed_number_belongs_to_one_account_only():
    ProfileFactory(student_number="S800", student_number_verified_at=timezone.now())

    with pytest.raises(IntegrityError):
        ProfileFactory(student_number="S800", student_number_verified_at=timezone.now())


@pytest.mark.django_db
def test_changing_a_confirmed_number_makes_it_a_claim_again(member):
    ProfileFactory(user=member, student_number="S900", student_number_verified_at=timezone.now())

    services.update_profile(user=member, name="Mo", details={"student_number": " S901 "}, interests=[])
    changed = Profile.objects.get(user=member)
    services.update_profile(user=member, name="Mo", details={"student_number": "S901"}, interests=[])

    assert (changed.student_number, changed.student_number_verified_at) == ("S901", None)
