"""Study groups: the list, a group's page, joining and leaving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import services
from ..models import StudyGroup


def study_group_list(request):
    groups = StudyGroup.objects.select_related("topic", "organiser").annotate(member_count=Count("memberships"))
    return render(request, "workshops/study_group_list.html", {"groups": groups})


def study_group_detail(request, slug: str):
    group = get_object_or_404(
        StudyGroup.objects.select_related("topic", "organiser").annotate(member_count=Count("memberships")),
        slug=slug,
    )
    members = [membership.user for membership in group.memberships.select_related("user")]
    meetings = group.meetings.listed().upcoming()
    context = {
        "group": group,
        "members": members,
        "is_in": request.user in members,
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
        messages.success(request, f"You joined {group.name}. Register for its meetings below.")
    return redirect(group)


@login_required
@require_POST
def study_group_leave(request, slug: str):
    group = get_object_or_404(StudyGroup, slug=slug)
    if services.leave_study_group(group=group, user=request.user):
        messages.success(request, f"You left {group.name}.")
    return redirect(group)
