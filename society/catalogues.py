"""The translation catalogues: each app's `locale/<language>/LC_MESSAGES/django.po`.

    python -m society.catalogues compile   # every .po to its .mo (run by make)
    python -m society.catalogues check     # what is missing or broken, per entry

Compiling uses Babel, so a machine with only Python builds the .mo files (no GNU
gettext). `check` is what tests/society/test_catalogues.py asserts empty: an entry
not translated, left fuzzy, or whose translation loses or invents a placeholder
(`%(name)s`, `%s`, `{name}`) would show English or fail when the page renders.
"""

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
APPS = ("society", "members", "events", "workshops", "proposals", "credentials")
LANGUAGES = ("zh_Hans",)

_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[sdifr]|%[#0\- +]*\d*(?:\.\d+)?[sdifr]|\{\w*\}")


def catalogue_files(root: Path = ROOT) -> list[Path]:
    return sorted(
        root / app / "locale" / language / "LC_MESSAGES" / "django.po" for app in APPS for language in LANGUAGES
    )


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def placeholders(text: str) -> list[str]:
    """The placeholders in `text`, sorted (`%%` is a literal percent sign, not one)."""
    return sorted(match.group(0) for match in _PLACEHOLDER.finditer(text.replace("%%", "")))


def problems(path: Path) -> Iterator[str]:
    """Each entry of the catalogue at `path` that would not show a reader its translation."""
    for message in read(path):
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {ids[0]!r}"
        if message.fuzzy:
            yield f"{where} is fuzzy"
        if not all(strings):
            yield f"{where} is not translated"
            continue
        # Plural entries: a translation may drop a count only the plural form showed.
        required = set(placeholders(ids[0])).intersection(*(placeholders(i) for i in ids))
        allowed = set().union(*(placeholders(i) for i in ids))
        for string in strings:
            found = set(placeholders(string))
            if found - allowed or required - found:
                yield f"{where}: the translation has placeholders {sorted(found)}, not {sorted(allowed)}"


def compile_catalogue(path: Path) -> Path:
    target = path.with_suffix(".mo")
    catalogue = read(path)
    with target.open("wb") as file:
        write_mo(file, catalogue, use_fuzzy=False)
    return target


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "compile"
    files = [path for path in catalogue_files() if path.exists()]
    if command == "compile":
        for path in files:
            compile_catalogue(path)
        return 0
    if command == "check":
        found = [problem for path in files for problem in problems(path)]
        print("\n".join(found) or f"{len(files)} catalogues, nothing missing")
        return 1 if found else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
