"""Reads of members that pages share: the committee's directory and the about page."""

from django.db.models import Count, Exists, Expression, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext

from society import hooks

from .models import CommitteeRole, Membership, Profile, SiteText, Topic, User
from .years import academic_year_of, academic_year_term, current_academic_year

NOT_MEMBER_THIS_YEAR = "none"


def events_attended() -> Expression | None:
    """How many events each user attended, as the app that runs events counts it
    (it offers the count through society.hooks); None when no such app is installed."""
    counts = list(hooks.contributions(hooks.MEMBER_ATTENDANCE).values())
    return counts[0]() if counts else None


def counts_attendance() -> bool:
    """Whether the directory can show and filter by events attended."""
    return bool(hooks.contributions(hooks.MEMBER_ATTENDANCE))


def member_directory(
    *,
    search: str = "",
    year_of_study: int | None = None,
    course: str = "",
    interest: Topic | None = None,
    membership_year: str = "",
    attended_at_least: int | None = None,
) -> QuerySet[User]:
    """Active accounts, filtered; each with `profile`, its interests, `is_member_now` and
    (when events are installed) `attended`, in a fixed number of queries.

    `membership_year` is a year ("2026"), NOT_MEMBER_THIS_YEAR, or empty for anyone.
    `attended_at_least` is ignored when nothing counts attendance.
    """
    this_year = current_academic_year()
    users = (
        User.objects.filter(is_active=True)
        .select_related("profile")
        .prefetch_related(Prefetch("profile__interests", queryset=Topic.objects.order_by("name")))
        .annotate(is_member_now=Exists(Membership.objects.filter(user=OuterRef("pk"), academic_year=this_year)))
        .order_by("name", "email")
    )
    attended = events_attended()
    if attended is not None:
        users = users.annotate(attended=attended)
    if search:
        users = users.filter(Q(name__icontains=search) | Q(email__icontains=search))
    if year_of_study:
        users = users.filter(profile__year_of_study=year_of_study)
    if course:
        users = users.filter(profile__course__icontains=course)
    if interest:
        users = users.filter(profile__interests=interest)
    if attended_at_least and attended is not None:
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


def roles_in_year(year: int) -> QuerySet[CommitteeRole]:
    """Roles whose term overlaps academic `year`, in the committee's order, with their holders."""
    first, last = academic_year_term(year)
    return (
        CommitteeRole.objects.filter(starts_on__lte=last, ends_on__gte=first)
        .select_related("user")
        .order_by("order", "title", "starts_on")
    )


def role_years() -> list[int]:
    """Academic years any role started in, with this one and the next, newest first."""
    this_year = current_academic_year()
    starts = CommitteeRole.objects.order_by().values_list("starts_on", flat=True).distinct()
    return sorted({academic_year_of(day) for day in starts} | {this_year, this_year + 1}, reverse=True)


def possible_holders(*, years: list[int]) -> QuerySet[User]:
    """Active accounts that are members in any of `years`, by name: whom a role can be given to."""
    members = Membership.objects.filter(academic_year__in=years).values("user")
    return User.objects.filter(is_active=True, pk__in=members).order_by("name", "email")


# --- Choosing a person in the console (by email, with suggestions as one types) ---------

# Whom a person field of the console may choose: `among` names the set, in the field and in
# the search's address (members:person_search, /manage/people/<among>/).
HOLDERS, ACCOUNTS = "members", "accounts"
PERSON_SUGGESTIONS = 10  # at most this many suggestions a search
PERSON_SEARCH_MIN_LENGTH = 2


def people_among(among: str) -> QuerySet[User]:
    """The people a person field may choose: members of last, this or next academic year
    (HOLDERS: a committee role needs a member), or any active account (ACCOUNTS)."""
    if among == HOLDERS:
        year = current_academic_year()
        return possible_holders(years=[year - 1, year, year + 1])
    if among == ACCOUNTS:
        return User.objects.filter(is_active=True).order_by("name", "email")
    raise ValueError(f"no such set of people: {among!r}")


def search_people(words: str, *, among: str) -> list[User]:
    """The first PERSON_SUGGESTIONS people of `among` whose name or email contains `words`,
    by name; none for fewer than PERSON_SEARCH_MIN_LENGTH characters. One query."""
    words = words.strip()
    if len(words) < PERSON_SEARCH_MIN_LENGTH:
        return []
    found = people_among(among).filter(Q(name__icontains=words) | Q(email__icontains=words))
    return list(found.only("name", "email")[:PERSON_SUGGESTIONS])


def people_by_email(emails: list[str], *, among: str) -> dict[str, tuple[User, bool]]:
    """Lower-cased email -> (active account, whether it is one of `among`), for those of
    `emails` that have an active account. One query, however many emails."""
    wanted = {email.strip().lower() for email in emails if email and email.strip()}
    if not wanted:
        return {}
    found = (
        User.objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"), eligible=Exists(people_among(among).filter(pk=OuterRef("pk"))))
        .filter(email_lower__in=wanted)
    )
    return {user.email_lower: (user, user.eligible) for user in found}


def newest_site_texts() -> dict[str, SiteText]:
    """Key -> the newest saved version of each site text that was ever edited. One query."""
    newest = SiteText.objects.filter(key=OuterRef("key")).order_by("-version").values("version")[:1]
    saved = SiteText.objects.filter(version=Subquery(newest)).select_related("edited_by")
    return {text.key: text for text in saved}


def site_texts() -> dict[str, str]:
    """Key -> Markdown of every site text: its newest version, else its default. One query."""
    saved = newest_site_texts()
    return {key: saved[key].body if key in saved else str(default) for key, default in SiteText.DEFAULTS.items()}


def site_text_history(key: str) -> QuerySet[SiteText]:
    """The versions of one text, newest first, with who saved each."""
    return SiteText.objects.filter(key=key).select_related("edited_by").order_by("-version")


def topics_with_counts() -> tuple[QuerySet[Topic], list[tuple[str, str]]]:
    """Every topic with how many rows of each kind point at it (events, profiles, series,
    study groups: found through Django's relation introspection, so members names no
    other app), in one query. Returns the topics and the (annotation, label) pairs."""
    topics = Topic.objects.order_by("name")
    columns = []
    for number, relation in enumerate(Topic._meta.related_objects):
        if relation.many_to_many:
            to_topic = relation.field.m2m_reverse_field_name()
            rows = relation.through.objects.filter(**{to_topic: OuterRef("pk")})
        else:
            to_topic = relation.field.name
            rows = relation.related_model._base_manager.filter(**{to_topic: OuterRef("pk")})
        name = f"count_{number}"
        count = rows.order_by().values(to_topic).annotate(n=Count("pk")).values("n")
        topics = topics.annotate(**{name: Coalesce(Subquery(count), 0)})
        label = relation.related_model._meta.verbose_name_plural
        columns.append((name, gettext("members' interests") if relation.related_model is Profile else str(label)))
    return topics, columns
