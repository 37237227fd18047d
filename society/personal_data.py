"""What society/ holds about a person: the emails written to them, and which
kinds they turned off (for their copy of their data, see society.privacy)."""

from .emails import render_for_delivery
from .models import EmailOptOut, OutboundEmail


def export(user) -> dict:
    emails = list(OutboundEmail.objects.filter(user=user).select_related("user").order_by("created_at", "pk"))
    # Emails not sent yet are kept as a template and a context: their subject is
    # rendered here, as it will be sent (nothing is saved).
    render_for_delivery([email for email in emails if not email.subject])
    return {
        "emails": [
            {
                "subject": email.headline,  # its template's name, should it not render
                "kind": email.kind,
                "to": email.to_email,
                "state": email.state,
                "queued": email.created_at.isoformat(),
                "sent": email.sent_at.isoformat() if email.sent_at else None,
            }
            for email in emails
        ],
        "emails_turned_off": sorted(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True)),
    }
