"""Console: an event's draw by lot (the requests so far, running the draw once, its result)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from members.permissions import committee_required

from ... import services
from ...models import LotteryRequest
from .access import get_managed_event


def _lottery_event(slug: str):
    event = get_managed_event(slug)
    if not event.lottery:
        raise Http404("This event's places are not drawn by lot.")
    return event


def draw_rows(event) -> list[dict]:
    """Every request with its person, friend, whether the friend named them back, and after
    the draw its weight, drawn position, seat or number on the drawn waiting list (one query)."""
    requests = list(
        LotteryRequest.objects.filter(event=event, withdrawn_at__isnull=True)
        .select_related("user", "friend")
        .order_by("position", "created_at", "id")
    )
    partners = services.lottery.partner_of(requests)
    rows, waiting = [], 0
    for request in requests:
        number = None
        if request.seated is False and event.waitlist_enabled:
            waiting += 1
            number = waiting
        rows.append(
            {
                "request": request,
                "paired": request.pk in partners,
                "waiting_number": number,
            }
        )
    return rows


@committee_required
def lottery_draw(request, slug: str):
    event = _lottery_event(slug)
    now = timezone.now()
    rows = draw_rows(event)
    context = {
        "event": event,
        "rows": rows,
        "pairs": sum(1 for row in rows if row["paired"]) // 2,
        "closed": services.requests_have_closed(event, now=now),
        "can_draw": services.draw_problem(event, now=now) is None,
        "seed": event.lottery_seed if event.drawn_at else "",
    }
    return render(request, "events/manage/draw.html", context)


@committee_required
def lottery_run(request, slug: str):
    """GET: what running the draw does, and a button; POST: draw (once)."""
    event = _lottery_event(slug)
    problem = services.draw_problem(event, now=timezone.now())
    if problem:
        messages.error(request, problem)
        return redirect("events:manage_draw", slug=slug)
    if request.method == "POST":
        try:
            result = services.draw(event=event, by=request.user)
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return redirect("events:manage_draw", slug=slug)
        seated = sum(unit.people for unit in result.seated)
        messages.success(request, _("Drawn: %(seated)s seated. Everyone is being emailed.") % {"seated": seated})
        return redirect("events:manage_draw", slug=slug)
    count = services.lottery.active_requests(event).count()
    return render(request, "events/manage/draw_run.html", {"event": event, "count": count})
