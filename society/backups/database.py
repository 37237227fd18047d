"""The database part of a backup, per vendor: PostgreSQL through pg_dump and
pg_restore (15, in PATH), SQLite through its online backup API.

Row counts are taken from the very state that is dumped (PostgreSQL: the dump's
exported snapshot; SQLite: the copy itself), so a backup made while the site is
busy still matches its manifest. A restore goes into an empty database only, and
checks the row counts before anything is committed.
"""

import json
import os
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path

from django.db import connection

from .archive import BackupError

# The tables of the database the code uses: plain and partitioned tables on the search path.
POSTGRES_TABLES = """
    SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
      AND pg_catalog.pg_table_is_visible(c.oid)
    ORDER BY c.relname
"""
SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"


def vendor() -> str:
    return connection.vendor


def describe() -> str:
    """The database in words, for messages: its name and server, never a password."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite file {db['NAME']}"
    return f"the PostgreSQL database {db['NAME']!r} on {db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"


def row_counts(cursor, on: str) -> dict[str, int]:
    """Table name -> rows, for every table of the database `cursor` reads (`on`: its vendor)."""
    cursor.execute(SQLITE_TABLES if on == "sqlite" else POSTGRES_TABLES)
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (a name the database gave)
        counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> dict[str, str]:
    """App label -> the latest migration applied (by name), as the dumped state records."""
    cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


def current_row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return row_counts(cursor, vendor())


# --- Dump --------------------------------------------------------------------


def dump(into: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Write the database to the file `into`; answer its row counts and migrations."""
    return _dump_postgresql(into) if vendor() == "postgresql" else _dump_sqlite(into)


def _dump_postgresql(into: Path) -> tuple[dict[str, int], dict[str, str]]:
    # A connection of its own: the counts and pg_dump share one exported snapshot,
    # whatever the site (or a test's open transaction) is doing meanwhile.
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        cursor = raw.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_catalog.pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts, migrations = row_counts(cursor, "postgresql"), applied_migrations(cursor)
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={into}", *_connection_args()], "pg_dump")
        raw.rollback()
    finally:
        raw.close()
    return counts, migrations


def _dump_sqlite(into: Path) -> tuple[dict[str, int], dict[str, str]]:
    with closing(sqlite3.connect(connection.settings_dict["NAME"])) as source, closing(sqlite3.connect(into)) as copy:
        source.backup(copy)  # consistent even while others write: it starts again if they do
    with closing(sqlite3.connect(into)) as copy:
        cursor = copy.cursor()
        return row_counts(cursor, "sqlite"), applied_migrations(cursor)


# --- Restore -----------------------------------------------------------------


def refuse_unless_empty() -> None:
    """BackupError unless the database holds no table at all (a new one)."""
    counts = current_row_counts()
    if not counts:
        return
    full = {table: rows for table, rows in counts.items() if rows}
    listed = ", ".join(f"{table}: {rows}" for table, rows in list(full.items())[:8]) + (", …" if len(full) > 8 else "")
    held = f"{len(full)} of them with rows ({listed})" if full else "all without rows"
    how = (
        "point DATABASE_URL at a new file (sqlite:////path/new.sqlite3), or move this one away"
        if vendor() == "sqlite"
        else "create one (createdb NEW_NAME) and point DATABASE_URL at it"
    )
    raise BackupError(
        f"Refused: {describe()} is not empty; it has {len(counts)} tables, {held}. "
        f"A backup is restored into an empty database only: {how}. Nothing was changed."
    )


def restore(dump_file: Path, *, tables: dict[str, int]) -> None:
    """Load `dump_file` (a dump of this vendor's) into the empty database; when its
    row counts differ from `tables` nothing is kept and BackupError says which."""
    connection.close()  # the tools (or SQLite's backup API) write; Django reconnects afterwards
    if vendor() == "postgresql":
        _restore_postgresql(dump_file, tables)
    else:
        _restore_sqlite(dump_file, tables)


def _restore_postgresql(dump_file: Path, tables: dict[str, int]) -> None:
    # pg_restore writes the whole SQL script first (a dump it cannot read stops here);
    # psql then runs it and the row count check in one transaction, so a dump that
    # does not match the manifest leaves nothing behind.
    with tempfile.TemporaryDirectory() as folder:
        script, check = Path(folder) / "restore.sql", Path(folder) / "check.sql"
        check.write_text(_count_check_sql(tables))
        _run(["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(dump_file)], "pg_restore")
        loaded = _run(
            ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
             f"--file={script}", f"--file={check}", *_connection_args()],
            "psql", fail=False,
        )  # fmt: skip
    if loaded.returncode != 0:
        error = loaded.stderr.decode(errors="replace").strip()
        if "backup check:" in error:
            raise BackupError(
                "The archive's manifest does not match its database dump: "
                f"{error.split('backup check:', 1)[1].splitlines()[0].strip()}. Nothing was restored."
            )
        raise BackupError(f"Restoring the database failed (psql: {error}). Nothing was restored.")


def _count_check_sql(tables: dict[str, int]) -> str:
    """A PL/pgSQL block failing unless the tables and their row counts are `tables`.
    The names were checked to be letters, digits and underscores (archive.TABLE_NAME).
    They are written as one JSON literal (jsonb_build_object takes 100 arguments: 50 tables)."""
    expected = json.dumps({table: int(rows) for table, rows in tables.items()})
    return f"""
RESET search_path;
DO $check$
DECLARE
    expected jsonb := '{expected}'::jsonb;
    table_name text;
    found bigint;
BEGIN
    FOR table_name IN {POSTGRES_TABLES} LOOP
        IF NOT expected ? table_name THEN
            RAISE EXCEPTION 'backup check: the dump holds the table %, which the manifest does not list', table_name;
        END IF;
    END LOOP;
    FOR table_name IN SELECT jsonb_object_keys(expected) LOOP
        IF to_regclass(quote_ident(table_name)) IS NULL THEN
            RAISE EXCEPTION 'backup check: the manifest lists the table %, which the dump does not hold', table_name;
        END IF;
        EXECUTE format('SELECT count(*) FROM %I', table_name) INTO found;
        IF found <> (expected ->> table_name)::bigint THEN
            RAISE EXCEPTION 'backup check: the table % has % rows in the dump, the manifest says %',
                table_name, found, expected ->> table_name;
        END IF;
    END LOOP;
END
$check$;
"""  # noqa: S608 (table names checked by archive.TABLE_NAME; counts are integers)


def _restore_sqlite(dump_file: Path, tables: dict[str, int]) -> None:
    with closing(sqlite3.connect(dump_file)) as copy:
        found = row_counts(copy.cursor(), "sqlite")
    differences = describe_differences(found, tables)
    if differences:
        raise BackupError(
            f"The archive's manifest does not match its database dump: {differences}. Nothing was restored."
        )
    with closing(sqlite3.connect(dump_file)) as copy, closing(sqlite3.connect(connection.settings_dict["NAME"])) as db:
        copy.backup(db)


def describe_differences(found: dict[str, int], expected: dict[str, int]) -> str:
    """What differs between two sets of row counts, in words ("" when nothing does)."""
    problems = [f"the table {t} is missing" for t in sorted(expected.keys() - found.keys())]
    problems += [f"the table {t} is not in the manifest" for t in sorted(found.keys() - expected.keys())]
    problems += [
        f"the table {t} has {found[t]} rows, the manifest says {expected[t]}"
        for t in sorted(found.keys() & expected.keys())
        if found[t] != expected[t]
    ]
    return "; ".join(problems[:10])


# --- pg_dump, pg_restore, psql -----------------------------------------------


def _connection_args() -> list[str]:
    db = connection.settings_dict
    args = [f"--dbname={db['NAME']}"]
    if db["HOST"]:
        args.append(f"--host={db['HOST']}")
    if db["PORT"]:
        args.append(f"--port={db['PORT']}")
    if db["USER"]:
        args.append(f"--username={db['USER']}")
    return [*args, "--no-password"]


def _environment() -> dict[str, str]:
    """The password and TLS mode go to the PostgreSQL tools in their environment, never on a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _run(command: list[str], tool: str, *, fail: bool = True) -> subprocess.CompletedProcess:
    """Run one of PostgreSQL's client tools (no shell; arguments from the settings and our temporary files)."""
    try:
        done = subprocess.run(command, capture_output=True, env=_environment(), check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{tool} is not installed (PostgreSQL's client tools, version 15 or later).") from None
    if fail and done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.decode(errors='replace').strip()}")
    return done
