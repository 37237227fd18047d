"""A member's side of the no-show policy: their strikes (/me/strikes/), and contesting one
from the link in the email (signed: works without logging in, for the strike's life)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from society import formats
from society.hooks import MeCard

from .. import services
from ..forms import ContestStrikeForm
from ..models import Strike
from ..services import strikes as strike_rules
from .links import link_refused


@never_cache
def contest_strike(request, token: str):
    """GET shows the strike and a form; only the POST contests it (once)."""
    strike_id = strike_rules.read_contest_token(token)
    strike = Strike.objects.select_related("registration__event", "user").filter(pk=strike_id).first()
    if strike is None:
        return link_refused(request)
    form = ContestStrikeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.contest_strike(strike=strike, reason=form.cleaned_data["reason"])
            except services.RegistrationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Thank you: the committee will decide and email you."))
            return redirect("events:contest_strike", token=token)
        status = 400
    context = {
        "strike": strike,
        "event": strike.registration.event,
        "form": form,
        "problem": strike_rules.contest_problem(strike),
    }
    return render(request, "events/contest_strike.html", context, status=status)


@login_required
def my_strikes(request):
    """The member's active strikes, and how much later registration opens for them now."""
    now = timezone.now()
    strikes = list(
        Strike.objects.active(now)
        .filter(user=request.user)
        .select_related("registration__event")
        .order_by("expires_at")
    )
    holding = strike_rules.strikes_held(request.user, at=now)
    context = {"strikes": strikes, "holding": holding, "delay_minutes": int(holding.delay.total_seconds() // 60)}
    return render(request, "events/my_strikes.html", context)


def strikes_card(user) -> MeCard | None:
    """The card on the member's /me/ page (society.hooks.ME_CARDS) while they hold strikes:
    how many, until when, and how much later registration opens for them (one query when
    they hold none)."""
    now = timezone.now()
    if not Strike.objects.active(now).filter(user=user).exists():
        return None
    held = strike_rules.strikes_held(user, at=now)
    minutes = int(held.delay.total_seconds() // 60)
    text = ngettext(
        "You hold %(count)d no-show strike (the last expires on %(expires)s): registration for events "
        "with the no-show policy opens %(minutes)d minutes later for you.",
        "You hold %(count)d no-show strikes (the last expires on %(expires)s): registration for events "
        "with the no-show policy opens %(minutes)d minutes later for you.",
        held.strikes,
    ) % {"count": held.strikes, "expires": formats.when(held.last_expiry, "long_day"), "minutes": minutes}
    return MeCard(_("No-show strikes"), text, reverse("events:my_strikes"), _("See your strikes"), order=20)
