"""`manage.py restore ARCHIVE`: a backup into an empty database and storage (society.backups)."""

from django.core.management.base import BaseCommand, CommandError

from society.backups import BackupError, local_archive, restore_backup, verify_archive


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the empty database (DATABASE_URL) and empty storage, then check every "
        "table's row count and every file's checksum against its manifest. Refuses a database or storage that "
        "is not empty, and an archive that is truncated, damaged or differs from its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive's path, or s3://BUCKET/KEY to read it from a bucket.")
        parser.add_argument("--check", action="store_true", help="Only check the archive against its manifest.")

    def handle(self, *args, archive: str, check: bool, **options):
        try:
            with local_archive(archive) as path:
                if check:
                    manifest = verify_archive(path)
                    self.stdout.write(self.style.SUCCESS(f"{archive} is whole: made {manifest['created_at']}."))
                    return
                restored = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        stored = ", ".join(f"{count} in {alias}" for alias, count in restored.files.items())
        for note in restored.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and checked against the manifest: {restored.tables} tables, {restored.rows} rows; "
                f"files: {stored}."
            )
        )
