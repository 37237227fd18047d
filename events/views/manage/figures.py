"""Console: the term's figures."""

from django.shortcuts import render

from members.permissions import committee_required

from ... import figures


@committee_required
def term_figures(request):
    term = figures.term_figures()
    return render(request, "events/manage/figures.html", {"term": term, "chart": figures.attendance_chart(term.events)})
