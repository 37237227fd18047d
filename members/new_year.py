"""The start of an academic year: what the committee has to do, for the console's
front page (offered to society.hooks.NEW_YEAR_CHECKLIST; the page belongs to events)."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from society import formats
from society.hooks import ChecklistItem

from .models import COMMITTEE_GROUP, CommitteeRole, Membership, UnionListImport, User
from .years import academic_year_label, academic_year_starts, academic_year_term, current_academic_year

CHECKLIST_WEEKS = 8  # the checklist is shown for the first weeks of an academic year


def committee_without_membership(year: int, *, today: date):
    """Committee members by role or group (not admins by being admins) who are not members in `year`."""
    holds_role = CommitteeRole.objects.current(today=today).filter(user=OuterRef("pk"))
    in_group = User.groups.through.objects.filter(user=OuterRef("pk"), group__name=COMMITTEE_GROUP)
    member = Membership.objects.filter(user=OuterRef("pk"), academic_year=year)
    return (
        User.objects.filter(Q(Exists(holds_role)) | Q(Exists(in_group)), is_active=True)
        .exclude(Exists(member))
        .order_by("name", "email")
    )


def new_year_checklist(*, today: date) -> list[ChecklistItem]:
    """The members' steps of the new year, during its first CHECKLIST_WEEKS weeks (else none)."""
    year = current_academic_year(today=today)
    if today >= academic_year_starts(year) + timedelta(weeks=CHECKLIST_WEEKS):
        return []
    label = academic_year_label(year)
    first, last = academic_year_term(year)
    roles = CommitteeRole.objects.filter(starts_on__gte=first, starts_on__lte=last).count()
    union_import = UnionListImport.objects.filter(academic_year=year).order_by("-created_at").first()
    missing = [user.display_name for user in committee_without_membership(year, today=today)[:6]]
    return [
        ChecklistItem(
            label=_("Hand over the committee roles"),
            url=reverse("members:committee_handover"),
            done=roles > 0,
            detail=ngettext("%(count)s role starts in %(year)s.", "%(count)s roles start in %(year)s.", roles)
            % {"count": roles, "year": label}
            if roles
            else _("No role starts in %(year)s yet.") % {"year": label},
            order=10,
        ),
        ChecklistItem(
            label=_("Import the students' union list"),
            url=reverse("members:union_upload"),
            done=union_import is not None,
            detail=_("Imported on %(date)s.") % {"date": formats.when(union_import.created_at, "date")}
            if union_import
            else _("Not yet for %(year)s.") % {"year": label},
            order=20,
        ),
        ChecklistItem(
            label=_("Renew the committee's memberships"),
            url=reverse("members:directory") + "?membership_year=none",
            done=not missing,
            detail=(
                _("Not members in %(year)s yet: %(names)s.")
                % {"year": label, "names": ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "")}
                if missing
                else _("Everyone on the committee is a member in %(year)s.") % {"year": label}
            ),
            order=30,
        ),
    ]
