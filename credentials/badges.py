"""What a member earned credentials for, and the Open Badges 3.0 credential that says so.

Credentials are written in English, the language employers' wallets and LinkedIn read;
the event's and series' names stay as the society wrote them.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from events.hosts import led_by
from events.models import Event, attended_q
from workshops.completion import completed_series
from workshops.models import WorkshopSeries

from .models import IssuedCredential

CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}


@dataclass(frozen=True)
class Achievement:
    """Something a member did that a credential can state: a session led or a series completed."""

    kind: str  # IssuedCredential.Kind
    event: Event | None
    series: WorkshopSeries | None
    title: str  # the event's title or the series' name
    started_at: datetime
    ended_at: datetime
    count: int  # attendees of the session led, or sessions of the series attended
    of: int = 0  # sessions the series had

    @property
    def ref(self) -> str:
        """Names it in a form: its kind and its event's or series' slug."""
        thing = self.event if self.kind == IssuedCredential.Kind.SESSION_LED else self.series
        return f"{self.kind}:{thing.slug}"

    def matches(self, credential: IssuedCredential) -> bool:
        if self.kind != credential.kind:
            return False
        if self.kind == IssuedCredential.Kind.SESSION_LED:
            return credential.event_id == self.event.pk
        return credential.series_id == self.series.pk


def earned(member) -> list[Achievement]:
    """Everything `member` earned a credential for, the latest first. Two queries."""
    sessions = led_by(member).annotate(attendance=Count("registrations", filter=attended_q("registrations__")))
    found = [
        Achievement(
            IssuedCredential.Kind.SESSION_LED,
            event,
            None,
            event.title,
            event.starts_at,
            event.ends_at,
            event.attendance,
        )
        for event in sessions
    ]
    found += [
        Achievement(
            IssuedCredential.Kind.SERIES_COMPLETED,
            None,
            completion.series,
            completion.series.name,
            completion.ended_at,
            completion.ended_at,
            completion.attended,
            completion.sessions,
        )
        for completion in completed_series(member)
    ]
    return sorted(found, key=lambda achievement: achievement.ended_at, reverse=True)


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(moment: datetime) -> str:
    return f"{moment:%d %B %Y}".lstrip("0")


def document(*, credential_id: str, member_name: str, achievement: Achievement, issued_at: datetime) -> dict:
    """The unsigned OpenBadgeCredential for `achievement` by `member_name`, with the id `credential_id`."""
    site = settings.SITE_URL
    society = settings.SOCIETY_NAME
    if achievement.kind == IssuedCredential.Kind.SESSION_LED:
        event = achievement.event
        name = f"Led “{achievement.title}”"
        description = (
            f"Prepared and led the {event.get_kind_display().lower()} “{achievement.title}” for {society} "
            f"on {_day(achievement.started_at)}: {achievement.count} members attended."
        )
        achievement_json = {
            "id": f"{site}{event.get_absolute_url()}#session-led",
            "type": ["Achievement"],
            "achievementType": "CoCurricular",
            "name": f"Session leader: {achievement.title}",
            "description": f"Leading the session “{achievement.title}” of {society}.",
            "criteria": {
                "narrative": (
                    f"Proposed or was named to host the session, prepared its content and materials, and led it "
                    f"for the members of {society} who came; the society's committee checked the attendees in."
                )
            },
        }
        role = "Session leader"
    else:
        series = achievement.series
        name = f"Completed “{achievement.title}”"
        description = (
            f"Completed the workshop series “{achievement.title}” of {society}, attending {achievement.count} "
            f"of its {achievement.of} sessions; the last ended on {_day(achievement.ended_at)}."
        )
        achievement_json = {
            "id": f"{site}{series.get_absolute_url()}#completed",
            "type": ["Achievement"],
            "achievementType": "CertificateOfCompletion",
            "name": f"Workshop series: {achievement.title}",
            "description": f"Completing the workshop series “{achievement.title}” of {society}.",
            "criteria": {
                "narrative": (
                    f"Attended at least {settings.SERIES_COMPLETED_SHARE}% of the series' sessions, "
                    f"checked in at the door by the society's committee."
                )
            },
        }
        role = "Participant"
    return {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "description": description,
        "issuer": {"id": f"{site}/", "type": ["Profile"], "name": society, "url": f"{site}/"},
        "validFrom": _z(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityHash": member_name, "identityType": "name", "hashed": False}
            ],
            "role": role,
            "activityStartDate": _z(achievement.started_at),
            "activityEndDate": _z(achievement.ended_at),
            "achievement": achievement_json,
        },
        "credentialSchema": [SCHEMA],
    }


def credential_url(credential: IssuedCredential) -> str:
    return settings.SITE_URL + reverse("credentials:credential", kwargs={"credential_id": credential.pk})


def linkedin_url(credential: IssuedCredential) -> str:
    """LinkedIn's "add a licence or certification" form, filled in for `credential`."""
    issued = credential.issued_at
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.title,
        "organizationName": settings.SOCIETY_NAME,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": credential_url(credential),
        "certId": str(credential.pk),
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)
