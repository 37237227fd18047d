"""Demo members: an admin, a committee, and students."""

from allauth.account.models import EmailAddress

from .models import User
from .permissions import committee_group

DEMO_PASSWORD = "society-demo"  # noqa: S105 (demo accounts, local development only)
ADMIN_EMAIL = "admin@demo.ac.uk"
COMMITTEE = [
    ("priya@demo.ac.uk", "Priya Sharma"),
    ("tom@demo.ac.uk", "Tom Okafor"),
    ("mei@demo.ac.uk", "Mei Chen"),
]
STUDENTS = [
    ("sam@demo.ac.uk", "Sam Taylor"),
    ("aisha@demo.ac.uk", "Aisha Rahman"),
    ("lukas@demo.ac.uk", "Lukas Novak"),
    ("grace@demo.ac.uk", "Grace Adeyemi"),
    ("oliver@demo.ac.uk", "Oliver Brown"),
    ("sofia@demo.ac.uk", "Sofia Rossi"),
    ("daniel@demo.ac.uk", "Daniel Kim"),
    ("hannah@demo.ac.uk", "Hannah Murphy"),
]


def demo_user(email: str, name: str, **flags) -> User:
    """A user who can log in at once: password set, email verified."""
    user, created = User.objects.update_or_create(email=email, defaults={"name": name, **flags})
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def load(stdout) -> None:
    demo_user(ADMIN_EMAIL, "Alex Admin", is_staff=True, is_superuser=True)
    committee = committee_group()
    for email, name in COMMITTEE:
        demo_user(email, name).groups.add(committee)
    for email, name in STUDENTS:
        demo_user(email, name)
    stdout.write(
        f"Demo logins (password for all: {DEMO_PASSWORD}):\n"
        f"  committee member  {COMMITTEE[0][0]}\n"
        f"  member            {STUDENTS[0][0]}\n"
        f"  admin             {ADMIN_EMAIL}  (/admin/)"
    )
