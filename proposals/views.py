"""Members' pages: propose a session, follow one's proposals, answer a co-host invitation.
The committee's review is in console.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import hosts
from events.markdown import render_markdown

from . import services
from .forms import ProposalForm
from .models import CoHost, Message, Proposal


def proposal_for(user, proposal_id: int) -> Proposal:
    """A proposal its proposer or one of its co-hosts may read; 404 for everyone else,
    who need not know it exists."""
    involved = Q(proposer=user) | Q(Exists(CoHost.objects.filter(proposal=OuterRef("pk"), user=user)))
    return get_object_or_404(Proposal.objects.select_related("proposer", "event", "series"), involved, pk=proposal_id)


def _co_hosts_of(proposal: Proposal):
    return proposal.co_hosts.select_related("user").order_by("created_at", "id")


@login_required
def propose(request):
    form = ProposalForm(request.POST or None, proposer=request.user)
    if form.is_valid():
        try:
            proposal = services.submit_proposal(
                proposal=form.save(commit=False), proposer=request.user, co_hosts=form.cleaned_data["co_hosts"]
            )
        except services.ProposalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you! The committee has your proposal and will answer by email."))
            return redirect(proposal.get_absolute_url())
    return render(request, "proposals/propose.html", {"form": form})


@login_required
def my_proposals(request):
    """The member's proposals, and the invitations to co-host someone else's."""
    mine = Proposal.objects.filter(proposer=request.user).select_related("event")
    invitations = (
        CoHost.objects.filter(user=request.user)
        .exclude(proposal__proposer=request.user)
        .select_related("proposal__proposer")
        .order_by("-created_at", "-id")
    )
    context = {"proposals": mine.order_by("-created_at", "-id"), "invitations": invitations}
    return render(request, "proposals/my_proposals.html", context)


@login_required
def proposal_detail(request, proposal_id: int):
    proposal = proposal_for(request.user, proposal_id)
    visible = Message.objects.filter(proposal=proposal, internal=False).select_related("author")
    context = {
        "proposal": proposal,
        "abstract": render_markdown(proposal.abstract),
        "is_proposer": proposal.proposer_id == request.user.pk,
        "co_hosts": _co_hosts_of(proposal),
        "history": visible.order_by("created_at", "id"),
        # Once scheduled, its hosts run the event from the console (events.hosts).
        "runs_event": proposal.event is not None and hosts.may_run(request.user, proposal.event),
    }
    return render(request, "proposals/proposal_detail.html", context)


@login_required
def proposal_edit(request, proposal_id: int):
    proposal = proposal_for(request.user, proposal_id)
    if proposal.proposer_id != request.user.pk:
        raise Http404  # a co-host reads it; only the proposer changes it
    if not proposal.editable:
        messages.error(
            request,
            _("This proposal is %(state)s: it can no longer be changed here, and its event stays as it is.")
            % {"state": proposal.get_state_display().lower()},
        )
        return redirect(proposal.get_absolute_url())
    form = ProposalForm(request.POST or None, instance=proposal, proposer=request.user)
    if form.is_valid():
        try:
            services.edit_proposal(
                proposal=form.save(commit=False), by=request.user, co_hosts=form.cleaned_data["co_hosts"]
            )
        except services.ProposalError as error:
            messages.error(request, str(error))
            return redirect(proposal.get_absolute_url())
        messages.success(request, _("Saved. The committee sees your changes."))
        return redirect(proposal.get_absolute_url())
    context = {"form": form, "proposal": proposal}
    return render(request, "proposals/proposal_edit.html", context)


@login_required
@require_POST
def answer_invitation(request, co_host_id: int):
    co_host = get_object_or_404(CoHost.objects.select_related("proposal"), pk=co_host_id, user=request.user)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, _("Choose to accept or to decline: nothing was changed."))
        return redirect("proposals:my_proposals")
    try:
        services.answer_invitation(co_host=co_host, user=request.user, accept=answer == "accept")
    except services.ProposalError as error:
        messages.error(request, str(error))
        return redirect("proposals:my_proposals")
    title = co_host.proposal.title
    if answer == "accept":
        messages.success(request, _("You co-host “%(title)s”. Thank you!") % {"title": title})
    else:
        messages.success(request, _("You declined to co-host “%(title)s”.") % {"title": title})
    return redirect("proposals:my_proposals")
