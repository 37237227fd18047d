import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Profile
from members.years import current_academic_year
from tests.factories import MembershipFactory, ProfileFactory, RegistrationFactory, TopicFactory, UserFactory
from tests.querycount import assert_constant_queries

URL = reverse("members:directory")
EXPORT = reverse("members:directory_export")


@pytest.fixture
def people(db):
    """Four students with different courses, years, interests and memberships."""
    vision = TopicFactory(name="Computer vision", slug="computer-vision")
    nlp = TopicFactory(name="NLP", slug="nlp")
    year = current_academic_year()
    ana = ProfileFactory(user__name="Ana Ade", user__email="ana@uni.ac.uk", course="Physics MSci", year_of_study=1)
    ana.interests.set([vision])
    ben = ProfileFactory(
        user__name="Ben Bo", user__email="ben@uni.ac.uk", course="Computer Science BSc", year_of_study=2
    )
    ben.interests.set([nlp, vision])
    cy = ProfileFactory(
        user__name="Cy Cole", user__email="cy@uni.ac.uk", course="Computer Science BSc", year_of_study=2
    )
    dee = UserFactory(name="Dee Dunn", email="dee@uni.ac.uk")  # never saved a profile
    MembershipFactory(user=ana.user, academic_year=year)
    MembershipFactory(user=ben.user, academic_year=year - 1)
    MembershipFactory(user=cy.user, academic_year=year)
    UserFactory(name="Gone", email="gone@uni.ac.uk", is_active=False)
    return {"ana": ana.user, "ben": ben.user, "cy": cy.user, "dee": dee, "year": year}


def names(response) -> list[str]:
    return [user.name for user in response.context["page"].object_list]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Ana Ade", "Ben Bo", "Cam Committee", "Cy Cole", "Dee Dunn"]),
        ({"q": "ben"}, ["Ben Bo"]),
        ({"q": "DEE@UNI"}, ["Dee Dunn"]),
        ({"year_of_study": "2"}, ["Ben Bo", "Cy Cole"]),
        ({"course": "computer science"}, ["Ben Bo", "Cy Cole"]),
        ({"interest": "computer-vision"}, ["Ana Ade", "Ben Bo"]),
        ({"membership": "this"}, ["Ana Ade", "Cy Cole"]),
        ({"membership": "last"}, ["Ben Bo"]),
        ({"membership": "none"}, ["Ben Bo", "Cam Committee", "Dee Dunn"]),
        ({"course": "computer", "membership": "this", "interest": ""}, ["Cy Cole"]),
    ],
)
def test_directory_filters(committee_client, people, query, expected):
    years = {"this": str(people["year"]), "last": str(people["year"] - 1)}
    if "membership" in query:
        query = {**query, "membership": years.get(query["membership"], query["membership"])}

    response = committee_client.get(URL, query)

    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year_of_study": "99"}, "Select a valid choice. 99 is not one of the available choices."),
        ({"interest": "no-such-topic"}, "Select a valid choice. That choice is not one of the available choices."),
        ({"membership": "1999"}, "Select a valid choice. 1999 is not one of the available choices."),
        ({"q": "x" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_directory_explains_bad_filters_and_shows_everyone(committee_client, people, query, message):
    response = committee_client.get(URL, query)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Some filters were not understood" in page
    assert len(names(response)) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["2", "999", "abc", "-1"])
def test_directory_tolerates_any_page_parameter(committee_client, people, page):
    response = committee_client.get(URL, {"page": page})

    assert response.status_code == 200
    assert len(names(response)) == 5


@pytest.mark.django_db
def test_directory_pages_keep_the_filters(committee_client):
    ProfileFactory.create_batch(55, course="Maths BSc")

    response = committee_client.get(URL, {"course": "maths"})

    assert 'href="?course=maths&amp;page=2"' in response.content.decode()


@pytest.mark.django_db
def test_directory_costs_constant_queries(committee_client):
    topic = TopicFactory()
    year = current_academic_year()

    def add_people(n: int) -> None:
        for profile in ProfileFactory.create_batch(n):
            profile.interests.set([topic])
            MembershipFactory(user=profile.user, academic_year=year)

    count = assert_constant_queries(lambda: committee_client.get(URL), add_people)

    # session, user, committee check, membership years, count, page, interests, topic choices
    assert count == 8


def export(client, filters=None):
    """The export's response, its streamed rows read (the queries run while it streams) into `rows`."""
    response = client.get(EXPORT, filters or {})
    if response.status_code == 200:
        assert response.streaming
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        response.rows = list(csv.reader(io.StringIO(text)))
    return response


@pytest.mark.django_db
def test_directory_export_lists_the_filtered_people(committee_client, people):
    response = export(committee_client, {"course": "computer"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    rows = response.rows
    assert rows[1:] == [
        ["Ben Bo", "ben@uni.ac.uk", "", "Computer Science BSc", "Second year", "Computer vision; NLP", "0", "no"],
        ["Cy Cole", "cy@uni.ac.uk", "", "Computer Science BSc", "Second year", "", "0", "yes"],
    ]


@pytest.mark.django_db
def test_directory_export_is_safe_to_open_in_a_spreadsheet(committee_client):
    user = UserFactory(name='=HYPERLINK("https://evil.example","click")', email="eve@uni.ac.uk")
    ProfileFactory(user=user, course="+44 Maths", student_number="@SUM(A1)")
    Profile.objects.filter(user=user).update(course="-2+3", bio="\tsneaky")

    rows = export(committee_client, {"q": "eve"}).rows

    assert rows[1][:4] == ['\'=HYPERLINK("https://evil.example","click")', "eve@uni.ac.uk", "'@SUM(A1)", "'-2+3"]


@pytest.mark.django_db
def test_directory_export_with_bad_filters_exports_nothing(committee_client, people):
    response = committee_client.get(EXPORT, {"year_of_study": "abc"})

    assert response.status_code == 302
    assert response["Location"] == URL


@pytest.mark.django_db
def test_directory_export_costs_constant_queries(committee_client):
    topic = TopicFactory()

    def add_people(n: int) -> None:
        for profile in ProfileFactory.create_batch(n):
            profile.interests.set([topic])

    assert assert_constant_queries(lambda: export(committee_client), add_people) == 6


@pytest.mark.django_db
def test_directory_filters_by_how_many_events_people_attended(committee_client):
    regular, once = UserFactory(name="Regular Rae"), UserFactory(name="Once Olly")
    for _ in range(3):
        RegistrationFactory(user=regular, checked_in_at=timezone.now())
    RegistrationFactory(user=once, checked_in_at=timezone.now())
    RegistrationFactory(user=once)  # registered, never came: does not count

    response = committee_client.get(URL, {"attended": "2"})

    assert [(p.name, p.attended) for p in response.context["page"].object_list] == [("Regular Rae", 3)]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-1", "lots", "100000"])
def test_directory_refuses_a_bad_attended_filter_and_shows_everyone(committee_client, value):
    UserFactory.create_batch(2)

    response = committee_client.get(URL, {"attended": value})

    assert "Some filters were not understood" in response.content.decode()
    assert response.context["page"].paginator.count == 3  # the two and the committee member
