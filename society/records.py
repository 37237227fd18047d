"""A member's participation record: what they attended and did, to show employers.

Each app that knows something worth showing ships a `record` module with

    def sections(user) -> list[RecordSection]: ...

found in INSTALLED_APPS order (society.discovery), so the page in members/
shows events and workshops without importing them. Each must cost a constant
number of queries.
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


@dataclass(frozen=True)
class RecordSection:
    title: str
    entries: list[RecordEntry] = field(default_factory=list)


def collect_record(user) -> list[RecordSection]:
    """Every app's sections about `user`, the empty ones left out."""
    sections = []
    for module in app_modules("record").values():
        sections += [section for section in module.sections(user) if section.entries]
    return sections
