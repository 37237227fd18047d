"""A member's participation record: what they attended and did, to show employers.

Each app that knows something worth showing ships a `record` module with

    def sections(user, *, limit: int | None) -> list[RecordSection]: ...

found in INSTALLED_APPS order (society.discovery), so the page in members/
shows events and workshops without importing them. Each must cost a constant
number of queries and, given a `limit`, read at most that many entries a section,
the latest, saying how many earlier ones it left out: the record's page shows the
latest RECORD_LATEST of each section, and the whole record on request (to print).
"""

from dataclasses import dataclass, field
from datetime import date

from .discovery import app_modules


@dataclass(frozen=True)
class RecordEntry:
    title: str
    when: date | None = None
    until: date | None = None
    detail: str = ""
    tags: tuple[str, ...] = ()


RECORD_LATEST = 50  # entries a section of the record shows, unless the whole record is asked for


@dataclass(frozen=True)
class RecordSection:
    title: str
    entries: list[RecordEntry] = field(default_factory=list)
    earlier: int = 0  # entries older than those shown, left out


def collect_record(user, *, whole: bool = False) -> list[RecordSection]:
    """Every app's sections about `user`, the empty ones left out: the latest RECORD_LATEST
    entries of each, or every entry when `whole`."""
    sections = []
    for module in app_modules("record").values():
        found = module.sections(user, limit=None if whole else RECORD_LATEST)
        sections += [section for section in found if section.entries]
    return sections
