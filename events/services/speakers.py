"""Speakers: their details and photos, and their place at events."""

import secrets

from django.core.files.base import ContentFile
from django.db import transaction

from members.services import delete_files_on_commit

from ..models import Event, EventSpeaker, Speaker
from .audit import record_action


def save_speaker(*, speaker: Speaker, by, photo: bytes | None = None) -> Speaker:
    """Save a speaker's details (filled in by a form), and a new re-encoded photo if given."""
    with transaction.atomic():
        speaker.save()
        if photo:
            set_speaker_photo(speaker=speaker, photo=photo)
        record_action(actor=by, action="saved speaker", detail=speaker.name)
    return speaker


def set_speaker_photo(*, speaker: Speaker, photo: bytes) -> None:
    """Store a re-encoded speaker photo (events.images) under a new random name."""
    old_file = speaker.photo.name
    speaker.photo.save(f"{secrets.token_hex(16)}-256.jpg", ContentFile(photo), save=False)
    speaker.save(update_fields=["photo", "updated_at"])
    delete_files_on_commit([old_file])


def set_event_speaker(*, event: Event, speaker: Speaker, by, invite_status: str, consent_to_record: bool,
                      consent_to_publish_slides: bool, order: int = 0) -> EventSpeaker:  # fmt: skip
    """Add a speaker to an event, or update where their invitation and consents stand."""
    with transaction.atomic():
        link, _ = EventSpeaker.objects.update_or_create(
            event=event,
            speaker=speaker,
            defaults={
                "invite_status": invite_status,
                "consent_to_record": consent_to_record,
                "consent_to_publish_slides": consent_to_publish_slides,
                "order": order,
            },
        )
        record_action(
            actor=by, event=event, action="speaker", detail=f"{speaker.name}: {link.get_invite_status_display()}"
        )
    return link
