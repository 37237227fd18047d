"""Print the two-factor code of a demo account, for logging in to /manage/ or /admin/ after `make run`."""

from django.core.management.base import BaseCommand, CommandError

from members.demo import DEMO_TOTP_SECRET, demo_code
from members.models import User


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (committee or admin)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="A demo account, e.g. priya@demo.ac.uk")

    def handle(self, *args, email: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the email {email!r}. Load the demo first (make demo).")
        code = demo_code(user)
        if code is None:
            raise CommandError(
                f"{user.email} has no demo authenticator: only the demo committee and admin accounts "
                f"(made by make demo, secret {DEMO_TOTP_SECRET}) have codes printed here."
            )
        self.stdout.write(code)
