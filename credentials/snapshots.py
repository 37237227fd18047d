"""A participation record as plain JSON, to freeze in a RecordSnapshot and read back."""

from datetime import date

from society.records import RecordEntry, RecordSection


def freeze(sections: list[RecordSection]) -> list[dict]:
    return [
        {
            "title": str(section.title),
            "earlier": section.earlier,
            "entries": [
                {
                    "title": entry.title,
                    "when": entry.when.isoformat() if entry.when else None,
                    "until": entry.until.isoformat() if entry.until else None,
                    "detail": str(entry.detail),
                    "tags": list(entry.tags),
                }
                for entry in section.entries
            ],
        }
        for section in sections
    ]


def thaw(frozen: list[dict]) -> list[RecordSection]:
    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    return [
        RecordSection(
            section["title"],
            [
                RecordEntry(
                    title=entry["title"],
                    when=day(entry["when"]),
                    until=day(entry["until"]),
                    detail=entry["detail"],
                    tags=tuple(entry["tags"]),
                )
                for entry in section["entries"]
            ],
            earlier=section["earlier"],
        )
        for section in frozen
    ]
