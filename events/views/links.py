"""Pages opened from links in emails, which work without logging in: the signed
token names the registration (events.links). A tampered or expired token is a 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .. import links, services
from ..forms import FeedbackForm
from ..models import EventRating, Registration


def get_registration_by_link(token: str, purpose: str) -> Registration:
    registration_id = links.read_registration_token(token, purpose)
    if registration_id is None:
        raise Http404("This link is not valid, or has expired.")
    return get_object_or_404(Registration.objects.select_related("event", "user"), pk=registration_id)


@never_cache
def cant_come(request, token: str):
    """GET shows a button; POST cancels (so the seat goes to the waiting list)."""
    registration = get_registration_by_link(token, links.CANT_COME)
    event = registration.event
    context = {"registration": registration, "event": event, "started": timezone.now() >= event.starts_at}
    if request.method == "POST" and registration.is_active and registration.checked_in_at is None:
        try:
            services.cancel(registration=registration)
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return redirect("events:cant_come", token=token)
        messages.success(request, "Your place is cancelled. Thank you for letting us know: it goes to someone waiting.")
        return redirect("events:cant_come", token=token)
    return render(request, "events/cant_come.html", context)


@never_cache
def set_up(request, token: str):
    """The event's setup checklist; POST records "I'm set up" (the committee sees the count)."""
    registration = get_registration_by_link(token, links.SET_UP)
    if request.method == "POST" and registration.is_confirmed:
        services.mark_set_up(registration=registration)
        messages.success(request, "Thanks: you're set up. See you there!")
        return redirect("events:set_up", token=token)
    return render(request, "events/set_up.html", {"registration": registration, "event": registration.event})


@never_cache
def feedback(request, token: str):
    """A one-click rating (?score=1..5) is recorded at once, then the form asks for a comment."""
    registration = get_registration_by_link(token, links.FEEDBACK)
    if registration.checked_in_at is None:
        raise Http404("Only people who came can rate an event.")
    rating = EventRating.objects.filter(registration=registration).first()
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            services.rate_event(registration=registration, **form.cleaned_data)
            messages.success(request, "Thank you for your feedback!")
            return redirect("events:feedback", token=token)
        status = 400
    elif "score" in request.GET:
        form = FeedbackForm({"score": request.GET["score"], "comment": rating.comment if rating else ""})
        if form.is_valid():
            rating = services.rate_event(registration=registration, score=form.cleaned_data["score"])
            messages.success(request, f"Thanks: your rating of {rating.score} out of 5 is recorded.")
        else:
            status = 400
    else:
        form = FeedbackForm(initial={"score": rating.score, "comment": rating.comment} if rating else None)
    context = {"registration": registration, "event": registration.event, "form": form, "rating": rating}
    return render(request, "events/feedback.html", context, status=status)
