import json
from datetime import datetime
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.permissions import committee_required

from . import badges, keys, proofs, services
from .forms import VerifyForm
from .models import IssuedCredential, RecordSnapshot
from .pdf import record_pdf
from .snapshots import thaw

# --- Public: the keys, checking a credential, a credential's page, a snapshot -------


def key_document(request):
    """The society's public keys, current and retired, for anyone to verify offline."""
    response = JsonResponse(keys.key_document(), json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def verify(request):
    """Check a pasted or uploaded credential: genuine or not, whose, what it states. Nothing is
    saved, and nothing larger than CREDENTIAL_UPLOAD_MAX_BYTES is read (the page is public, so
    it is not under the per-account upload rate: checking costs one signature check)."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict = statement = None
    if form.is_valid():
        verdict = services.check(form.cleaned_data["credential"])
        if verdict.status != proofs.Status.NOT_A_CREDENTIAL:
            statement = proofs.statement(verdict.credential)
    context = {
        "form": form,
        "verdict": verdict,
        "statement": statement,
        "valid_from": _moment(statement.valid_from) if statement else None,
        "key_document": keys.KEY_DOCUMENT_PATH,
    }
    return render(request, "credentials/verify.html", context)


def _moment(text: str) -> datetime | None:
    """A credential's date-time (`2026-12-03T15:08:37Z`), or None when it is not one."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def credential(request, credential_id):
    """The page a credential's `id` names: whether the society still stands by it."""
    issued = get_object_or_404(IssuedCredential.objects.select_related("member"), pk=credential_id)
    context = {"credential": issued, "statement": proofs.statement(issued.document)}
    status = HTTPStatus.GONE if issued.is_revoked else HTTPStatus.OK
    return render(request, "credentials/credential.html", context, status=status)


def snapshot(request, token: str):
    """A record as it was on a date, for whoever has the address; 410 once withdrawn."""
    shared = get_object_or_404(RecordSnapshot, token=token)
    if shared.is_revoked:
        return render(request, "credentials/snapshot_withdrawn.html", {"snapshot": shared}, status=HTTPStatus.GONE)
    sections = thaw(shared.sections)
    context = {"snapshot": shared, "sections": sections, "address": services.snapshot_url(shared)}
    return render(request, "credentials/snapshot.html", context)


def snapshot_pdf(request, token: str):
    """The snapshot as a PDF with a QR code to its page; 410 once withdrawn."""
    shared = get_object_or_404(RecordSnapshot, token=token)
    if shared.is_revoked:
        return render(request, "credentials/snapshot_withdrawn.html", {"snapshot": shared}, status=HTTPStatus.GONE)
    response = HttpResponse(record_pdf(shared, url=services.snapshot_url(shared)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="record-{shared.taken_at:%Y-%m-%d}.pdf"'
    return response


# --- The member's own: credentials, the PDF, snapshots ----------------------------


@login_required
def mine(request):
    """What the member can show employers: a credential for each session led and series
    completed, the record as a PDF, and the snapshots they shared."""
    achievements = badges.earned(request.user)
    issued = list(IssuedCredential.objects.filter(member=request.user).select_related("event", "series"))
    rows = []
    for achievement in achievements:
        mine = [credential for credential in issued if achievement.matches(credential)]
        current = next((credential for credential in mine if not credential.is_revoked), None)
        rows.append({"achievement": achievement, "credential": current, "revoked": [c for c in mine if c.is_revoked]})
    for row in rows:
        if row["credential"]:
            row["linkedin"] = badges.linkedin_url(row["credential"])
    context = {
        "rows": rows,
        "can_sign": keys.can_sign(),
        "snapshots": RecordSnapshot.objects.filter(member=request.user),
    }
    return render(request, "credentials/mine.html", context)


@login_required
@require_POST
def issue(request):
    try:
        issued = services.issue_earned(member=request.user, ref=request.POST.get("achievement", ""))
    except services.CredentialError:
        messages.error(request, _("There is no such session or series on your record."))
    except ImproperlyConfigured:
        messages.error(request, _("The society cannot sign credentials at the moment. Please tell the committee."))
    else:
        messages.success(request, _("Your credential for “%(title)s” is ready.") % {"title": issued.title})
    return redirect("credentials:mine")


def _own_credential(request, credential_id) -> IssuedCredential:
    return get_object_or_404(IssuedCredential, pk=credential_id, member=request.user)


@login_required
def download(request, credential_id):
    """The signed credential, exactly as issued, as a .json file."""
    issued = _own_credential(request, credential_id)
    body = json.dumps(issued.document, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credential-{issued.pk}.json"'
    return response


@login_required
def revoke(request, credential_id):
    """Ask, then withdraw one of the member's credentials."""
    issued = _own_credential(request, credential_id)
    if issued.is_revoked:
        messages.info(request, _("That credential is already withdrawn."))
        return redirect("credentials:mine")
    if request.method == "POST":
        services.revoke_credential(credential=issued, by=request.user)
        messages.success(request, _("The credential is withdrawn: its page and the check now say so."))
        return redirect("credentials:mine")
    return render(request, "credentials/confirm_revoke.html", {"credential": issued})


@login_required
@require_POST
def take_snapshot(request):
    """A new snapshot of the member's record; with `pdf`, straight to its PDF."""
    shared = services.take_snapshot(member=request.user)
    if request.POST.get("pdf"):
        return redirect("credentials:snapshot_pdf", token=shared.token)
    messages.success(request, _("Your record is saved as it is today, at the address below."))
    return redirect("credentials:mine")


@login_required
def withdraw_snapshot(request, token: str):
    """Ask, then take down one of the member's snapshots."""
    shared = get_object_or_404(RecordSnapshot, token=token, member=request.user)
    if shared.is_revoked:
        messages.info(request, _("That copy is already withdrawn."))
        return redirect("credentials:mine")
    if request.method == "POST":
        services.revoke_snapshot(snapshot=shared)
        messages.success(request, _("The copy is withdrawn: its address now says so."))
        return redirect("credentials:mine")
    return render(request, "credentials/confirm_withdraw.html", {"snapshot": shared})


# --- The committee's console -------------------------------------------------------

CONSOLE_LIST_LENGTH = 100


@committee_required
def manage(request):
    """The credentials issued, newest first (`?q=` a member's name or email, or a title),
    each with a Revoke button: for a mistake or a misuse."""
    query = request.GET.get("q", "").strip()[:100]
    issued = IssuedCredential.objects.select_related("member").order_by("-issued_at", "pk")
    if query:
        issued = issued.filter(
            Q(member__name__icontains=query) | Q(member__email__icontains=query) | Q(title__icontains=query)
        )
    context = {"credentials": issued[:CONSOLE_LIST_LENGTH], "query": query, "length": CONSOLE_LIST_LENGTH}
    return render(request, "credentials/manage.html", context)


@committee_required
def manage_revoke(request, credential_id):
    """Ask, then revoke a member's credential (the member sees it withdrawn)."""
    issued = get_object_or_404(IssuedCredential.objects.select_related("member"), pk=credential_id)
    if issued.is_revoked:
        messages.info(request, _("That credential is already withdrawn."))
        return redirect("credentials:manage")
    if request.method == "POST":
        services.revoke_credential(credential=issued, by=request.user)
        messages.success(request, _("The credential is withdrawn: its page and the check now say so."))
        return redirect("credentials:manage")
    return render(request, "credentials/confirm_revoke.html", {"credential": issued, "back": "credentials:manage"})
