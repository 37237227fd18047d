"""What members/ adds to a member's participation record: committee roles held."""

from society.records import RecordEntry, RecordSection

from .models import CommitteeRole


def sections(user) -> list[RecordSection]:
    roles = CommitteeRole.objects.filter(user=user).order_by("-starts_on")
    return [
        RecordSection(
            "Committee roles",
            [RecordEntry(title=role.title, when=role.starts_on, until=role.ends_on) for role in roles],
        )
    ]
