"""Console: the figures of a term (or a whole academic year), beside the same period a year before."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from members.permissions import committee_required
from society.csv import csv_response

from ... import figures
from ...forms import FiguresForm


def _chosen_period(request, *, now):
    """The form, and the figures of the period it asks for and of the same period a year before."""
    form = FiguresForm(request.GET or None, today=timezone.localdate(now))
    period = form.period()
    this = figures.period_figures(period=period, now=now)
    last = figures.period_figures(period=period.a_year_before(), now=now)
    return form, this, last


@committee_required
def term_figures(request):
    now = timezone.now()
    form, this, last = _chosen_period(request, now=now)
    if form.is_bound and not form.is_valid():
        problems = " ".join(
            _("%(field)s: %(error)s") % {"field": form.fields[name].label, "error": error}
            for name, errors in form.errors.items()
            for error in errors
        )
        messages.error(
            request,
            _("%(problems)s Showing %(period)s instead.")
            % {"problems": problems, "period": figures.period_label(this.period)},
        )
    tables = [
        (name, table, table.rows(figures.period_events(period=this.period, now=now), this.period))
        for name, table in figures.contributed_tables().items()
    ]
    context = {
        "form": form,
        "this": this,
        "last": last,
        "this_label": figures.period_label(this.period),
        "last_label": figures.period_label(last.period),
        "comparison": figures.compare(this, last),
        "chart": figures.attendance_chart(this.events),
        "tables": tables,
        "query": f"year={this.period.year}&term={this.period.term}",
    }
    return render(request, "events/manage/figures.html", context)


@committee_required
def figures_csv(request, table: str):
    now = timezone.now()
    if table not in figures.table_names():
        raise Http404(_("No such table."))
    _form, this, last = _chosen_period(request, now=now)
    header, rows = figures.table_rows(table, this=this, last=last, now=now)
    period = this.period
    return csv_response(f"figures-{period.year}-{period.term}-{table}.csv", header, rows)
