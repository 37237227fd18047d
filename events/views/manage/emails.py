"""Console: the outbox as the committee sees it. Counts of the last 30 days, the
failed emails with their error and a retry button (society.outbox.retry_email),
and the text of an email, except account emails (verification, password reset,
email change), whose links would let whoever reads them into someone's account:
their text is not kept once sent, and they are not sent again. An email not sent
yet is rendered when it is sent: its page shows a preview rendered now."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.permissions import committee_required
from society import outbox
from society.emails import render_for_delivery
from society.models import EmailKind, OutboundEmail

FAILED_PER_PAGE = 25
COUNTS_DAYS = 30
State = OutboundEmail.State
# What the pages show of an email whose body they do not show.
WITHOUT_BODY = ["context", "body_text", "body_html", "headers", "attachments"]


def email_counts(*, since) -> dict:
    """Emails created since `since`, by kind and state, with totals (one query)."""
    rows = (
        OutboundEmail.objects.filter(created_at__gte=since)
        .values_list("kind", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    cells = {(kind, state): n for kind, state, n in rows}
    kinds = [
        {
            "label": label,
            "cells": [cells.get((kind, state), 0) for state in State.values],
            "total": sum(cells.get((kind, state), 0) for state in State.values),
        }
        for kind, label in EmailKind.choices
        if any(cells.get((kind, state)) for state in State.values)
    ]
    totals = [sum(cells.get((kind, state), 0) for kind in EmailKind.values) for state in State.values]
    return {"states": State.labels, "kinds": kinds, "totals": totals, "total": sum(totals)}


@committee_required
def emails(request):
    since = timezone.now() - timedelta(days=COUNTS_DAYS)
    failed = (
        OutboundEmail.objects.filter(state=State.FAILED)
        .select_related("user")
        .defer(*WITHOUT_BODY)
        .order_by("-updated_at", "-id")
    )
    page = Paginator(failed, FAILED_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "counts": email_counts(since=since),
        "days": COUNTS_DAYS,
        "page": page,
        "account": EmailKind.ACCOUNT,
        "retention_days": settings.OUTBOX_RETENTION_DAYS,
    }
    return render(request, "events/manage/emails.html", context)


@committee_required
def email_detail(request, email_id: int):
    """One email: its delivery, and its text unless it is an account email."""
    email = get_object_or_404(OutboundEmail.objects.select_related("user").defer(*WITHOUT_BODY), pk=email_id)
    body, preview = "", None
    if email.keeps_body:
        body, email.context = OutboundEmail.objects.values_list("body_text", "context").get(pk=email.pk)
        if not body and email.template:
            preview = preview_of(email)
    context = {
        "email": email,
        "body": body,
        "preview": preview,
        "body_not_kept": outbox.ACCOUNT_BODY_NOT_KEPT,
        "not_retried": outbox.ACCOUNT_EMAIL_NOT_RETRIED,
    }
    return render(request, "events/manage/email.html", context)


def preview_of(email: OutboundEmail) -> dict:
    """An email not rendered yet (it is rendered when it is sent), rendered now from
    what was queued, for the committee to read; or why it cannot be."""
    problems = render_for_delivery([email])
    if email.pk in problems:
        problem = problems[email.pk]
        return {"error": _("It cannot be rendered: %(problem)s") % {"problem": f"{type(problem).__name__}: {problem}"}}
    return {"subject": email.subject, "text": email.body_text}


@committee_required
@require_POST
def email_retry(request, email_id: int):
    """Retry one failed email; back to the page of the list it was on."""
    email = get_object_or_404(OutboundEmail.objects.only("id", "to_email"), pk=email_id)
    try:
        outbox.retry_email(email_id=email.pk)
    except outbox.RetryRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The email to %(email)s is queued again.") % {"email": email.to_email})
    page = request.POST.get("page", "")
    return redirect(reverse("events:manage_emails") + (f"?page={page}" if page.isdigit() else ""))
