"""The translation catalogues are complete: every string of the code and templates is in
its app's zh_Hans catalogue, translated, not fuzzy, with the same placeholders; and
the checker itself catches a broken catalogue."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from society import catalogues

ROOT = catalogues.ROOT
HEADER = """msgid ""
msgstr ""
"Language: zh_Hans\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

"""


def write_po(tmp_path: Path, entries: str) -> Path:
    path = tmp_path / "django.po"
    path.write_text(HEADER + entries, encoding="utf-8")
    return path


def test_every_catalogue_exists_and_is_complete():
    files = catalogues.catalogue_files()
    assert [path.relative_to(ROOT).parts[0] for path in files] == sorted(catalogues.APPS)
    assert all(path.exists() for path in files)
    assert [problem for path in files for problem in catalogues.problems(path)] == []


def test_a_translation_that_loses_a_placeholder_is_caught(tmp_path):
    path = write_po(
        tmp_path,
        '#, python-format\nmsgid "%(title)s is full."\nmsgstr "已满。"\n\n'
        '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "你好 %(nme)s"\n\n'
        '#, python-format\nmsgid "%(count)s left"\nmsgstr "还剩 %(count)s 个"\n',
    )

    assert list(catalogues.problems(path)) == [
        f"{path}: '%(title)s is full.': the translation has placeholders [], not ['%(title)s']",
        f"{path}: 'Hello %(name)s': the translation has placeholders ['%(nme)s'], not ['%(name)s']",
    ]


def test_an_untranslated_or_fuzzy_entry_is_caught(tmp_path):
    path = write_po(
        tmp_path,
        'msgid "Register"\nmsgstr ""\n\n#, fuzzy\nmsgid "Cancel"\nmsgstr "取消"\n\n'
        'msgid "one seat"\nmsgid_plural "%(count)s seats"\nmsgstr[0] ""\n',
    )

    assert list(catalogues.problems(path)) == [
        f"{path}: 'Register' is not translated",
        f"{path}: 'Cancel' is fuzzy",
        f"{path}: 'one seat' is not translated",
    ]


def test_a_plural_translation_may_drop_only_a_count_the_singular_did_not_show(tmp_path):
    path = write_po(
        tmp_path,
        '#, python-format\nmsgid "one seat left at %(event)s"\nmsgid_plural "%(count)s seats left at %(event)s"\n'
        'msgstr[0] "%(event)s 还剩 %(count)s 个名额"\n\n'
        '#, python-format\nmsgid "one seat at %(event)s"\nmsgid_plural "%(count)s seats at %(event)s"\n'
        'msgstr[0] "%(count)s 个名额"\n',
    )

    assert list(catalogues.problems(path)) == [
        f"{path}: 'one seat at %(event)s': the translation has placeholders ['%(count)s'], "
        "not ['%(count)s', '%(event)s']"
    ]


def test_compiling_needs_only_python_and_gives_django_its_translations(tmp_path):
    path = write_po(tmp_path, 'msgid "Register"\nmsgstr "报名"\n')
    compiled = catalogues.compile_catalogue(path)

    import gettext

    with compiled.open("rb") as file:
        assert gettext.GNUTranslations(file).gettext("Register") == "报名"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_the_catalogues_hold_every_string_of_the_code_and_templates(tmp_path):
    """`make messages` run into a copy of the project finds no string the catalogues lack."""
    copy = tmp_path / "society"
    ignored = shutil.ignore_patterns(".venv", ".git", "var", "node_modules", "tests", "bench", "docs", "*.mo")
    shutil.copytree(ROOT, copy, ignore=ignored, symlinks=True)
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "society.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-obsolete", "--ignore", "deploy/*"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )

    missing = {}
    for committed in catalogues.catalogue_files():
        with (copy / committed.relative_to(ROOT)).open("rb") as file:
            found = {message.id for message in read_po(file) if message.id}
        known = {message.id for message in catalogues.read(committed) if message.id}
        if found - known:
            missing[str(committed.relative_to(ROOT))] = sorted(map(str, found - known))
    assert missing == {}, "strings not in the catalogues: run `make messages` and translate them"
