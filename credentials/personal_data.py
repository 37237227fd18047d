"""What credentials/ holds about a person, for their copy of their data (see society.privacy),
and what goes when their account is anonymised."""

from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import IssuedCredential, RecordSnapshot


def export(user) -> dict:
    return {
        "credentials": [
            {
                "id": str(credential.pk),
                "kind": credential.kind,
                "title": credential.title,
                "issued": credential.issued_at.isoformat(),
                "revoked": credential.revoked_at.isoformat() if credential.revoked_at else None,
                "credential": credential.document,
            }
            for credential in IssuedCredential.objects.filter(member=user).order_by("issued_at", "pk")
        ],
        "record_snapshots": [
            {
                "taken": snapshot.taken_at.isoformat(),
                "address": snapshot.get_absolute_url(),
                "withdrawn": snapshot.revoked_at.isoformat() if snapshot.revoked_at else None,
            }
            for snapshot in RecordSnapshot.objects.filter(member=user).order_by("taken_at", "pk")
        ],
    }


def forget(user) -> None:
    """Every credential and snapshot is withdrawn and emptied of what said who they were:
    their addresses answer "withdrawn" rather than show a name that is gone."""
    now = timezone.now()
    revoked = Coalesce("revoked_at", now)
    IssuedCredential.objects.filter(member=user).update(revoked_at=revoked, title="", document={}, updated_at=now)
    RecordSnapshot.objects.filter(member=user).update(
        revoked_at=revoked, name="", course="", sections=[], updated_at=now
    )
