"""`manage.py backup`: one archive of the database and every stored file (society.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from society.backups import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Write a backup archive: the database, uploaded pictures and private materials, with a manifest "
        "of row counts and checksums. Into BACKUP_DIR (else var/backups) unless a folder or .tar.gz is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("into", nargs="?", type=Path, help="A folder, or the archive's file name (.tar.gz).")

    def handle(self, *args, into: Path | None, **options):
        try:
            path, manifest = make_backup(into=into)
        except BackupError as error:
            raise CommandError(str(error)) from None
        tables = manifest["database"]["tables"]
        stored = ", ".join(f"{len(names)} in {alias}" for alias, names in manifest["files"].items())
        self.stdout.write(f"{len(tables)} tables, {sum(tables.values())} rows; files: {stored}.")
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
