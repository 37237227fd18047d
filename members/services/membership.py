"""Membership by academic year, and the students' union list."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Membership, Profile, UnionListImport, User
from ..union_csv import UnionRow
from ..years import current_academic_year


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
class UnionReview:
    """A row the list cannot settle alone: its student number is only claimed, unconfirmed,
    on the profile of accounts with another email. The committee decides."""

    row: UnionRow
    claimants: list[User]

    @property
    def reason(self) -> str:
        if self.row.email:
            return _(
                "The union lists student number %(number)s with %(email)s; the account(s) below typed "
                "that number on their profile, but the union's list has never confirmed it for them. Nobody was "
                "made a member: add them by hand if they are the student who paid."
            ) % {"number": self.row.student_number, "email": self.row.email}
        return _(
            "The union lists student number %(number)s with no email; the account(s) below typed "
            "that number on their profile, but the union's list has never confirmed it for them. Nobody was "
            "made a member: add them by hand if they are the student who paid."
        ) % {"number": self.row.student_number}


@dataclass
class UnionImport:
    """What a union list means for one academic year: who becomes a member, who already is,
    which rows need the committee, which are unknown, and whose student numbers it confirms."""

    year: int
    new_members: list[User] = field(default_factory=list)
    already_members: list[User] = field(default_factory=list)
    to_review: list[UnionReview] = field(default_factory=list)
    unmatched: list[UnionRow] = field(default_factory=list)
    # Profiles whose number the list gave with their account's email.
    confirmed_numbers: list[Profile] = field(default_factory=list)


def plan_union_import(*, rows: list[UnionRow], year: int) -> UnionImport:
    """Match rows to active accounts: by email first, then by a student number the list
    confirmed before. A number only claimed on a profile grants nothing: the row is left
    to the committee (`to_review`). A row matched by email with the profile's own number
    confirms it. Changes nothing."""
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
    confirmed, claimed = {}, defaultdict(list)
    for user in users:
        profile = getattr(user, "profile", None)
        if profile and profile.student_number:
            if profile.student_number_verified:
                confirmed[profile.student_number] = user
            else:
                claimed[profile.student_number].append(user)
    members_already = set(
        Membership.objects.filter(academic_year=year, user__in=users).values_list("user_id", flat=True)
    )
    plan = UnionImport(year=year)
    for row in rows:  # first what the list confirms, so the order of its rows does not matter
        user = by_email.get(row.email) if row.email else None
        if user is not None and _confirms_number(user, row, confirmed):
            confirmed[row.student_number] = user
            plan.confirmed_numbers.append(user.profile)
    seen = set()
    for row in rows:
        user = (by_email.get(row.email) if row.email else None) or confirmed.get(row.student_number)
        if user is None:
            if row.student_number in claimed:
                plan.to_review.append(UnionReview(row=row, claimants=claimed[row.student_number]))
            else:
                plan.unmatched.append(row)
        elif user.pk not in seen:
            seen.add(user.pk)
            (plan.already_members if user.pk in members_already else plan.new_members).append(user)
    return plan


def _confirms_number(user: User, row: UnionRow, confirmed: dict[str, User]) -> bool:
    """The row gives the account's email and the number on its profile, still unconfirmed
    and confirmed for no one else."""
    profile = getattr(user, "profile", None)
    return (
        profile is not None
        and bool(row.student_number)
        and profile.student_number == row.student_number
        and not profile.student_number_verified
        and row.student_number not in confirmed
    )


def import_union_list(
    *, rows: list[UnionRow], year: int, by: User | None = None, filename: str = "", now: datetime | None = None
) -> UnionImport:
    """Make every matched account a member for `year` (source: union), and confirm the
    student numbers the list gave with their account's email. Matches afresh, so it is
    safe to repeat. The import is recorded (`UnionListImport`: the new year's checklist
    asks whether one happened)."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = plan_union_import(rows=rows, year=year)
        Membership.objects.bulk_create(
            [Membership(user=user, academic_year=year, source=Membership.Source.UNION) for user in plan.new_members],
            ignore_conflicts=True,  # someone joined between the plan and now: they stay as they are
        )
        Profile.objects.filter(
            pk__in=[profile.pk for profile in plan.confirmed_numbers], student_number_verified_at__isnull=True
        ).update(student_number_verified_at=now, updated_at=now)
        UnionListImport.objects.create(
            academic_year=year,
            filename=filename[:100],
            added=len(plan.new_members),
            already_members=len(plan.already_members),
            to_review=len(plan.to_review),
            unmatched=len(plan.unmatched),
            by=by,
        )
    return plan
