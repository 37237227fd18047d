"""The committee's review of proposals: the queue, one proposal with everything (internal
notes and votes too), and the actions, each a POST that goes through proposals.services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.markdown import render_markdown
from members.permissions import committee_required

from . import services
from .forms import CommentForm, MessageForm, QueueFilterForm, ScheduleForm, VoteForm
from .models import Proposal

PROPOSALS_PER_PAGE = 25


@committee_required
def queue(request):
    """Proposals waiting for the committee first (or those in the state asked for), with
    counts per state and each proposal's votes."""
    form = QueueFilterForm(request.GET)
    if request.GET.get("state") and not form.is_valid():
        messages.error(request, _("There is no such state: showing the proposals waiting for the committee."))
    state = form.state_chosen()
    proposals = services.with_review_figures(Proposal.objects.select_related("proposer", "event"))
    if state:
        proposals = proposals.filter(state=state).order_by("-state_changed_at", "-id")
    else:
        proposals = proposals.filter(state__in=services.UNDECIDED).order_by("state_changed_at", "id")
    counts = dict(Proposal.objects.values_list("state").annotate(n=Count("id")).order_by())
    context = {
        "form": form,
        "state": state,
        "page": Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page")),
        "counts": [(value, label, counts.get(value, 0)) for value, label in Proposal.State.choices],
    }
    return render(request, "proposals/manage/queue.html", context)


def _review(request, proposal: Proposal, **forms):
    """The review page of `proposal`, with `forms` (bound, with errors) in place of empty ones
    (shown with 200, as the site's other forms are, so a browser shows the errors as a page)."""
    now = timezone.now()
    own_vote = proposal.votes.filter(voter=request.user).first()
    vote_initial = {"score": own_vote.score, "note": own_vote.note} if own_vote else None
    context = {
        "proposal": proposal,
        "abstract": render_markdown(proposal.abstract),
        "co_hosts": proposal.co_hosts.select_related("user"),
        "history": proposal.messages.select_related("author").order_by("created_at", "id"),
        "votes": proposal.votes.select_related("voter").order_by("created_at", "id"),
        "figures": services.with_review_figures(Proposal.objects.filter(pk=proposal.pk)).get(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "vote_form": forms.get("vote_form") or VoteForm(initial=vote_initial),
        "changes_form": forms.get("changes_form") or MessageForm(prefix="changes"),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(prefix="schedule", now=now),
    }
    return render(request, "proposals/manage/proposal.html", context)


def _proposal(proposal_id: int) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("proposer", "event", "series"), pk=proposal_id)


@committee_required
def review(request, proposal_id: int):
    return _review(request, _proposal(proposal_id))


def _done(request, proposal: Proposal, text: str):
    messages.success(request, text)
    return redirect("proposals:review", proposal_id=proposal.pk)


def _refused(request, proposal: Proposal, error: services.ProposalError):
    messages.error(request, str(error))
    return redirect("proposals:review", proposal_id=proposal.pk)


@committee_required
@require_POST
def comment(request, proposal_id: int):
    proposal = _proposal(proposal_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _review(request, proposal, comment_form=form)
    internal = form.cleaned_data["internal"]
    try:
        services.add_message(proposal=proposal, by=request.user, body=form.cleaned_data["body"], internal=internal)
    except services.ProposalError as error:
        return _refused(request, proposal, error)
    return _done(request, proposal, _("Note saved.") if internal else _("Sent to the proposer."))


@committee_required
@require_POST
def vote(request, proposal_id: int):
    proposal = _proposal(proposal_id)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _review(request, proposal, vote_form=form)
    try:
        services.vote(
            proposal=proposal, by=request.user, score=form.cleaned_data["score"], note=form.cleaned_data["note"]
        )
    except services.ProposalError as error:
        return _refused(request, proposal, error)
    return _done(request, proposal, _("Your vote is saved."))


@committee_required
@require_POST
def request_changes(request, proposal_id: int):
    proposal = _proposal(proposal_id)
    form = MessageForm(request.POST, prefix="changes")
    if not form.is_valid():
        return _review(request, proposal, changes_form=form)
    try:
        services.request_changes(proposal=proposal, by=request.user, message=form.cleaned_data["body"])
    except services.ProposalError as error:
        return _refused(request, proposal, error)
    return _done(request, proposal, _("Changes requested: the proposer has your message."))


@committee_required
@require_POST
def accept(request, proposal_id: int):
    proposal = _proposal(proposal_id)
    try:
        services.accept(proposal=proposal, by=request.user)
    except services.ProposalError as error:
        return _refused(request, proposal, error)
    return _done(request, proposal, _("Accepted. Schedule it when you have a date."))


@committee_required
@require_POST
def schedule(request, proposal_id: int):
    proposal = _proposal(proposal_id)
    form = ScheduleForm(request.POST, prefix="schedule", now=timezone.now())
    if not form.is_valid():
        return _review(request, proposal, schedule_form=form)
    data = form.cleaned_data
    try:
        event = services.schedule(
            proposal=proposal,
            by=request.user,
            day=data["day"],
            at=data["at"],
            room=data["room"],
            series=data["series"],
            message=data["message"],
        )
    except services.ProposalError as error:
        return _refused(request, proposal, error)
    messages.success(
        request,
        _("Scheduled: “%(title)s” is a draft event, hosted by its proposer. Publish it when it is ready.")
        % {"title": event.title},
    )
    return redirect("events:manage_event", slug=event.slug)


@committee_required
def decline(request, proposal_id: int):
    """A confirmation page first: declining is final, and the proposer reads the message."""
    proposal = _proposal(proposal_id)
    form = MessageForm(request.POST or None, prefix="decline")
    if form.is_valid():
        try:
            services.decline(proposal=proposal, by=request.user, message=form.cleaned_data["body"])
        except services.ProposalError as error:
            return _refused(request, proposal, error)
        return _done(request, proposal, _("Declined: the proposer has your message."))
    context = {"proposal": proposal, "form": form}
    return render(request, "proposals/manage/decline.html", context)
