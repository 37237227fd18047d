"""What the console's event form saves besides the event's own fields: new topics typed
by name, a banner, speakers picked or added. create_event and update_event apply them
inside their transaction, so an event is saved with all of them or none."""

import secrets
from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from members.services import delete_files_on_commit, topics_named

from ..models import Event, EventSpeaker, Speaker
from .speakers import save_speaker, set_event_speaker


@dataclass
class EventExtras:
    new_topic_names: list[str] = field(default_factory=list)  # created unless a topic of that slug exists
    banner: dict[int, bytes] | None = None  # renditions from events.images.render_banner
    speakers: list[Speaker] = field(default_factory=list)  # existing speakers to add (invited)
    new_speaker: Speaker | None = None  # unsaved; saved, then added (invited)
    new_speaker_photo: bytes | None = None  # from events.images.render_speaker_photo


def apply_extras(*, event: Event, extras: EventExtras, by) -> None:
    """Save `extras` on a saved event; call inside the transaction that saved it."""
    if extras.new_topic_names:
        event.topics.add(*topics_named(extras.new_topic_names, by=by))
    if extras.banner:
        set_banner(event=event, renditions=extras.banner)
    speakers = list(extras.speakers)
    if extras.new_speaker is not None:
        speakers.append(save_speaker(speaker=extras.new_speaker, by=by, photo=extras.new_speaker_photo))
    linked = set(EventSpeaker.objects.filter(event=event).values_list("speaker_id", flat=True))
    for order, speaker in enumerate(speakers, start=len(linked)):
        if speaker.pk not in linked:
            set_event_speaker(
                event=event, speaker=speaker, by=by, invite_status=EventSpeaker.InviteStatus.INVITED,
                consent_to_record=False, consent_to_publish_slides=False, order=order,
            )  # fmt: skip


def set_banner(*, event: Event, renditions: dict[int, bytes]) -> None:
    """Store re-encoded banner renditions (events.images) under new random names."""
    old_files = [event.banner.name, event.banner_small.name]
    token = secrets.token_hex(16)
    event.banner.save(f"{token}-1200.jpg", ContentFile(renditions[1200]), save=False)
    event.banner_small.save(f"{token}-600.jpg", ContentFile(renditions[600]), save=False)
    event.save(update_fields=["banner", "banner_small", "updated_at"])
    delete_files_on_commit(old_files)
