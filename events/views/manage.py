"""The committee console (its screens come with their own issue)."""

from django.db.models import Count, Q
from django.shortcuts import render

from members.permissions import committee_required

from ..models import Event


@committee_required
def manage_home(request):
    # "I'm set up" from the reminder's link, for events with a setup checklist.
    upcoming = Event.objects.upcoming().annotate(
        set_up_count=Count(
            "registrations", filter=Q(registrations__status="confirmed", registrations__set_up_at__isnull=False)
        )
    )
    return render(request, "events/manage/home.html", {"upcoming": upcoming})
