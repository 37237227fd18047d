"""Committee roles: giving one, and handing the committee over to the next academic year.

Changes take the Committee group's row lock first, so two committee members
giving roles at once cannot both pass the overlap check; each change is logged
(`CommitteeChange`) and the new holder told through the outbox, in the same
transaction.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from society import formats
from society.emails import queue_email
from society.models import EmailKind

from ..models import COMMITTEE_GROUP, CommitteeChange, CommitteeRole, User


class CommitteeProblem(Exception):
    """A committee change that was refused; its message is for the committee, and nothing changed."""


@dataclass(frozen=True)
class Handover:
    """One title of the committee and who holds it next."""

    title: str
    holder: User
    order: int = 0


def role_problem(*, title: str, starts_on: date, ends_on: date, ignore: CommitteeRole | None = None) -> str | None:
    """Why a role with this title and term cannot be given (or `ignore`, a role being
    changed, cannot be changed to it), or None."""
    if ends_on < starts_on:
        return _("The term of %(title)s ends (%(ends)s) before it starts (%(starts)s).") % {
            "title": title,
            "ends": formats.when(ends_on, "date"),
            "starts": formats.when(starts_on, "date"),
        }
    overlapping = (
        CommitteeRole.objects.filter(title__iexact=title.strip(), starts_on__lte=ends_on, ends_on__gte=starts_on)
        .exclude(pk=ignore.pk if ignore else None)
        .select_related("user")
        .order_by("starts_on")
        .first()
    )
    if overlapping:
        return _("%(name)s is %(title)s from %(starts)s to %(ends)s: two terms of one title cannot overlap.") % {
            "name": overlapping.user.display_name,
            "title": overlapping.title,
            "starts": formats.when(overlapping.starts_on, "date"),
            "ends": formats.when(overlapping.ends_on, "date"),
        }
    return None


def _lock_committee() -> None:
    Group.objects.get_or_create(name=COMMITTEE_GROUP)
    Group.objects.select_for_update().get(name=COMMITTEE_GROUP)


def _create_role(
    *, user: User, title: str, starts_on: date, ends_on: date, order: int, by: User | None, action: str
) -> CommitteeRole:
    role = CommitteeRole.objects.create(user=user, title=title, starts_on=starts_on, ends_on=ends_on, order=order)
    CommitteeChange.objects.create(
        action=action, role=role, title=title, holder=user, starts_on=starts_on, ends_on=ends_on, by=by
    )
    queue_email(
        key=f"committee-role:{role.pk}",
        to=user.email,
        template="emails/committee_role",
        context={
            "role": {"title": role.title, "starts_on": role.starts_on, "ends_on": role.ends_on},
            "roles_url": settings.SITE_URL + reverse("members:committee_roles"),
        },
        kind=EmailKind.NOTICE,
        user=user,
    )
    return role


def give_role(
    *, user: User, title: str, starts_on: date, ends_on: date, order: int = 0, by: User | None
) -> CommitteeRole:
    """Give `user` the committee role `title` for a term (both ends inclusive); it grants
    committee access during the term. They are told by email. Refused (CommitteeProblem)
    when the term ends before it starts or overlaps another term of the same title."""
    title = title.strip()
    with transaction.atomic():
        _lock_committee()
        problem = role_problem(title=title, starts_on=starts_on, ends_on=ends_on)
        if problem:
            raise CommitteeProblem(problem)
        return _create_role(
            user=user,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            order=order,
            by=by,
            action=CommitteeChange.Action.GIVEN,
        )


def hand_over(*, handovers: list[Handover], starts_on: date, ends_on: date, by: User | None) -> list[CommitteeRole]:
    """The next committee: one role per handover, all for the same term, each new holder
    told by email. All or nothing: one title that cannot be given (term ends before it
    starts, overlaps a term of that title, or is given twice) refuses the whole hand-over."""
    titles = [handover.title.strip().lower() for handover in handovers]
    if not handovers:
        raise CommitteeProblem(_("Choose at least one new holder: nothing was handed over."))
    if len(set(titles)) != len(titles):
        raise CommitteeProblem(_("Each title can be handed over once: nothing was handed over."))
    with transaction.atomic():
        _lock_committee()
        problems = [
            problem
            for handover in handovers
            if (problem := role_problem(title=handover.title, starts_on=starts_on, ends_on=ends_on))
        ]
        if problems:
            raise CommitteeProblem(" ".join([*problems[:3], _("Nothing was handed over.")]))
        return [
            _create_role(
                user=handover.holder,
                title=handover.title.strip(),
                starts_on=starts_on,
                ends_on=ends_on,
                order=handover.order,
                by=by,
                action=CommitteeChange.Action.HANDED_OVER,
            )
            for handover in handovers
        ]
