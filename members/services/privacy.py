"""Privacy: deleting an account, and the retention rules that anonymise old ones."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from society.emails import forget_recipient, queue_email
from society.models import EmailKind
from society.privacy import forget_elsewhere

from ..models import CommitteeRole, Profile, PublicRecord, RetentionWarning, User
from ..years import academic_year_of
from .profiles import delete_files_on_commit

# The name the retention run has always logged under (operators filter on it).
log = logging.getLogger("members.services")


def anonymise_account(*, user: User) -> None:
    """Remove the person from their account, keeping an anonymous row.

    The user row stays (inactive, no email, no name, no password) so that
    figures built on it, memberships per year now and attendance later, keep
    counting; everything that says who they were goes: profile, avatar files,
    email addresses, committee roles, groups, and every email to them (so
    pending ones are never sent).
    """
    with transaction.atomic():
        # FOR NO KEY UPDATE: a registration being made for this person meanwhile holds
        # the event's lock and takes a key-share lock on this row; FOR UPDATE would
        # deadlock with it (we take the event's lock next, to give back their seats).
        user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        forget_elsewhere(user)  # other apps first (seats at future events...): they may queue emails
        addresses = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
        forget_recipient(user=user, addresses=addresses)
        profile = Profile.objects.filter(user=user).first()
        if profile:
            delete_files_on_commit([profile.avatar.name, profile.avatar_small.name])
            profile.delete()
        EmailAddress.objects.filter(user=user).delete()
        CommitteeRole.objects.filter(user=user).delete()
        PublicRecord.objects.filter(user=user).delete()
        _forget_in_admin_history(user, addresses)
        user.groups.clear()
        user.user_permissions.clear()
        user.email = f"deleted-{uuid.uuid4().hex}@anonymised.invalid"
        user.name = ""
        user.set_unusable_password()
        user.is_active = user.is_staff = user.is_superuser = False
        user.last_login = None
        user.save()


def _forget_in_admin_history(user: User, addresses: set[str]) -> None:
    """The admin's history names objects by their text (an account by its email, a
    registration by its holder's name): keep the entries, not who they named."""
    history = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    for words in [*addresses, user.name]:
        if words:
            history |= Q(object_repr__icontains=words)
    LogEntry.objects.filter(history).update(object_repr="(an anonymised account)")


def accounts_due_for_anonymising(*, now: datetime | None = None) -> QuerySet[User]:
    """Accounts whose last membership ended more than RETENTION_DAYS before `now`, or
    that never held one and were made longer ago than that, with no log-in in that
    time either. Admins and the current committee are kept. (`last_membership` is
    annotated: None for an account never a member.)"""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_DAYS)
    cutoff_day = timezone.localdate(cutoff)
    # A membership of year Y ends when year Y+1 starts.
    last_year_ended = academic_year_of(cutoff_day) - 1
    committee = User.objects.current_committee(today=timezone.localdate(now))
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False, date_joined__lt=cutoff)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        .exclude(pk__in=committee)
        .annotate(last_membership=Max("memberships__academic_year"))
        .filter(Q(last_membership__lte=last_year_ended) | Q(last_membership__isnull=True))
        .order_by("pk")
    )


def retention_warning_key(user: User, *, warned_at: datetime) -> str:
    # Per lapse and warning: someone who renews (or logs in) and lapses again is warned again.
    lapse = "never" if user.last_membership is None else user.last_membership
    return f"retention-warning:{user.pk}:{lapse}:{warned_at:%Y-%m-%d}"


def standing_warnings(user: User) -> QuerySet[RetentionWarning]:
    """The warnings of `user`'s lapse (from accounts_due_for_anonymising) given since
    they last logged in: one from before a log-in no longer stands."""
    warnings = RetentionWarning.objects.filter(user=user, for_year=user.last_membership)
    return warnings.filter(warned_at__gt=user.last_login) if user.last_login else warnings


def warn_before_anonymising(user: User, *, anonymise_on: date, now: datetime | None = None) -> bool:
    """Tell `user` (from accounts_due_for_anonymising) that their account will be
    anonymised on `anonymise_on` unless they log in. Once per lapse, unless they log in
    after the warning and fall due again: the warning is recorded (RetentionWarning)
    with its email. Returns whether it was sent now."""
    now = now or timezone.now()
    with transaction.atomic():
        warning, created = RetentionWarning.objects.select_for_update().get_or_create(
            user=user, for_year=user.last_membership, defaults={"warned_at": now}
        )
        if not created and user.last_login and warning.warned_at <= user.last_login:
            warning.warned_at = now  # they logged in since (standing_warnings): a new warning
            warning.save(update_fields=["warned_at", "updated_at"])
            created = True
        if created:
            queue_email(
                key=retention_warning_key(user, warned_at=now),
                to=user.email,
                template="emails/retention_warning",
                context={
                    "anonymise_on": anonymise_on,
                    "never_member": user.last_membership is None,
                    "login_url": settings.SITE_URL + reverse("account_login"),
                },
                kind=EmailKind.NOTICE,
                user=user,
                now=now,
            )
    return created


@dataclass
class RetentionRun:
    warned: list[int] = field(default_factory=list)
    anonymised: list[int] = field(default_factory=list)


def apply_retention(*, now: datetime | None = None) -> RetentionRun:
    """Warn the accounts due within RETENTION_WARNING_DAYS, and anonymise those
    due now that were warned at least that long ago (so nobody is anonymised
    unwarned, even on the first run or after downtime).

    Accounts that never held a membership are treated alike, counted from when they
    were made. One that logs in drops out (its warning no longer stands) and, should
    it fall due again, is warned again.

    Safe to run twice: warnings are recorded once per lapse, and anonymised
    accounts are inactive and never due again. Each account is handled in a
    transaction of its own: one that fails is logged and tried again next run,
    and the others go on.
    """
    now = now or timezone.now()
    notice = timedelta(days=settings.RETENTION_WARNING_DAYS)
    run = RetentionRun()
    for user in accounts_due_for_anonymising(now=now):
        if standing_warnings(user).filter(warned_at__lte=now - notice).exists():
            try:
                anonymise_account(user=user)
            except Exception:
                log.exception("Retention: could not anonymise account %s; the next run tries again.", user.pk)
            else:
                run.anonymised.append(user.pk)
    for user in accounts_due_for_anonymising(now=now + notice):
        try:
            warned_now = warn_before_anonymising(user, anonymise_on=timezone.localdate(now + notice), now=now)
        except Exception:
            log.exception("Retention: could not warn account %s; the next run tries again.", user.pk)
        else:
            if warned_now:
                run.warned.append(user.pk)
    if run.anonymised or run.warned:
        log.info("Retention: warned %d accounts, anonymised %d", len(run.warned), len(run.anonymised))
    return run
