"""Business rules about members: profiles, membership, the union list, privacy.

Views, admin actions, commands and Celery tasks call these functions, so each
rule has one home. Arguments are keyword-only; "now" and "today" can be given,
so tests never wait for the clock.
"""

import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from society.emails import forget_recipient, queue_email
from society.models import EmailKind
from society.privacy import forget_elsewhere

from .models import CommitteeRole, Membership, Profile, PublicRecord, RetentionWarning, Topic, User, new_record_token
from .union_csv import UnionRow
from .years import academic_year_of, current_academic_year

log = logging.getLogger(__name__)

# --- Profiles ---------------------------------------------------------------------


def profile_of(user: User) -> Profile:
    """The user's profile, made empty on first need (accounts made by admins have none yet)."""
    return Profile.objects.get_or_create(user=user)[0]


def start_welcome(*, user: User) -> Profile:
    """Called at sign-up: the new member will be shown the welcome step once verified."""
    return Profile.objects.update_or_create(user=user, defaults={"welcomed_at": None})[0]


def needs_welcome(user: User) -> bool:
    """True for a member who signed up and has neither finished nor skipped the welcome step."""
    return Profile.objects.filter(user=user, welcomed_at__isnull=True).exists()


def finish_welcome(*, user: User, now: datetime | None = None) -> None:
    """The welcome step is done (or skipped): it is not shown again."""
    Profile.objects.filter(user=user, welcomed_at__isnull=True).update(
        welcomed_at=now or timezone.now(), updated_at=timezone.now()
    )


def update_profile(
    *,
    user: User,
    name: str,
    details: dict,
    interests: Iterable[Topic],
    avatar: dict[int, bytes] | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Save what the member wrote about themselves; `avatar` holds renditions from members.avatars."""
    with transaction.atomic():
        user.name = name.strip()
        user.save(update_fields=["name", "updated_at"])
        profile = profile_of(user)
        for field_name, value in details.items():
            setattr(profile, field_name, value)
        profile.save()
        profile.interests.set(interests)
        if avatar:
            set_avatar(profile=profile, renditions=avatar)
        elif remove_avatar:
            delete_avatar(profile=profile)
    return profile


def set_avatar(*, profile: Profile, renditions: dict[int, bytes]) -> None:
    """Store re-encoded avatar renditions under new random names, and drop the old files."""
    old_files = [profile.avatar.name, profile.avatar_small.name]
    token = secrets.token_hex(16)  # unguessable: avatars are served without a permission check
    profile.avatar.save(f"{token}-256.jpg", ContentFile(renditions[256]), save=False)
    profile.avatar_small.save(f"{token}-64.jpg", ContentFile(renditions[64]), save=False)
    profile.save(update_fields=["avatar", "avatar_small", "updated_at"])
    delete_files_on_commit(old_files)


def delete_avatar(*, profile: Profile) -> None:
    old_files = [profile.avatar.name, profile.avatar_small.name]
    profile.avatar = profile.avatar_small = ""
    profile.save(update_fields=["avatar", "avatar_small", "updated_at"])
    delete_files_on_commit(old_files)


def delete_files_on_commit(names: Iterable[str]) -> None:
    """Delete stored files once the change that dropped them is committed (never before)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


# --- Topics -----------------------------------------------------------------------


class TopicError(Exception):
    """A rule about topics said no; the message is for the committee (a form error)."""


def topic_name_problem(name: str, *, exclude: Topic | None = None) -> str | None:
    """Why `name` cannot name a topic: empty, or another topic has it (in any case)."""
    name = " ".join(name.split())
    if not name:
        return "A topic needs a name."
    taken = Topic.objects.filter(name__iexact=name).exclude(pk=exclude.pk if exclude else None).first()
    return f"There is already a topic called “{taken.name}”: merge into it instead." if taken else None


def create_topic(*, name: str) -> Topic:
    """A new topic; its slug (used in the events list's filter) is made from the name."""
    name = " ".join(name.split())
    with transaction.atomic():
        problem = topic_name_problem(name)
        if problem:
            raise TopicError(problem)
        base = slugify(name)[:55] or "topic"
        slug, n = base, 2
        while Topic.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return Topic.objects.create(name=name, slug=slug)


def rename_topic(*, topic: Topic, name: str) -> Topic:
    """Rename a topic. Its slug stays, so filtered links people shared keep working."""
    name = " ".join(name.split())
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        problem = topic_name_problem(name, exclude=topic)
        if problem:
            raise TopicError(problem)
        topic.name = name
        topic.save(update_fields=["name", "updated_at"])
    return topic


def merge_topics(*, merged: Topic, kept: Topic) -> dict[str, int]:
    """Everything about `merged` becomes about `kept` (events, members' interests, series,
    study groups: whatever points at Topic, found through Django's relation introspection
    so members names no other app), then `merged` is deleted. One transaction.
    Returns how many rows moved, by the relation's model label."""
    if merged.pk == kept.pk:
        raise TopicError("A topic cannot be merged into itself: choose another topic to keep.")
    moved: dict[str, int] = {}
    with transaction.atomic():
        locked = {t.pk: t for t in Topic.objects.select_for_update().filter(pk__in=[merged.pk, kept.pk])}
        if len(locked) != 2:
            raise TopicError("One of these topics no longer exists: nothing was changed.")
        for relation in Topic._meta.related_objects:
            if relation.many_to_many:
                through = relation.through
                to_topic, to_owner = relation.field.m2m_reverse_field_name(), relation.field.m2m_field_name()
                both = through.objects.filter(**{to_topic: kept}).values(to_owner)
                through.objects.filter(**{to_topic: merged, f"{to_owner}__in": both}).delete()
                count = through.objects.filter(**{to_topic: merged}).update(**{to_topic: kept})
                label = relation.related_model._meta.label
            elif relation.one_to_many:
                name = relation.field.name
                count = relation.related_model._base_manager.filter(**{name: merged}).update(**{name: kept})
                label = relation.related_model._meta.label
            else:
                raise TopicError(f"{relation.related_model._meta.label} points at topics in a way merging cannot move.")
            moved[label] = moved.get(label, 0) + count
        locked[merged.pk].delete()
    return moved


# --- Membership -------------------------------------------------------------------


def is_member(user, *, year: int | None = None) -> bool:
    """Is `user` a member of the society in academic `year` (by default this one)?

    The one answer for members-only events and materials.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    year = current_academic_year() if year is None else year
    return Membership.objects.filter(user=user, academic_year=year).exists()


def join_society(*, user: User, today: date | None = None) -> Membership:
    """The member joins for the current academic year (nothing changes if they already have)."""
    return Membership.objects.get_or_create(
        user=user, academic_year=current_academic_year(today=today), defaults={"source": Membership.Source.JOINED}
    )[0]


def renew_membership(
    *, user: User, year: int | None = None, source: str = Membership.Source.COMMITTEE
) -> tuple[Membership, bool]:
    """Make `user` a member for `year` (this one by default). Returns the membership and whether it is new."""
    year = current_academic_year() if year is None else year
    return Membership.objects.get_or_create(user=user, academic_year=year, defaults={"source": source})


def lapse_membership(*, user: User, year: int | None = None) -> bool:
    """`user` is no longer a member for `year` (this one by default). False if they were not one."""
    year = current_academic_year() if year is None else year
    deleted, _ = Membership.objects.filter(user=user, academic_year=year).delete()
    return deleted > 0


# --- The students' union list ----------------------------------------------------


@dataclass
class UnionImport:
    """What a union list means for one academic year: who becomes a member, who already is, who is unknown."""

    year: int
    new_members: list[User] = field(default_factory=list)
    already_members: list[User] = field(default_factory=list)
    unmatched: list[UnionRow] = field(default_factory=list)


def plan_union_import(*, rows: list[UnionRow], year: int) -> UnionImport:
    """Match rows to active accounts, by student number first, then by email. Changes nothing."""
    emails = {row.email for row in rows if row.email}
    numbers = {row.student_number for row in rows if row.student_number}
    users = list(
        User.objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"))
        .filter(Q(email_lower__in=emails) | Q(profile__student_number__in=numbers))
        .select_related("profile")
        .order_by("email")
    )
    by_email = {user.email.lower(): user for user in users}
    by_number = {user.profile.student_number: user for user in users if hasattr(user, "profile")}
    by_number.pop("", None)
    members_already = set(
        Membership.objects.filter(academic_year=year, user__in=users).values_list("user_id", flat=True)
    )
    plan = UnionImport(year=year)
    seen = set()
    for row in rows:
        user = by_number.get(row.student_number) or by_email.get(row.email)
        if user is None:
            plan.unmatched.append(row)
        elif user.pk not in seen:
            seen.add(user.pk)
            (plan.already_members if user.pk in members_already else plan.new_members).append(user)
    return plan


def import_union_list(*, rows: list[UnionRow], year: int) -> UnionImport:
    """Make every matched account a member for `year` (source: union). Matches afresh, so it is safe to repeat."""
    with transaction.atomic():
        plan = plan_union_import(rows=rows, year=year)
        Membership.objects.bulk_create(
            [Membership(user=user, academic_year=year, source=Membership.Source.UNION) for user in plan.new_members],
            ignore_conflicts=True,  # someone joined between the plan and now: they stay as they are
        )
    return plan


# --- The participation record ------------------------------------------------------


def record_of(user: User) -> PublicRecord:
    """The member's record settings (private until they choose otherwise)."""
    return PublicRecord.objects.get_or_create(user=user)[0]


def share_record(*, user: User, public: bool) -> PublicRecord:
    record = record_of(user)
    record.is_public = public
    record.save(update_fields=["is_public", "updated_at"])
    return record


def reset_record_link(*, user: User) -> PublicRecord:
    """A new address for the record: the old one stops working at once."""
    record = record_of(user)
    record.token = new_record_token()
    record.save(update_fields=["token", "updated_at"])
    return record


# --- Privacy: deletion and retention ---------------------------------------------


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
    """Accounts whose last membership ended more than RETENTION_DAYS before `now`, with no
    log-in in that time either. Admins and the current committee are kept."""
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
        .filter(last_membership__lte=last_year_ended)
        .order_by("pk")
    )


def retention_warning_key(user: User) -> str:
    # Per lapsed membership: someone who renews and lapses again is warned again.
    return f"retention-warning:{user.pk}:{user.last_membership}"


def warn_before_anonymising(user: User, *, anonymise_on: date, now: datetime | None = None) -> bool:
    """Tell `user` (from accounts_due_for_anonymising) that their account will be
    anonymised on `anonymise_on` unless they log in. Once per lapse: the warning is
    recorded (RetentionWarning) with its email. Returns whether it was sent now."""
    now = now or timezone.now()
    with transaction.atomic():
        _, created = RetentionWarning.objects.get_or_create(
            user=user, for_year=user.last_membership, defaults={"warned_at": now}
        )
        if created:
            queue_email(
                key=retention_warning_key(user),
                to=user.email,
                template="emails/retention_warning",
                context={"anonymise_on": anonymise_on, "login_url": settings.SITE_URL + reverse("account_login")},
                kind=EmailKind.ACCOUNT,
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

    Safe to run twice: warnings are recorded once per lapse, and anonymised
    accounts are inactive and never due again. Each account is handled in a
    transaction of its own: one that fails is logged and tried again next run,
    and the others go on.
    """
    now = now or timezone.now()
    notice = timedelta(days=settings.RETENTION_WARNING_DAYS)
    run = RetentionRun()
    for user in accounts_due_for_anonymising(now=now):
        warned = RetentionWarning.objects.filter(user=user, for_year=user.last_membership, warned_at__lte=now - notice)
        if warned.exists():
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
