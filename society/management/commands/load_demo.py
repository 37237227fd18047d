"""Load the demo society. Safe to run again: each app's demo updates what is there."""

from io import StringIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction

from society.discovery import app_modules


class Command(BaseCommand):
    help = "Load demo data (idempotent): members, committee, events. Prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args, force: bool, **options):
        if not (settings.DEBUG or force):
            # Demo accounts share a published password: never by accident in production.
            raise CommandError("Demo data is for local development: DEBUG is off. Use --force if you mean it.")
        buffer = StringIO()
        summary = OutputWrapper(buffer)
        with transaction.atomic():
            # Each app may ship a `demo` module with `load(stdout)`, run in
            # INSTALLED_APPS order so later apps build on earlier ones.
            for module in app_modules("demo").values():
                module.load(summary)
        # After the commit, which hands the demo's emails to delivery (printed
        # to the console by default): the logins come last, where they are seen.
        self.stdout.write(buffer.getvalue(), ending="")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
