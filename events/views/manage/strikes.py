"""Console: the no-show strikes, contested ones first; waiving or keeping one."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from members.permissions import committee_required

from ... import services
from ...forms import DecideStrikeForm
from ...models import Strike

STRIKES_PER_PAGE = 25


def _strikes_to_show(now):
    """Contested and undecided first (oldest contest first), then the others still counting."""
    waiting = Q(contested_at__isnull=False, decided_at__isnull=True)
    counting = Q(given_at__lte=now, expires_at__gt=now) & ~Q(decision=Strike.Decision.WAIVED)
    return (
        Strike.objects.filter(waiting | counting)
        .annotate(queue=Case(When(waiting, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .select_related("user", "registration__event", "decided_by")
        .order_by("queue", "contested_at", "-given_at", "-id")
    )


@committee_required
def strikes(request):
    page = Paginator(_strikes_to_show(timezone.now()), STRIKES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "events/manage/strikes.html", {"page": page})


@committee_required
def strike_decide(request, strike_id: int):
    strike = get_object_or_404(Strike.objects.select_related("user", "registration__event", "decided_by"), pk=strike_id)
    form = DecideStrikeForm(request.POST or None)
    if form.is_valid():
        try:
            services.decide_strike(strike=strike, by=request.user, waive=form.waive, reason=form.cleaned_data["reason"])
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return redirect("events:manage_strike", strike_id=strike.pk)
        if form.waive:
            message = _("The strike is waived; %(name)s is told by email.")
        else:
            message = _("The strike is kept; %(name)s is told by email.")
        messages.success(request, message % {"name": strike.user.display_name})
        return redirect("events:manage_strikes")
    status = 400 if request.method == "POST" else 200
    context = {"strike": strike, "event": strike.registration.event, "form": form}
    return render(request, "events/manage/strike.html", context, status=status)
