"""After a talk: the committee reads the feedback, chooses what to pass on, and
sends each speaker a digest of it (through the outbox, once per speaker: the
speaker's EventSpeaker row records when, whatever becomes of the email)."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from society.emails import queue_email
from society.models import EmailKind

from .models import Event, EventRating, EventSpeaker
from .services import record_action


class DigestError(Exception):
    """Why a digest cannot be sent; the message is for the committee member."""


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None
    shared: list[EventRating]


def digest_key(link: EventSpeaker) -> str:
    return f"speaker-digest:{link.event_id}:{link.speaker_id}"


def feedback_summary(event: Event) -> FeedbackSummary:
    ratings = EventRating.objects.filter(registration__event=event)
    totals = ratings.aggregate(count=Count("id"), average=Avg("score"))
    shared = list(ratings.filter(shared_with_speakers=True).order_by("created_at", "id"))
    return FeedbackSummary(count=totals["count"], average=totals["average"], shared=shared)


def share_with_speakers(*, event: Event, rating_ids: set[int], by) -> int:
    """Pass on exactly these ratings of `event` (the others are kept back). Returns how many."""
    with transaction.atomic():
        ratings = EventRating.objects.filter(registration__event=event)
        ratings.update(shared_with_speakers=False)
        shared = ratings.filter(pk__in=rating_ids).update(shared_with_speakers=True)
        record_action(actor=by, event=event, action="chose feedback for the speakers", detail=f"{shared} answers")
    return shared


def send_speaker_digest(*, link: EventSpeaker, by, now=None) -> None:
    """Email the speaker the event's figures and the answers the committee chose.
    Once per speaker and event: a second send is refused, not repeated."""
    event, speaker = link.event, link.speaker
    now = now or timezone.now()
    if event.ends_at > now:
        raise DigestError(_("The event has not ended yet: there is no feedback to send."))
    if not speaker.email:
        raise DigestError(
            _("There is no email address for %(name)s: add one on the speaker's page first.") % {"name": speaker.name}
        )
    summary = feedback_summary(event)
    with transaction.atomic():
        # Locked: two committee members pressing "send" at once send one digest.
        locked = EventSpeaker.objects.select_for_update().get(pk=link.pk)
        if locked.digest_sent_at:
            raise DigestError(_("%(name)s has already been sent the digest for this event.") % {"name": speaker.name})
        queue_email(
            key=digest_key(link),
            to=speaker.email,
            template="emails/speaker_digest",
            context=digest_context(event=event, speaker_name=speaker.name, summary=summary),
            kind=EmailKind.SPEAKER,
        )
        locked.digest_sent_at = link.digest_sent_at = now
        locked.save(update_fields=["digest_sent_at", "updated_at"])
        record_action(actor=by, event=event, action="sent the feedback digest", detail=speaker.name)


def digest_context(*, event: Event, speaker_name: str, summary: FeedbackSummary) -> dict:
    """What the digest says (plain data, for the outbox)."""
    shared = [
        {
            "score": rating.score,
            "what_worked": rating.what_worked,
            "what_to_improve": rating.what_to_improve,
            "comment": rating.comment,
        }
        for rating in summary.shared
    ]
    return {
        "event": {"title": event.title, "starts_at": event.starts_at},
        "speaker": {"name": speaker_name},
        "summary": {"count": summary.count, "average": summary.average, "shared": shared},
    }


def digests_sent(event: Event) -> set[int]:
    """Ids of the event's speakers who were sent their digest."""
    sent = EventSpeaker.objects.filter(event=event, digest_sent_at__isnull=False)
    return set(sent.values_list("speaker_id", flat=True))
