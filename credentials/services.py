"""The rules of credentials and record snapshots: views, the admin, the demo and commands
all come here."""

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation

from members.models import Profile
from society import hooks
from society.records import collect_record

from . import badges, keys, proofs
from .models import IssuedCredential, RecordSnapshot
from .snapshots import freeze


class CredentialError(Exception):
    """A request the rules refuse; the message says why, for the member."""


def issue_credential(*, member, achievement: badges.Achievement, now: datetime | None = None) -> IssuedCredential:
    """The credential for `achievement` (something `member` earned: badges.earned): the one
    already issued and not revoked, or a new one signed now. KeyMissing without a key."""
    now = now or timezone.now()
    signing_key = keys.signing_key()
    with transaction.atomic():
        # One member's credentials are issued one at a time: no two for the same achievement.
        get_user_model().objects.select_for_update().filter(pk=member.pk).first()
        issued = IssuedCredential.objects.filter(
            member=member, kind=achievement.kind, event=achievement.event, series=achievement.series, revoked_at=None
        ).first()
        if issued is not None:
            return issued
        credential = IssuedCredential(
            id=uuid.uuid4(),
            member=member,
            kind=achievement.kind,
            event=achievement.event,
            series=achievement.series,
            issued_at=now,
        )
        unsigned = badges.document(
            credential_id=badges.credential_url(credential),
            member_name=member.display_name,
            achievement=achievement,
            issued_at=now,
        )
        credential.title = unsigned["name"]
        credential.document = proofs.sign(
            unsigned,
            private_key=signing_key,
            verification_method=keys.key_id(keys.public_multibase(signing_key.public_key())),
            created=now,
        )
        credential.save()
    return credential


def issue_earned(*, member, ref: str, now: datetime | None = None) -> IssuedCredential:
    """The credential for the achievement `ref` (badges.Achievement.ref) of `member`;
    CredentialError when they did not earn it."""
    for achievement in badges.earned(member):
        if achievement.ref == ref:
            return issue_credential(member=member, achievement=achievement, now=now)
    raise CredentialError("There is no such session or series on your record.")


def revoke_credential(*, credential: IssuedCredential, by, now: datetime | None = None) -> IssuedCredential:
    """Withdraw `credential`: the site's check reports it as revoked from now on (its
    signature still holds offline, which is why the check asks the site too)."""
    with transaction.atomic():
        credential = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
        if credential.revoked_at is None:
            credential.revoked_at = now or timezone.now()
            credential.revoked_by = by
            credential.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
            if by is not None and by.pk != credential.member_id:
                hooks.log_action(
                    actor=by, action="revoked credential", detail=f"{credential.title} ({credential.member})"
                )
    return credential


def check(credential: str | bytes | dict) -> proofs.Verdict:
    """The site's verdict on a credential: its signature against the keys the site
    publishes, and then whether the society revoked it. Reads at most one row."""
    verdict = proofs.verify(credential, keys.published_keys())
    if verdict.genuine and _revoked(verdict.credential.get("id")):
        return proofs.Verdict(proofs.Status.REVOKED, verdict.credential, verdict.key_id)
    return verdict


def _revoked(credential_url) -> bool:
    """Whether `credential_url` is the address of a credential of this site's that was revoked."""
    site = settings.SITE_URL
    if not isinstance(credential_url, str) or not credential_url.startswith(site + "/"):
        return False
    try:
        match = resolve(credential_url[len(site) :])
    except Resolver404:
        return False
    if match.view_name != "credentials:credential":
        return False
    return IssuedCredential.objects.filter(pk=match.kwargs["credential_id"], revoked_at__isnull=False).exists()


def take_snapshot(*, member, now: datetime | None = None) -> RecordSnapshot:
    """Freeze `member`'s whole participation record as it is now, in the language of the
    page, at a new unguessable address."""
    profile = Profile.objects.filter(user=member).first()
    return RecordSnapshot.objects.create(
        member=member,
        name=member.display_name,
        course=profile.course if profile else "",
        sections=freeze(collect_record(member, whole=True)),
        language=translation.get_language() or "",
        taken_at=now or timezone.now(),
    )


def revoke_snapshot(*, snapshot: RecordSnapshot, now: datetime | None = None) -> RecordSnapshot:
    """Take a snapshot down: its address answers that it was withdrawn."""
    if snapshot.revoked_at is None:
        snapshot.revoked_at = now or timezone.now()
        snapshot.save(update_fields=["revoked_at", "updated_at"])
    return snapshot


def snapshot_url(snapshot: RecordSnapshot) -> str:
    return settings.SITE_URL + reverse("credentials:snapshot", kwargs={"token": snapshot.token})
