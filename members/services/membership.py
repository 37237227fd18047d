"""Membership by academic year, and the students' union list."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from ..models import Membership, UnionListImport, User
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


def import_union_list(*, rows: list[UnionRow], year: int, by: User | None = None, filename: str = "") -> UnionImport:
    """Make every matched account a member for `year` (source: union). Matches afresh, so it is safe to repeat.
    The import is recorded (`UnionListImport`: the new year's checklist asks whether one happened)."""
    with transaction.atomic():
        plan = plan_union_import(rows=rows, year=year)
        Membership.objects.bulk_create(
            [Membership(user=user, academic_year=year, source=Membership.Source.UNION) for user in plan.new_members],
            ignore_conflicts=True,  # someone joined between the plan and now: they stay as they are
        )
        UnionListImport.objects.create(
            academic_year=year,
            filename=filename[:100],
            added=len(plan.new_members),
            already_members=len(plan.already_members),
            unmatched=len(plan.unmatched),
            by=by,
        )
    return plan
