"""The console's figures: a term (or a whole year) beside the same period a year before,
first-timers, returners, no-show rate, per event, per series (from workshops), topics, CSV.

The data set, with the default terms (autumn from 1 August, spring from 1 January,
summer from 16 April):

    autumn 2024/25  A1 (vision)           ada, eve attended; fay, gus confirmed, not checked in
    spring 2024/25  S1                    ben attended
    autumn 2025/26  B1 (nlp)              ada, ben, cat attended; gus waitlisted
                    B2 (nlp, vision)      ben attended; cat, dan confirmed, not checked in; gus cancelled
    spring 2025/26  S2                    cat attended
    series "Intro to ML": B1, B2; series "Seeing": A1
"""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from events import services
from events.figures import compare, period_figures
from events.models import FirstAttendance, Registration
from members.terms import WHOLE_YEAR, current_term, period, term_of
from society.settings import env_terms
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    SeriesSessionFactory,
    TopicFactory,
    UserFactory,
    WorkshopSeriesFactory,
)
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 1, 12, tzinfo=LONDON)
AUTUMN_2025 = period(year=2025, term="autumn")
AUTUMN_2024 = period(year=2024, term="autumn")


def evening(year: int, month: int, day: int):
    return EventFactory(starts_at=datetime(year, month, day, 18, tzinfo=LONDON))


def came(event, *users) -> None:
    for user in users:
        RegistrationFactory(event=event, user=user, checked_in_at=event.starts_at)


def stayed_away(event, *users) -> None:
    for user in users:
        RegistrationFactory(event=event, user=user)


@pytest.fixture
def two_years():
    ada, ben, cat, dan, eve, fay, gus = (
        UserFactory(name=name) for name in ["ada", "ben", "cat", "dan", "eve", "fay", "gus"]
    )
    nlp, vision = TopicFactory(name="nlp", slug="nlp"), TopicFactory(name="vision", slug="vision")
    a1 = evening(2024, 10, 10)
    a1.topics.set([vision])
    came(a1, ada, eve)
    stayed_away(a1, fay, gus)
    s1 = evening(2025, 2, 12)
    came(s1, ben)
    b1 = evening(2025, 10, 8)
    b1.topics.set([nlp])
    came(b1, ada, ben, cat)
    RegistrationFactory(event=b1, user=gus, status=Registration.Status.WAITLISTED, confirmed_at=None)
    b2 = evening(2025, 11, 12)
    b2.topics.set([nlp, vision])
    came(b2, ben)
    stayed_away(b2, cat, dan)
    RegistrationFactory(event=b2, user=gus, status=Registration.Status.CANCELLED)
    came(evening(2026, 2, 11), cat)
    intro = WorkshopSeriesFactory(name="Intro to ML")
    SeriesSessionFactory(series=intro, event=b1)
    SeriesSessionFactory(series=intro, event=b2)
    SeriesSessionFactory(series=WorkshopSeriesFactory(name="Seeing"), event=a1)
    # Not counted: a draft, and a published event that has not started by NOW.
    came(EventFactory(status="draft", starts_at=datetime(2025, 10, 1, 18, tzinfo=LONDON)), dan)
    EventFactory(starts_at=NOW + timedelta(days=1))
    return {"b1": b1, "b2": b2}


def figures_url(**query) -> str:
    return reverse("events:manage_figures") + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def csv_url(table: str, **query) -> str:
    base = reverse("events:manage_figures_csv", kwargs={"table": table})
    return base + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Terms ---------------------------------------------------------------------------


def test_terms_run_from_their_first_day_to_the_next_term():
    spring = period(year=2025, term="spring")
    summer = period(year=2025, term="summer")

    assert (spring.starts, spring.ends, spring.label) == (date(2026, 1, 1), date(2026, 4, 16), "Spring 2025/26")
    assert (summer.starts, summer.ends) == (date(2026, 4, 16), date(2026, 8, 1))
    assert (AUTUMN_2025.starts, AUTUMN_2025.ends) == (date(2025, 8, 1), date(2026, 1, 1))
    assert period(year=2025, term=WHOLE_YEAR).label == "2025/26"
    assert AUTUMN_2025.a_year_before() == AUTUMN_2024


def test_term_of_a_day_is_the_term_it_falls_in():
    assert term_of(date(2026, 4, 15)) == period(year=2025, term="spring")
    assert term_of(date(2026, 4, 16)) == period(year=2025, term="summer")
    assert term_of(date(2026, 8, 1)) == period(year=2026, term="autumn")
    assert current_term(today=date(2026, 12, 31)) == period(year=2026, term="autumn")


def test_terms_follow_the_setting(settings):
    settings.ACADEMIC_TERMS = [("michaelmas", (8, 1)), ("lent", (1, 7)), ("trinity", (4, 20))]

    assert term_of(date(2027, 1, 6)) == period(year=2026, term="michaelmas")
    assert period(year=2026, term="lent").ends == date(2027, 4, 20)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("autumn:08-01,spring:02-30", "ACADEMIC_TERMS: spring must start on a day written MM-DD, not '02-30'."),
        ("Autumn:08-01", "ACADEMIC_TERMS: a term's name is a lower-case word other than 'year'"),
        ("year:08-01", "ACADEMIC_TERMS: a term's name is a lower-case word other than 'year'"),
        ("autumn:09-01,spring:01-01", "the first starting on ACADEMIC_YEAR_START (08-01)"),
        ("autumn:08-01,summer:04-16,spring:01-01", "ACADEMIC_TERMS must list differently named terms in order"),
        ("autumn:08-01,autumn:01-01", "ACADEMIC_TERMS must list differently named terms in order"),
    ],
)
def test_academic_terms_setting_refuses_a_wrong_value_with_a_clear_message(monkeypatch, value, message):
    monkeypatch.setenv("ACADEMIC_TERMS", value)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_terms("ACADEMIC_TERMS", (8, 1))

    assert message in str(refused.value)


def test_academic_terms_setting_defaults_to_three_terms_from_the_year_start(monkeypatch):
    monkeypatch.delenv("ACADEMIC_TERMS", raising=False)

    assert env_terms("ACADEMIC_TERMS", (9, 1)) == [("autumn", (9, 1)), ("spring", (1, 1)), ("summer", (4, 16))]


# --- Figures -------------------------------------------------------------------------


def test_period_figures_count_first_timers_returners_and_no_shows(two_years):
    figures = period_figures(period=AUTUMN_2025, now=NOW)

    assert [(e.slug, e.registered, e.attended, e.no_shows) for e in figures.events] == [
        (two_years["b1"].slug, 3, 3, 0),
        (two_years["b2"].slug, 3, 1, 2),
    ]
    # ada (autumn 2024) and ben (spring 2025) came before; cat came for the first time.
    assert (figures.unique_attendees, figures.first_timers, figures.returners) == (3, 1, 2)
    assert figures.no_show_rate == 2 / 6
    assert figures.topics == [("nlp", 4), ("vision", 1)]


def test_period_figures_of_a_first_term_have_no_returners(two_years):
    figures = period_figures(period=AUTUMN_2024, now=NOW)

    assert (figures.unique_attendees, figures.first_timers, figures.returners) == (2, 2, 0)
    assert figures.no_show_rate == 2 / 4


def test_period_figures_of_a_whole_year_count_coming_back_in_another_of_its_terms(two_years):
    figures = period_figures(period=period(year=2025, term=WHOLE_YEAR), now=NOW)

    # cat came first in autumn 2025 and again in spring 2026: a first-timer and a returner.
    assert (len(figures.events), figures.unique_attendees, figures.first_timers, figures.returners) == (3, 3, 1, 3)


def test_period_figures_leave_out_events_still_to_end_from_the_no_show_rate(two_years):
    underway = two_years["b2"].ends_at - timedelta(minutes=30)

    figures = period_figures(period=AUTUMN_2025, now=underway)

    assert [e.no_shows for e in figures.events] == [0, None]
    assert figures.no_show_rate == 0


def test_period_figures_of_an_empty_period_are_zero_with_no_rate(db):
    figures = period_figures(period=AUTUMN_2025, now=NOW)

    assert (figures.events, figures.unique_attendees, figures.first_timers, figures.returners) == ([], 0, 0, 0)
    assert figures.no_show_rate is None


def test_compare_puts_each_figure_beside_last_year_with_the_change(two_years):
    this = period_figures(period=AUTUMN_2025, now=NOW)
    last = period_figures(period=AUTUMN_2024, now=NOW)

    rows = compare(this, last)

    assert [(r.label, r.this_shown, r.last_shown, r.change_shown) for r in rows] == [
        ("Events", "2", "1", "+1"),
        ("Attendances", "4", "2", "+2"),
        ("Unique attendees", "3", "2", "+1"),
        ("First-timers", "1", "2", "\u22121"),
        ("Returners", "2", "0", "+2"),
        ("No-show rate", "33.3%", "50.0%", "\u221216.7 pts"),
    ]


# --- The page ------------------------------------------------------------------------


def test_figures_page_shows_the_chosen_term_beside_last_year(committee_client, two_years):
    response = committee_client.get(figures_url(year=2025, term="autumn"))

    assert response.status_code == 200
    assert response.context["this"].period == AUTUMN_2025
    assert response.context["last"].period == AUTUMN_2024
    assert [(r.label, r.change_shown) for r in response.context["comparison"]][4] == ("Returners", "+2")
    assert [(name, rows) for name, _, rows in response.context["tables"]] == [("series", [("Intro to ML", 2, 4, 3)])]
    assert b"Figures for Autumn 2025/26" in response.content
    assert b'<th class="text-end">Autumn 2024/25</th>' in response.content


def test_figures_page_without_a_choice_shows_the_current_term(committee_client):
    response = committee_client.get(reverse("events:manage_figures"))

    assert response.context["this"].period == current_term()
    assert list(response.context["messages"]) == []


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"year": "abc", "term": "autumn"}, "Academic year: Enter a whole number."),
        (
            {"year": "2025", "term": "winter"},
            "Term: Select a valid choice. winter is not one of the available choices.",
        ),
        ({"year": "1999", "term": "autumn"}, "Academic year: Ensure this value is greater than or equal to 2000."),
        ({"year": "9999", "term": "autumn"}, "Academic year: Ensure this value is less than or equal to"),
    ],
)
def test_figures_page_with_a_wrong_choice_says_so_and_shows_the_current_term(committee_client, query, problem):
    response = committee_client.get(figures_url(**query))

    assert response.status_code == 200
    assert response.context["this"].period == current_term()
    [message] = [str(m) for m in response.context["messages"]]
    assert problem in message
    assert message.endswith(f"Showing {current_term().label} instead.")


def test_figures_chart_is_an_svg_with_no_style_attribute(committee_client, two_years):
    response = committee_client.get(figures_url(year=2025, term="autumn"))

    assert b'<svg class="chart"' in response.content
    assert b"style=" not in response.content.split(b"<svg")[1]


def test_figures_page_costs_the_same_queries_with_5_or_200_events(committee_client):
    users = [UserFactory() for _ in range(3)]
    topic = TopicFactory(name="nlp", slug="nlp")
    series = WorkshopSeriesFactory()

    def add_rows(n: int) -> None:
        for index in range(n):
            for year in (2024, 2025):
                event = evening(year, 10, 1 + index % 28)
                event.topics.add(topic)
                SeriesSessionFactory(series=series, event=event)
                came(event, users[index % 3])
                stayed_away(event, users[(index + 1) % 3])

    queries = assert_constant_queries(lambda: committee_client.get(figures_url(year=2025, term="autumn")), add_rows)
    # Events, people and topics of the period, events and people of the year before (its topics
    # are not shown), one for the series table, the rest for who is asking.
    assert queries == 9


# --- CSV -----------------------------------------------------------------------------


def test_figures_summary_csv_lists_the_comparison(committee_client, two_years):
    response = committee_client.get(csv_url("summary", year=2025, term="autumn"))

    assert response["Content-Disposition"] == 'attachment; filename="figures-2025-autumn-summary.csv"'
    assert read_csv(response) == [
        ["Figure", "Autumn 2025/26", "Autumn 2024/25", "Change"],
        ["Events", "2", "1", "1"],
        ["Attendances", "4", "2", "2"],
        ["Unique attendees", "3", "2", "1"],
        ["First-timers", "1", "2", "-1"],
        ["Returners", "2", "0", "2"],
        ["No-show rate", "33.3", "50.0", "-16.7"],
    ]


def test_figures_events_csv_lists_each_event(committee_client, two_years):
    b1, b2 = two_years["b1"], two_years["b2"]

    response = committee_client.get(csv_url("events", year=2025, term="autumn"))

    assert read_csv(response) == [
        ["Event", "Date", "Kind", "Registered", "Attended", "No-shows"],
        [b1.title, "2025-10-08", "Workshop", "3", "3", "0"],
        [b2.title, "2025-11-12", "Workshop", "3", "1", "2"],
    ]


def test_figures_topics_csv_lists_every_topic_busiest_first(committee_client, two_years):
    response = committee_client.get(csv_url("topics", year=2025, term="autumn"))

    assert read_csv(response) == [["Topic", "Attendances"], ["nlp", "4"], ["vision", "1"]]


def test_figures_series_csv_comes_from_workshops(committee_client, two_years):
    response = committee_client.get(csv_url("series", year=2024, term="autumn"))

    assert read_csv(response) == [["Series", "Sessions", "Attendances", "People"], ["Seeing", "1", "2", "2"]]


def test_figures_csv_of_an_unknown_table_is_404(committee_client):
    assert committee_client.get(csv_url("salaries", year=2025, term="autumn")).status_code == 404


def test_figures_csv_with_a_wrong_choice_is_of_the_current_term(committee_client):
    response = committee_client.get(csv_url("summary", year="abc", term="winter"))

    assert response.status_code == 200
    assert read_csv(response)[0][1] == current_term().label


# --- Each person's first attendance, kept for the figures ------------------------------------


def first_attendance_of(user):
    return FirstAttendance.objects.filter(user=user).values_list("starts_at", flat=True).first()


def test_first_attendance_follows_check_in_its_undoing_and_attendance_in_bulk(committee_member):
    now = datetime(2026, 3, 10, 12, tzinfo=LONDON)
    earlier = EventFactory(starts_at=now - timedelta(hours=30))
    later = EventFactory(starts_at=now - timedelta(hours=3))
    ada = UserFactory(email="ada@uni.ac.uk")
    at_earlier, at_later = RegistrationFactory(event=earlier, user=ada), RegistrationFactory(event=later, user=ada)

    steps = [first_attendance_of(ada)]
    services.check_in(registration=at_later, by=committee_member, now=now)
    steps.append(first_attendance_of(ada))
    services.bulk_attendance(event=earlier, emails=["ADA@uni.ac.uk", "nobody@uni.ac.uk"], by=committee_member, now=now)
    steps.append(first_attendance_of(ada))
    services.undo_check_in(registration=at_earlier, by=committee_member, now=now)
    steps.append(first_attendance_of(ada))
    services.undo_check_in(registration=at_later, by=committee_member, now=now)
    steps.append(first_attendance_of(ada))

    assert steps == [None, later.starts_at, earlier.starts_at, later.starts_at, None]


def test_first_attendance_moves_with_its_events_time(committee_member):
    event = EventFactory(starts_at=datetime(2025, 10, 1, 18, tzinfo=LONDON))
    other = EventFactory(starts_at=datetime(2025, 11, 1, 18, tzinfo=LONDON))
    ada = RegistrationFactory(event=event, checked_in_at=event.starts_at).user
    RegistrationFactory(event=other, user=ada, checked_in_at=other.starts_at)
    moved = datetime(2025, 12, 1, 18, tzinfo=LONDON)

    event.starts_at, event.ends_at = moved, moved + timedelta(hours=2)
    services.update_event(event=event, changed=["starts_at", "ends_at"], by=committee_member, tell_registrants=False)

    assert first_attendance_of(ada) == other.starts_at


def test_the_figures_count_a_first_timer_from_the_kept_first_attendance(committee_member):
    autumn = period(year=2025, term="autumn")
    event = EventFactory(starts_at=datetime(2025, 10, 1, 18, tzinfo=LONDON))
    earlier = EventFactory(starts_at=datetime(2024, 10, 1, 18, tzinfo=LONDON))
    ada = RegistrationFactory(event=event, checked_in_at=event.starts_at).user
    figures = period_figures(period=autumn, now=NOW)
    before = (figures.first_timers, figures.returners)
    RegistrationFactory(event=earlier, user=ada, checked_in_at=earlier.starts_at)
    figures = period_figures(period=autumn, now=NOW)

    assert before == (1, 0)
    assert (figures.first_timers, figures.returners) == (0, 1)
