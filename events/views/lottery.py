"""Registration by lot: a member's request (ask, name a friend, withdraw) and the
draw's public page and data, which anyone may use to re-run it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from society.page_cache import public_page

from .. import services
from ..forms import LotteryRequestForm
from .access import get_event_for


def _lottery_event_for(user, slug: str):
    event = get_event_for(user, slug, for_page=False)
    if not event.lottery:
        raise Http404("This event's places are not drawn by lot.")
    return event


def _act(request, slug: str, action, done: str):
    """Run one of the request's services with the form's friend, and say how it went."""
    event = _lottery_event_for(request.user, slug)
    form = LotteryRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("friend_email", [])))
        return redirect(event)
    try:
        friend_email = form.cleaned_data["friend_email"]
        if form.cleaned_data["friend_request"]:
            friend_email = services.asker_email(
                event=event, user=request.user, public_id=form.cleaned_data["friend_request"]
            )
        action(event=event, user=request.user, friend_email=friend_email)
    except services.RegistrationError as error:
        messages.error(request, str(error))
        return redirect(event)
    messages.success(request, done)
    return redirect(event)


@login_required
@require_POST
def ask(request, slug: str):
    return _act(request, slug, services.request_place, _("You have asked for a place: the draw will tell."))


@login_required
@require_POST
def name_friend(request, slug: str):
    return _act(request, slug, services.set_friend, _("Your request is updated."))


@login_required
@require_POST
def withdraw(request, slug: str):
    def withdraw_own(*, event, user, friend_email):
        return services.withdraw_request(event=event, user=user)

    return _act(request, slug, withdraw_own, _("Your request is withdrawn."))


@public_page("events")
def draw_page(request, slug: str):
    event = _lottery_event_for(request.user, slug)
    now = timezone.now()
    data = services.published_draw(event=event, now=now)
    rows = []
    if data["seed"]:
        weight_of = {unit["id"]: unit for unit in data["units"]}
        seated = set(data["result"]["seated"])
        rows = [
            {"position": n, "unit": weight_of[unit_id], "seated": unit_id in seated}
            for n, unit_id in enumerate(data["result"]["order"], start=1)
        ]
    return render(request, "events/draw.html", {"event": event, "data": data, "rows": rows})


@public_page("events")
def draw_json(request, slug: str):
    event = _lottery_event_for(request.user, slug)
    response = JsonResponse(services.published_draw(event=event), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'inline; filename="{event.slug}-draw.json"'
    return response
