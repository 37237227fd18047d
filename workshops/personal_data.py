"""What workshops/ holds about a person (see society.privacy): study groups and
written workshop feedback (stored on events.EventRating)."""

from events.models import EventRating

from .models import StudyGroup, StudyGroupMembership


def export(user) -> dict:
    memberships = StudyGroupMembership.objects.filter(user=user).select_related("group")
    feedback = EventRating.objects.filter(registration__user=user).select_related("registration__event")
    return {
        "study_groups": [
            {"group": membership.group.name, "joined": membership.created_at.isoformat()} for membership in memberships
        ],
        "study_groups_organised": list(StudyGroup.objects.filter(organiser=user).values_list("name", flat=True)),
        "workshop_feedback": [
            {
                "event": rating.registration.event.title,
                "score": rating.score,
                "what_worked": rating.what_worked,
                "what_to_improve": rating.what_to_improve,
            }
            for rating in feedback
            if rating.what_worked or rating.what_to_improve
        ],
    }


def forget(user) -> None:
    """An anonymised account leaves its study groups (its places free up)."""
    StudyGroupMembership.objects.filter(user=user).delete()
