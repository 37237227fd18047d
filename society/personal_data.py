"""What society/ holds about a person: the emails written to them, and which
kinds they turned off (for their copy of their data, see society.privacy)."""

from .models import EmailOptOut, OutboundEmail


def export(user) -> dict:
    return {
        "emails": [
            {
                "subject": email.subject,
                "kind": email.kind,
                "to": email.to_email,
                "state": email.state,
                "queued": email.created_at.isoformat(),
                "sent": email.sent_at.isoformat() if email.sent_at else None,
            }
            for email in OutboundEmail.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "emails_turned_off": sorted(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True)),
    }
