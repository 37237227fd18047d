"""Reads of members that pages share: the committee's directory and the about page."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .models import CommitteeRole, Membership, Topic, User
from .years import current_academic_year

NOT_MEMBER_THIS_YEAR = "none"


# Events attended (checked in at the door). `registrations` is the reverse
# relation events/ declares on the user: members reads it by name and so
# imports nothing from events.
ATTENDED = Count("registrations", filter=Q(registrations__checked_in_at__isnull=False), distinct=True)


def member_directory(
    *,
    search: str = "",
    year_of_study: int | None = None,
    course: str = "",
    interest: Topic | None = None,
    membership_year: str = "",
    attended_at_least: int | None = None,
) -> QuerySet[User]:
    """Active accounts, filtered; each with `profile`, its interests and `is_member_now`, in a fixed number of queries.

    `membership_year` is a year ("2026"), NOT_MEMBER_THIS_YEAR, or empty for anyone.
    """
    this_year = current_academic_year()
    users = (
        User.objects.filter(is_active=True)
        .select_related("profile")
        .prefetch_related(Prefetch("profile__interests", queryset=Topic.objects.order_by("name")))
        .annotate(
            is_member_now=Exists(Membership.objects.filter(user=OuterRef("pk"), academic_year=this_year)),
            attended=ATTENDED,
        )
        .order_by("name", "email")
    )
    if search:
        users = users.filter(Q(name__icontains=search) | Q(email__icontains=search))
    if year_of_study:
        users = users.filter(profile__year_of_study=year_of_study)
    if course:
        users = users.filter(profile__course__icontains=course)
    if interest:
        users = users.filter(profile__interests=interest)
    if attended_at_least:
        users = users.filter(attended__gte=attended_at_least)
    if membership_year == NOT_MEMBER_THIS_YEAR:
        users = users.filter(is_member_now=False)
    elif membership_year:
        users = users.filter(Exists(Membership.objects.filter(user=OuterRef("pk"), academic_year=int(membership_year))))
    return users


def membership_years() -> list[int]:
    """Years anyone was a member in, and this one, newest first."""
    years = set(Membership.objects.order_by().values_list("academic_year", flat=True).distinct()) | {
        current_academic_year()
    }
    return sorted(years, reverse=True)


def current_committee() -> QuerySet[CommitteeRole]:
    """Roles whose term includes today, in the committee's chosen order, with each holder's profile."""
    return (
        CommitteeRole.objects.current()
        .filter(user__is_active=True)
        .select_related("user__profile")
        .order_by("order", "title", "user__name")
    )
