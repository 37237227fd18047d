"""Study groups: the list, a group's page, joining and leaving, registering for a meeting
(from the page, or from the email's signed link)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events.models import Event, Registration
from members.models import User
from society.page_cache import public_page

from .. import services
from ..links import read_meeting_token
from ..models import StudyGroup


@public_page("events", "workshops", "members")
def study_group_list(request):
    groups = (
        StudyGroup.objects.filter(archived_at__isnull=True)
        .select_related("topic", "organiser")
        .annotate(member_count=Count("memberships"))
    )
    return render(request, "workshops/study_group_list.html", {"groups": groups})


@public_page("events", "workshops", "members")
def study_group_detail(request, slug: str):
    group = get_object_or_404(
        StudyGroup.objects.select_related("topic", "organiser").annotate(member_count=Count("memberships")),
        slug=slug,
    )
    members = [membership.user for membership in group.memberships.select_related("user")]
    meetings = group.meetings.listed().upcoming()
    is_in = request.user in members
    registered = Registration.objects.active().filter(user=request.user, event__in=meetings) if is_in else []
    context = {
        "group": group,
        "members": members,
        "is_in": is_in,
        "registered_ids": {registration.event_id for registration in registered},
        "is_full": group.member_count >= group.capacity,
        "meetings": meetings,
        "past_meetings": group.meetings.listed().past()[:10],
    }
    return render(request, "workshops/study_group_detail.html", context)


@login_required
@require_POST
def study_group_join(request, slug: str):
    group = get_object_or_404(StudyGroup, slug=slug)
    try:
        services.join_study_group(group=group, user=request.user)
    except services.WorkshopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You joined %(group)s. Register for its meetings below.") % {"group": group.name})
    return redirect(group)


@login_required
@require_POST
def study_group_leave(request, slug: str):
    group = get_object_or_404(StudyGroup, slug=slug)
    if services.leave_study_group(group=group, user=request.user):
        messages.success(request, _("You left %(group)s.") % {"group": group.name})
    return redirect(group)


@login_required
@require_POST
def meeting_register_button(request, slug: str, event_slug: str):
    """ "Register" beside an upcoming meeting on the group's page, for members of the group."""
    group = get_object_or_404(StudyGroup, slug=slug)
    event = get_object_or_404(group.meetings.all(), slug=event_slug)
    try:
        registration, _is_new = services.register_for_meeting(group=group, event=event, user=request.user)
    except services.WorkshopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _registered_message(registration))
    return redirect(group)


@never_cache
def meeting_register(request, token: str):
    """From the email telling a member of a new meeting: GET asks, POST registers (no login needed)."""
    found = read_meeting_token(token)
    if found is None:
        raise Http404(_("This link is not valid, or has expired."))
    event_id, user_id = found
    event = get_object_or_404(Event, pk=event_id, kind=Event.Kind.STUDY_GROUP)
    user = get_object_or_404(User, pk=user_id, is_active=True)
    group = StudyGroup.objects.filter(meetings=event).order_by("pk").first()
    if group is None:
        raise Http404(_("This meeting belongs to no study group."))
    registration = Registration.objects.active().filter(event=event, user=user).first()
    if request.method == "POST":
        if registration is None:  # a second click changes nothing
            try:
                registration, _is_new = services.register_for_meeting(group=group, event=event, user=user)
            except services.WorkshopError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _registered_message(registration))
        return redirect("workshops:meeting_register", token=token)
    context = {"group": group, "event": event, "person": user, "registration": registration}
    return render(request, "workshops/meeting_register.html", context)


def _registered_message(registration: Registration) -> str:
    if registration.status == Registration.Status.WAITLISTED:
        return _("The meeting is full: %(name)s is on its waiting list.") % {"name": registration.user.display_name}
    return _("%(name)s is registered for %(event)s. See you there!") % {
        "name": registration.user.display_name,
        "event": registration.event.title,
    }
