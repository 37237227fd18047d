from datetime import UTC, date, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db.models import F
from django_celery_beat.models import PeriodicTask

from events.models import Registration
from members import services, tasks
from members.models import RetentionWarning, User
from members.years import current_academic_year
from society import outbox
from society.emails import forget_recipient
from society.models import EmailKind, OutboundEmail
from tests.factories import CommitteeRoleFactory, EventFactory, MembershipFactory, RegistrationFactory, UserFactory
from tests.smtp import text_body

# 1 March 2029: with the default 2 years (730 days), the cutoff is 2 March 2027,
# in academic year 2026/27; memberships of 2025/26 and earlier ended (1 August
# 2026) before it.
NOW = datetime(2029, 3, 1, 12, 0, tzinfo=UTC)
LONG_AGO = datetime(2015, 9, 1, tzinfo=UTC)


def person(name: str, *, last_year: int | None, last_login: datetime | None = None, **fields) -> User:
    user = UserFactory(name=name, date_joined=LONG_AGO, last_login=last_login, **fields)
    if last_year is not None:
        MembershipFactory(user=user, academic_year=last_year - 1)
        MembershipFactory(user=user, academic_year=last_year)
    return user


@pytest.fixture
def accounts(db):
    return {
        "lapsed": person("Lapsed", last_year=2025),
        "lapsed, logged in long ago": person("Old login", last_year=2024, last_login=datetime(2026, 1, 1, tzinfo=UTC)),
        "lapsed, logged in lately": person(
            "Recent login", last_year=2025, last_login=datetime(2028, 12, 1, tzinfo=UTC)
        ),
        "member until recently": person("Recent member", last_year=2026),
        "member now": person("Member", last_year=2028),
        "never a member": person("Never", last_year=None),
        "never a member, logged in lately": person(
            "Never, recent login", last_year=None, last_login=datetime(2028, 12, 1, tzinfo=UTC)
        ),
        "admin": person("Admin", last_year=2020, is_staff=True),
        "committee group": person("Group", last_year=2020, committee=True),
        "already anonymised": person("Gone", last_year=2020, is_active=False),
    }


NOTICE = timedelta(days=30)  # RETENTION_WARNING_DAYS


def warned_then_applied(now: datetime) -> services.RetentionRun:
    """The daily run a notice period before `now` (it warns), then the run at `now`."""
    services.apply_retention(now=now - NOTICE)
    return services.apply_retention(now=now)


@pytest.mark.django_db
def test_retention_anonymises_exactly_the_accounts_past_the_period(accounts):
    run = warned_then_applied(NOW)

    anonymised = {label for label, user in accounts.items() if user.pk in run.anonymised}
    assert anonymised == {"lapsed", "lapsed, logged in long ago", "never a member"}
    for label in anonymised:
        user = User.objects.get(pk=accounts[label].pk)
        assert (user.name, user.is_active, user.email.endswith("@anonymised.invalid")) == ("", False, True)
    assert User.objects.get(pk=accounts["member now"].pk).name == "Member"


@pytest.mark.django_db
def test_retention_keeps_a_current_committee_role_holder(accounts):
    lapsed = accounts["lapsed"]
    CommitteeRoleFactory(user=lapsed, starts_on=date(2029, 1, 1), ends_on=date(2029, 12, 31))

    run = warned_then_applied(NOW)

    assert lapsed.pk not in run.anonymised


@pytest.mark.django_db
def test_retention_period_is_a_setting(accounts, settings):
    settings.RETENTION_DAYS = 365

    run = warned_then_applied(NOW)

    assert accounts["member until recently"].pk in run.anonymised


@pytest.mark.django_db
def test_retention_warns_by_email_a_notice_period_before(accounts, smtp_server):
    # 2026/27 memberships end on 1 August 2027 and are due two years later: warned from 2 July 2029.
    before_window = services.apply_retention(now=datetime(2029, 6, 25, tzinfo=UTC))
    in_window = services.apply_retention(now=datetime(2029, 7, 10, tzinfo=UTC))
    outbox.deliver_due_emails(now=datetime(2029, 7, 10, 0, 1, tzinfo=UTC))

    recent = accounts["member until recently"]
    assert in_window.warned == [recent.pk]
    assert recent.pk not in before_window.warned + in_window.anonymised
    [message] = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == recent.email]
    assert message["Subject"] == "Your AI Society account will be anonymised on 9 August 2029"
    assert "Just log in before then:\nhttp://127.0.0.1:8000/accounts/login/" in text_body(message)


@pytest.mark.django_db
def test_retention_never_anonymises_an_account_it_has_not_warned(accounts):
    first_run = services.apply_retention(now=NOW)

    assert first_run.anonymised == []
    assert {accounts["lapsed"].pk, accounts["lapsed, logged in long ago"].pk} <= set(first_run.warned)


@pytest.mark.django_db
def test_logging_in_after_the_warning_keeps_the_account(accounts):
    lapsed = accounts["lapsed"]
    services.apply_retention(now=NOW - NOTICE)
    User.objects.filter(pk=lapsed.pk).update(last_login=NOW - timedelta(days=3))

    run = services.apply_retention(now=NOW)

    assert lapsed.pk not in run.anonymised
    assert User.objects.get(pk=lapsed.pk).is_active


@pytest.mark.django_db
def test_retention_can_run_twice_without_harm(accounts):
    first = warned_then_applied(NOW)
    emails = OutboundEmail.objects.count()
    second = services.apply_retention(now=NOW)

    assert (len(first.anonymised), second.anonymised, second.warned) == (3, [], [])
    assert OutboundEmail.objects.count() == emails


@pytest.mark.django_db
def test_retention_records_each_warning_with_its_lapse(accounts):
    services.apply_retention(now=NOW - NOTICE)

    warnings = RetentionWarning.objects.filter(user__in=[accounts["lapsed"], accounts["lapsed, logged in long ago"]])
    assert sorted(warnings.values_list("user__name", "for_year", "warned_at")) == [
        ("Lapsed", 2025, NOW - NOTICE),
        ("Old login", 2024, NOW - NOTICE),
    ]


@pytest.mark.django_db
def test_deleted_warning_email_neither_warns_again_nor_delays_anonymising(accounts):
    lapsed = accounts["lapsed"]
    first = services.apply_retention(now=NOW - NOTICE)
    # The outbox's rows about a person can go (forget_recipient, an admin's clean-up): the warning stays given.
    forget_recipient(user=lapsed, addresses={lapsed.email})

    run = services.apply_retention(now=NOW)

    assert lapsed.pk in first.warned
    assert (lapsed.pk in run.warned, lapsed.pk in run.anonymised) == (False, True)
    assert OutboundEmail.objects.filter(user=lapsed).count() == 0


@pytest.mark.django_db
def test_warnings_already_emailed_are_recorded_by_the_migration(accounts):
    lapsed = accounts["lapsed"]
    for key in (f"retention-warning:{lapsed.pk}:2025", "retention-warning:999999:2025", "retention-warning:odd"):
        OutboundEmail.objects.create(
            key=key, kind=EmailKind.ACCOUNT, to_email="x@uni.ac.uk", subject="Anonymised soon", created_at=NOW - NOTICE
        )

    import_module("members.migrations.0007_retention_warnings_from_outbox").from_outbox(django_apps, None)
    recorded = list(RetentionWarning.objects.values_list("user", "for_year", "warned_at"))
    run = services.apply_retention(now=NOW)

    assert recorded == [(lapsed.pk, 2025, NOW - NOTICE)]
    assert lapsed.pk in run.anonymised


@pytest.mark.django_db
def test_an_account_that_cannot_be_anonymised_is_logged_and_the_others_go_on(accounts, caplog):
    stuck, other = accounts["lapsed"], accounts["lapsed, logged in long ago"]
    # Anonymising `stuck` frees their seat, and the next on the waiting list is told by
    # email; the outbox refuses that person's address (made without validation, as code can).
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, user=stuck)
    waiting = RegistrationFactory(
        event=event,
        user=UserFactory(email="not-an-address", date_joined=NOW - timedelta(days=10)),  # new: not due itself
        status=Registration.Status.WAITLISTED,
    )

    run = warned_then_applied(NOW)

    assert run.anonymised == [other.pk, accounts["never a member"].pk]
    assert User.objects.get(pk=stuck.pk).is_active is True
    assert Registration.objects.get(pk=waiting.pk).status == Registration.Status.WAITLISTED  # all of it rolled back
    [record] = [r for r in caplog.records if r.name == "members.services" and r.levelname == "ERROR"]
    assert record.getMessage() == f"Retention: could not anonymise account {stuck.pk}; the next run tries again."
    assert record.exc_info is not None


@pytest.mark.django_db
def test_an_account_that_cannot_be_warned_is_logged_and_the_others_are_warned(accounts, caplog):
    unreachable = person("Bad address", last_year=2025, email="not-an-address")

    run = services.apply_retention(now=NOW)

    assert unreachable.pk not in run.warned
    assert {accounts["lapsed"].pk, accounts["lapsed, logged in long ago"].pk} <= set(run.warned)
    assert not RetentionWarning.objects.filter(user=unreachable).exists()
    assert f"Retention: could not warn account {unreachable.pk}" in caplog.text


@pytest.mark.django_db
def test_retention_task_applies_the_policy_today():
    this_year = current_academic_year()
    lapsed = person("Lapsed", last_year=this_year - 4)
    never = UserFactory(date_joined=LONG_AGO)  # never a member, never logged in
    current = person("Member", last_year=this_year)

    first = tasks.apply_retention_policy()
    RetentionWarning.objects.update(warned_at=F("warned_at") - NOTICE)  # a notice period later...
    second = tasks.apply_retention_policy()

    assert (first, second) == ({"warned": 2, "anonymised": 0}, {"warned": 0, "anonymised": 2})
    active = dict(User.objects.filter(pk__in=[lapsed.pk, never.pk, current.pk]).values_list("pk", "is_active"))
    assert active == {lapsed.pk: False, never.pk: False, current.pk: True}


@pytest.mark.django_db
def test_retention_task_is_scheduled_daily_in_the_admin():
    # The schedule is data written by a migration, which a transactional test run
    # earlier in this process may have flushed: write it again (it is idempotent).
    import_module("members.migrations.0004_retention_schedule").schedule(django_apps, None)

    task = PeriodicTask.objects.get(task="members.tasks.apply_retention_policy")

    assert task.enabled is True
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "3", "*")


@pytest.mark.django_db
def test_accounts_due_costs_one_query_whatever_their_number(django_assert_num_queries):
    for n in range(3):
        person(f"Lapsed {n}", last_year=2020)

    with django_assert_num_queries(1):
        assert len(list(services.accounts_due_for_anonymising(now=NOW))) == 3


# --- Accounts that never held a membership ---------------------------------------------


@pytest.mark.django_db
def test_account_never_a_member_is_warned_by_email_then_anonymised(accounts, smtp_server):
    never = accounts["never a member"]

    first = services.apply_retention(now=NOW - NOTICE)
    outbox.deliver_due_emails(now=NOW - NOTICE)
    second = services.apply_retention(now=NOW)

    assert (never.pk in first.warned, never.pk in first.anonymised) == (True, False)
    assert never.pk in second.anonymised
    assert list(RetentionWarning.objects.filter(user=never).values_list("for_year", "warned_at")) == [
        (None, NOW - NOTICE)
    ]
    [message] = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == never.email]
    assert message["Subject"] == "Your AI Society account will be anonymised on 1 March 2029"
    assert "have never been a member and have not logged in for a long time" in text_body(message)
    assert "Your membership" not in text_body(message)


@pytest.mark.django_db
def test_account_never_a_member_is_kept_while_new_or_used(accounts, settings):
    settings.RETENTION_DAYS = 365
    new = UserFactory(name="New", date_joined=NOW - timedelta(days=300))

    run = warned_then_applied(NOW)

    assert accounts["never a member, logged in lately"].pk not in run.warned + run.anonymised
    assert new.pk not in run.warned + run.anonymised


@pytest.mark.django_db
def test_warned_account_never_a_member_that_logs_in_is_dropped_from_the_plan(accounts):
    never = accounts["never a member"]
    services.apply_retention(now=NOW - NOTICE)
    User.objects.filter(pk=never.pk).update(last_login=NOW - timedelta(days=3))

    due = set(services.accounts_due_for_anonymising(now=NOW).values_list("pk", flat=True))
    run = services.apply_retention(now=NOW)

    assert never.pk not in due
    assert never.pk not in run.anonymised + run.warned
    assert User.objects.get(pk=never.pk).is_active


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["never a member", "lapsed"])
def test_a_warning_before_a_log_in_no_longer_stands_when_the_account_falls_due_again(accounts, label, settings):
    user = accounts[label]
    services.apply_retention(now=NOW - NOTICE)  # warned
    logged_in = NOW - timedelta(days=3)
    User.objects.filter(pk=user.pk).update(last_login=logged_in)
    due_again = logged_in + timedelta(days=settings.RETENTION_DAYS + 1)

    run = services.apply_retention(now=due_again)
    later = services.apply_retention(now=due_again + NOTICE)

    assert (user.pk in run.anonymised, user.pk in run.warned) == (False, True)
    assert user.pk in later.anonymised
    assert OutboundEmail.objects.filter(user=user).count() == 0  # gone with the account
