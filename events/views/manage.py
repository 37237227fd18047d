"""The committee console (its screens come with their own issue)."""

from django.shortcuts import render

from members.permissions import committee_required

from ..models import Event


@committee_required
def manage_home(request):
    upcoming = Event.objects.upcoming()
    return render(request, "events/manage/home.html", {"upcoming": upcoming})
