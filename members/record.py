"""What members/ adds to a member's participation record: committee roles held."""

from django.utils.translation import gettext as _

from society.records import RecordEntry, RecordSection

from .models import CommitteeRole


def sections(user, *, limit: int | None = None) -> list[RecordSection]:
    """The committee roles `user` held, newest first (a handful: `limit` cuts the list only)."""
    roles = list(CommitteeRole.objects.filter(user=user).order_by("-starts_on"))
    entries = [RecordEntry(title=role.title, when=role.starts_on, until=role.ends_on) for role in roles[:limit]]
    return [RecordSection(_("Committee roles"), entries, earlier=len(roles) - len(entries))]
