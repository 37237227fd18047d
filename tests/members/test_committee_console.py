"""The committee's roles in the console: giving one, the hand-over to next year, and their log."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from members import services
from members.models import CommitteeChange, CommitteeRole, User
from members.permissions import is_committee
from members.years import academic_year_term, current_academic_year
from society.models import EmailKind, OutboundEmail
from tests.factories import CommitteeRoleFactory, MembershipFactory, UserFactory
from tests.outbox import rendered
from tests.querycount import assert_constant_queries, count_queries

YEAR = current_academic_year()


def term(year: int) -> dict:
    starts_on, ends_on = academic_year_term(year)
    return {"starts_on": starts_on, "ends_on": ends_on}


def a_member(name: str, year: int = YEAR):
    user = UserFactory(name=name, email=f"{name.split()[0].lower()}@uni.ac.uk")
    MembershipFactory(user=user, academic_year=year)
    return user


# --- give_role ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_give_role_saves_the_role_logs_it_and_emails_the_holder(committee_member):
    holder = a_member("Hana Holder")

    role = services.give_role(user=holder, title=" Treasurer ", **term(YEAR), order=2, by=committee_member)

    assert (role.title, role.user, role.order) == ("Treasurer", holder, 2)
    change = CommitteeChange.objects.get()
    assert (change.action, change.role, change.holder, change.by, change.title) == (
        CommitteeChange.Action.GIVEN, role, holder, committee_member, "Treasurer",
    )  # fmt: skip
    email = rendered(OutboundEmail.objects.get())
    starts_on = academic_year_term(YEAR)[0]
    assert (email.key, email.to_email, email.kind, email.user) == (
        f"committee-role:{role.pk}", "hana@uni.ac.uk", EmailKind.NOTICE, holder,
    )  # fmt: skip
    assert email.subject == f"You are Treasurer of AI Society from {starts_on:%-d %B %Y}"
    assert "http://127.0.0.1:8000/manage/committee/\n" in email.body_text


@pytest.mark.django_db
def test_give_role_refuses_a_term_that_ends_before_it_starts_and_saves_nothing(committee_member):
    holder = a_member("Hana Holder")

    with pytest.raises(services.CommitteeProblem) as refused:
        services.give_role(
            user=holder, title="Treasurer", starts_on=date(2030, 9, 1), ends_on=date(2030, 8, 31), by=committee_member
        )

    assert str(refused.value) == "The term of Treasurer ends (31 Aug 2030) before it starts (1 Sep 2030)."
    assert (CommitteeRole.objects.count(), CommitteeChange.objects.count(), OutboundEmail.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_give_role_refuses_a_term_overlapping_another_of_the_same_title_whatever_its_case(committee_member):
    sitting = CommitteeRoleFactory(
        title="President", user=a_member("Pat Sitting"), starts_on=date(2030, 8, 1), ends_on=date(2031, 7, 31)
    )
    holder = a_member("Hana Holder")

    with pytest.raises(services.CommitteeProblem) as refused:
        services.give_role(
            user=holder, title="president", starts_on=date(2031, 7, 31), ends_on=date(2032, 7, 31), by=committee_member
        )

    assert str(refused.value) == (
        "Pat Sitting is President from 1 Aug 2030 to 31 Jul 2031: two terms of one title cannot overlap."
    )
    assert list(CommitteeRole.objects.all()) == [sitting]
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_give_role_allows_the_next_term_and_another_title_at_the_same_time(committee_member):
    CommitteeRoleFactory(title="President", starts_on=date(2030, 8, 1), ends_on=date(2031, 7, 31))
    holder = a_member("Hana Holder")

    services.give_role(user=holder, title="President", starts_on=date(2031, 8, 1), ends_on=date(2032, 7, 31), by=None)
    services.give_role(user=holder, title="Treasurer", starts_on=date(2030, 8, 1), ends_on=date(2031, 7, 31), by=None)

    assert CommitteeRole.objects.filter(user=holder).count() == 2


# --- The pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_give_role_page_saves_a_role_with_this_years_term_and_goes_to_its_year(committee_client):
    holder = a_member("Hana Holder")
    starts_on, ends_on = academic_year_term(YEAR)

    response = committee_client.post(
        reverse("members:committee_role_new"),
        {"user": holder.email, "title": "Events Lead", "starts_on": starts_on, "ends_on": ends_on, "order": 3},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/manage/committee/?year={YEAR}"
    role = CommitteeRole.objects.get()
    assert (role.user, role.title, role.starts_on, role.ends_on, role.order) == (
        holder, "Events Lead", starts_on, ends_on, 3,
    )  # fmt: skip
    assert is_committee(holder) is (starts_on <= date.today() <= ends_on)


@pytest.mark.django_db
def test_give_role_page_shows_the_refusal_and_saves_nothing(committee_client):
    holder = a_member("Hana Holder")

    response = committee_client.post(
        reverse("members:committee_role_new"),
        {"user": holder.email, "title": "Treasurer", "starts_on": "2030-09-01", "ends_on": "2030-08-01", "order": 0},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The term of Treasurer ends (1 Aug 2030) before it starts (1 Sep 2030)."
    ]
    assert CommitteeRole.objects.count() == 0


@pytest.mark.django_db
def test_give_role_page_draws_a_search_box_not_a_list_of_everyone(committee_client):
    for n in range(30):
        a_member(f"Member{n} Someone")

    response = committee_client.get(reverse("members:committee_role_new"))

    html = response.content.decode()
    assert "<option" not in html
    assert 'data-person-search="/manage/people/members/"' in html
    assert "/static/js/person-search" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("nobody@uni.ac.uk", "No active account with that email."),
        ("Hana", "Type the person's whole email, or choose them from the suggestions."),
        ("nora@uni.ac.uk", "Nora Nonmember (nora@uni.ac.uk) is not a member this year, last year or next year: "
         "a role needs a member."),
        ("gone@uni.ac.uk", "No active account with that email."),
    ],
)  # fmt: skip
def test_give_role_page_refuses_an_unknown_email_or_a_non_member_and_saves_nothing(committee_client, typed, error):
    a_member("Hana Holder")
    UserFactory(name="Nora Nonmember", email="nora@uni.ac.uk")
    MembershipFactory(user=UserFactory(email="gone@uni.ac.uk", is_active=False), academic_year=YEAR)
    starts_on, ends_on = academic_year_term(YEAR)

    response = committee_client.post(
        reverse("members:committee_role_new"),
        {"user": typed, "title": "Treasurer", "starts_on": starts_on, "ends_on": ends_on, "order": 0},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"user": [error]}
    assert error in response.content.decode().replace("&#x27;", "'")
    assert (CommitteeRole.objects.count(), OutboundEmail.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_give_role_page_takes_the_email_whatever_its_case(committee_client):
    holder = a_member("Hana Holder")
    starts_on, ends_on = academic_year_term(YEAR)

    committee_client.post(
        reverse("members:committee_role_new"),
        {"user": " HANA@Uni.ac.uk ", "title": "Treasurer", "starts_on": starts_on, "ends_on": ends_on, "order": 0},
    )

    assert CommitteeRole.objects.get().user == holder


@pytest.mark.django_db
def test_person_search_suggests_members_by_part_of_a_name_or_email(committee_client):
    a_member("Hana Holder")
    a_member("Johanna Smith", YEAR + 1)
    a_member("Old Hannah", YEAR - 3)
    UserFactory(name="Hanna Nonmember", email="hn@uni.ac.uk")
    members, accounts = (
        reverse("members:person_search", args=["members"]),
        reverse("members:person_search", args=["accounts"]),
    )

    by_name = committee_client.get(members, {"q": "hann"}).json()
    any_account = committee_client.get(accounts, {"q": "HANN"}).json()
    by_email = committee_client.get(members, {"q": "johanna@"}).json()
    too_short = committee_client.get(members, {"q": "h"}).json()

    assert by_name == {"people": [{"name": "Johanna Smith", "email": "johanna@uni.ac.uk"}]}
    assert [person["name"] for person in any_account["people"]] == ["Hanna Nonmember", "Johanna Smith", "Old Hannah"]
    assert by_email == by_name
    assert too_short == {"people": []}


@pytest.mark.django_db
def test_person_search_gives_at_most_ten_in_one_query(committee_client, django_assert_num_queries):
    for n in range(15):
        a_member(f"Sam{n:02} Student")
    url = reverse("members:person_search", args=["members"])
    committee_client.get(url, {"q": "warm up"})

    with django_assert_num_queries(4):  # session, user, committee check, the search
        found = committee_client.get(url, {"q": "sam"}).json()

    assert [person["name"] for person in found["people"]] == [f"Sam{n:02} Student" for n in range(10)]


@pytest.mark.django_db
def test_person_search_refuses_an_unknown_set_of_people(committee_client):
    response = committee_client.get(reverse("members:person_search", args=["everyone"]), {"q": "sam"})

    assert response.status_code == 404


@pytest.mark.django_db
def test_roles_page_lists_the_chosen_years_roles_in_order(committee_client):
    CommitteeRoleFactory(title="Treasurer", order=2, **term(YEAR))
    CommitteeRoleFactory(title="President", order=1, **term(YEAR))
    CommitteeRoleFactory(title="Old President", order=0, **term(YEAR - 3))

    this_year = committee_client.get(reverse("members:committee_roles"))
    long_ago = committee_client.get(reverse("members:committee_roles"), {"year": YEAR - 3})
    nonsense = committee_client.get(reverse("members:committee_roles"), {"year": "soon"})

    assert [role.title for role in this_year.context["roles"]] == ["President", "Treasurer"]
    assert [role.title for role in long_ago.context["roles"]] == ["Old President"]
    assert nonsense.context["year"] == YEAR


@pytest.mark.django_db
def test_roles_page_costs_the_same_queries_with_5_and_200_roles(committee_client):
    def add_roles(count: int):
        for _ in range(count):
            role = CommitteeRoleFactory(title=f"Role {CommitteeRole.objects.count()}", **term(YEAR))
            CommitteeChange.objects.create(
                action=CommitteeChange.Action.GIVEN, role=role, title=role.title, holder=role.user, by=role.user,
                starts_on=role.starts_on, ends_on=role.ends_on,
            )  # fmt: skip

    assert_constant_queries(lambda: committee_client.get(reverse("members:committee_roles")), add_roles)


# --- The hand-over ---------------------------------------------------------------------------


@pytest.fixture
def this_years_committee():
    return [
        CommitteeRoleFactory(title="President", order=0, user=a_member("Pat President"), **term(YEAR)),
        CommitteeRoleFactory(title="Treasurer", order=1, user=a_member("Tess Treasurer"), **term(YEAR)),
        CommitteeRoleFactory(title="Events Lead", order=2, user=a_member("Eve Events"), **term(YEAR)),
    ]


@pytest.mark.django_db
def test_handover_page_lists_this_years_titles_with_next_years_term_by_default(committee_client, this_years_committee):
    response = committee_client.get(reverse("members:committee_handover"), {"from": YEAR})

    assert [(role.title, role.user.name, nxt) for role, nxt, _field in response.context["rows"]] == [
        ("President", "Pat President", None),
        ("Treasurer", "Tess Treasurer", None),
        ("Events Lead", "Eve Events", None),
    ]
    form = response.context["form"]
    assert (form["starts_on"].value(), form["ends_on"].value()) == academic_year_term(YEAR + 1)


@pytest.mark.django_db
def test_handover_creates_next_years_roles_and_emails_each_new_holder(
    committee_client, committee_member, this_years_committee
):
    president, treasurer, events_lead = this_years_committee
    new_president, new_treasurer = a_member("Nia New", YEAR + 1), a_member("Ned Next")
    starts_on, ends_on = academic_year_term(YEAR + 1)

    response = committee_client.post(
        f"{reverse('members:committee_handover')}?from={YEAR}",
        {
            f"holder_{president.pk}": new_president.email,
            f"holder_{treasurer.pk}": new_treasurer.email,
            f"holder_{events_lead.pk}": "",
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/manage/committee/?year={YEAR + 1}"
    new_roles = CommitteeRole.objects.filter(starts_on=starts_on).order_by("order")
    assert [(role.title, role.user, role.order, role.ends_on) for role in new_roles] == [
        ("President", new_president, 0, ends_on),
        ("Treasurer", new_treasurer, 1, ends_on),
    ]
    assert sorted(OutboundEmail.objects.values_list("key", "to_email")) == sorted(
        [(f"committee-role:{role.pk}", role.user.email) for role in new_roles]
    )
    assert set(CommitteeChange.objects.values_list("action", "by")) == {
        (CommitteeChange.Action.HANDED_OVER, committee_member.pk)
    }
    # The next page shows only what is still to hand over.
    again = committee_client.get(reverse("members:committee_handover"), {"from": YEAR})
    assert [(role.title, nxt.user.name if nxt else None) for role, nxt, _ in again.context["rows"]] == [
        ("President", "Nia New"), ("Treasurer", "Ned Next"), ("Events Lead", None),
    ]  # fmt: skip
    assert again.context["form"].roles == [events_lead]


@pytest.mark.django_db
def test_handover_with_an_unknown_email_or_a_non_member_hands_nothing_over(committee_client, this_years_committee):
    president, treasurer, events_lead = this_years_committee
    UserFactory(name="Nora Nonmember", email="nora@uni.ac.uk")
    starts_on, ends_on = academic_year_term(YEAR + 1)

    response = committee_client.post(
        f"{reverse('members:committee_handover')}?from={YEAR}",
        {
            f"holder_{president.pk}": a_member("Nia New").email,
            f"holder_{treasurer.pk}": "nobody@uni.ac.uk",
            f"holder_{events_lead.pk}": "nora@uni.ac.uk",
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"holder_{treasurer.pk}": ["No active account with that email."],
        f"holder_{events_lead.pk}": [
            "Nora Nonmember (nora@uni.ac.uk) is not a member this year, last year or next year: a role needs a member."
        ],
    }
    assert CommitteeRole.objects.count() == 3
    assert (CommitteeChange.objects.count(), OutboundEmail.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_handover_looks_up_every_rows_email_in_one_query(committee_client):
    starts_on, ends_on = academic_year_term(YEAR + 1)

    def post_with_rows(count: int):
        CommitteeRole.objects.all().delete()
        for n in range(count):
            CommitteeRoleFactory(title=f"Role {n}", order=n, **term(YEAR))
        rows = {f"holder_{role.pk}": "nobody@uni.ac.uk" for role in CommitteeRole.objects.all()}
        data = {**rows, "starts_on": starts_on, "ends_on": ends_on}
        return count_queries(
            lambda: committee_client.post(f"{reverse('members:committee_handover')}?from={YEAR}", data)
        )

    few, _ = post_with_rows(2)
    many, response = post_with_rows(12)

    assert len(response.context["form"].errors) == 12
    assert few == many


@pytest.mark.django_db
def test_handover_is_refused_whole_when_one_term_overlaps_a_sitting_holders(committee_client, this_years_committee):
    president, treasurer, _ = this_years_committee
    new_president, new_treasurer = a_member("Nia New"), a_member("Ned Next")
    # The committee starts next year's terms a month early, while this year's holders are still in post.
    starts_on, ends_on = date(YEAR + 1, 7, 1), academic_year_term(YEAR + 1)[1]

    response = committee_client.post(
        f"{reverse('members:committee_handover')}?from={YEAR}",
        {
            f"holder_{president.pk}": new_president.email,
            f"holder_{treasurer.pk}": new_treasurer.email,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Pat President is President from 1 Aug {YEAR} to 31 Jul {YEAR + 1}: two terms of one title cannot overlap. "
        f"Tess Treasurer is Treasurer from 1 Aug {YEAR} to 31 Jul {YEAR + 1}: two terms of one title cannot overlap. "
        "Nothing was handed over."
    ]
    assert CommitteeRole.objects.count() == 3
    assert (CommitteeChange.objects.count(), OutboundEmail.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_handover_page_drawn_before_another_hand_over_gives_nothing_twice(committee_client, this_years_committee):
    president, _, _ = this_years_committee
    starts_on, ends_on = academic_year_term(YEAR + 1)
    services.hand_over(
        handovers=[services.Handover(title="President", holder=a_member("Fay First"))], **term(YEAR + 1), by=None
    )

    response = committee_client.post(
        f"{reverse('members:committee_handover')}?from={YEAR}",
        {f"holder_{president.pk}": a_member("Sid Second").email, "starts_on": starts_on, "ends_on": ends_on},
    )

    assert response.context["form"].non_field_errors() == ["Choose at least one new holder: nothing was handed over."]
    assert [role.user.name for role in CommitteeRole.objects.filter(starts_on=starts_on)] == ["Fay First"]


@pytest.mark.django_db
def test_handover_refuses_a_term_that_ends_before_it_starts(committee_client, this_years_committee):
    response = committee_client.post(
        f"{reverse('members:committee_handover')}?from={YEAR}",
        {
            f"holder_{this_years_committee[0].pk}": a_member("Nia New").email,
            "starts_on": f"{YEAR + 1}-09-01",
            "ends_on": f"{YEAR + 1}-08-01",
        },
    )

    assert response.context["form"].non_field_errors() == [
        f"The term of President ends (1 Aug {YEAR + 1}) before it starts (1 Sep {YEAR + 1}). Nothing was handed over."
    ]
    assert CommitteeRole.objects.count() == 3


@pytest.mark.django_db
def test_handover_with_nobody_chosen_changes_nothing(committee_client, this_years_committee):
    starts_on, ends_on = academic_year_term(YEAR + 1)

    response = committee_client.post(
        f"{reverse('members:committee_handover')}?from={YEAR}", {"starts_on": starts_on, "ends_on": ends_on}
    )

    assert response.context["form"].non_field_errors() == ["Choose at least one new holder: nothing was handed over."]
    assert CommitteeRole.objects.count() == 3


@pytest.mark.django_db
def test_new_holders_get_the_console_only_when_their_term_starts(this_years_committee):
    newcomer = a_member("Nia New")
    services.hand_over(handovers=[services.Handover(title="President", holder=newcomer)], **term(YEAR + 1), by=None)
    first_day, last_day = academic_year_term(YEAR + 1)
    committee = User.objects.current_committee

    assert newcomer not in committee(today=first_day - timedelta(days=1))
    assert newcomer in committee(today=first_day)
    assert newcomer not in committee(today=last_day + timedelta(days=1))


@pytest.mark.django_db
def test_handover_page_hands_over_last_years_committee_until_this_year_has_roles(committee_client):
    CommitteeRoleFactory(title="President", **term(YEAR - 1))

    before = committee_client.get(reverse("members:committee_handover"))
    CommitteeRoleFactory(title="President", **term(YEAR))
    after = committee_client.get(reverse("members:committee_handover"))

    assert before.context["from_year"] == YEAR - 1
    assert after.context["from_year"] == YEAR


@pytest.mark.django_db
def test_log_and_history_name_a_deleted_account_as_such(committee_client, committee_member):
    holder = a_member("Hana Holder")
    services.give_role(user=holder, title="Treasurer", **term(YEAR + 2), by=holder)
    services.anonymise_account(user=holder)

    page = committee_client.get(reverse("members:committee_roles")).content.decode()

    assert "a deleted account — role given: Treasurer to a deleted account" in page


@pytest.mark.django_db
def test_term_fields_give_the_browsers_date_picker_iso_dates(committee_client, this_years_committee):
    starts_on, ends_on = academic_year_term(YEAR + 1)

    page = committee_client.get(reverse("members:committee_handover"), {"from": YEAR}).content.decode()

    assert f'<input type="date" name="starts_on" value="{starts_on:%Y-%m-%d}"' in page
    assert f'<input type="date" name="ends_on" value="{ends_on:%Y-%m-%d}"' in page


@pytest.mark.django_db
def test_hand_over_refuses_one_title_twice_whatever_its_case():
    first, second = a_member("Fay First"), a_member("Sid Second")

    with pytest.raises(services.CommitteeProblem) as refused:
        services.hand_over(
            handovers=[
                services.Handover(title="President", holder=first),
                services.Handover(title="president ", holder=second),
            ],
            **term(YEAR + 1),
            by=None,
        )

    assert str(refused.value) == "Each title can be handed over once: nothing was handed over."
    assert CommitteeRole.objects.count() == 0
