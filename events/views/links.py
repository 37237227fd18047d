"""Pages opened from links in emails, which work without logging in: the signed
token names the registration (events.links). Opening a link changes nothing (mail
scanners open every link in an email); a button on the page, a POST, does. A
tampered or expired token gets a page that says so (404)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from .. import links, services
from ..forms import FeedbackForm
from ..models import CancelledVia, EventRating, Registration

NOT_VALID = gettext_lazy("This link is not valid, or has expired.")


def get_registration_by_link(token: str, purpose: str) -> Registration | None:
    """The registration a link's token names, or None (tampered, expired, another purpose)."""
    registration_id = links.read_registration_token(token, purpose)
    if registration_id is None:
        return None
    return Registration.objects.select_related("event", "user").filter(pk=registration_id).first()


def link_refused(request, message: str = NOT_VALID):
    context = {"message": message, "not_valid": message == NOT_VALID}
    return render(request, "events/link_refused.html", context, status=404)


@never_cache
def cant_come(request, token: str):
    """GET shows a button; POST cancels (so the seat goes to the waiting list)."""
    registration = get_registration_by_link(token, links.CANT_COME)
    if registration is None:
        return link_refused(request)
    event = registration.event
    context = {"registration": registration, "event": event, "started": timezone.now() >= event.starts_at}
    if request.method == "POST" and registration.is_active and registration.checked_in_at is None:
        try:
            services.cancel(registration=registration, via=CancelledVia.EMAIL)
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return redirect("events:cant_come", token=token)
        messages.success(
            request, _("Your place is cancelled. Thank you for letting us know: it goes to someone waiting.")
        )
        return redirect("events:cant_come", token=token)
    return render(request, "events/cant_come.html", context)


@never_cache
def set_up(request, token: str):
    """The event's setup checklist; POST records "I'm set up" (the committee sees the count)."""
    registration = get_registration_by_link(token, links.SET_UP)
    if registration is None:
        return link_refused(request)
    if request.method == "POST" and registration.is_confirmed:
        services.mark_set_up(registration=registration)
        messages.success(request, _("Thanks: you're set up. See you there!"))
        return redirect("events:set_up", token=token)
    return render(request, "events/set_up.html", {"registration": registration, "event": registration.event})


@never_cache
def feedback(request, token: str):
    """The follow-up email's five rating links (?score=1..5) open this form with their
    score chosen; only its POST records the rating (and the comment)."""
    registration = get_registration_by_link(token, links.FEEDBACK)
    if registration is None:
        return link_refused(request)
    if registration.checked_in_at is None:
        return link_refused(request, "Only people who came can rate an event.")
    rating = EventRating.objects.filter(registration=registration).first()
    status = 200
    chosen = None
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            services.rate_event(registration=registration, **form.cleaned_data)
            messages.success(request, _("Thank you for your feedback!"))
            return redirect("events:feedback", token=token)
        status = 400
    elif "score" in request.GET:
        form = FeedbackForm({"score": request.GET["score"], "comment": rating.comment if rating else ""})
        if form.is_valid():
            chosen = form.cleaned_data["score"]
        else:
            status = 400
    else:
        form = FeedbackForm(initial={"score": rating.score, "comment": rating.comment} if rating else None)
    context = {
        "registration": registration,
        "event": registration.event,
        "form": form,
        "rating": rating,
        "chosen": chosen,
    }
    return render(request, "events/feedback.html", context, status=status)
