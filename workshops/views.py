from django.shortcuts import render

from events.models import Event


def workshop_list(request):
    listed = Event.objects.listed().filter(kind=Event.Kind.WORKSHOP)
    context = {"upcoming": listed.upcoming(), "past": listed.past()[:10]}
    return render(request, "workshops/workshop_list.html", context)
