"""Demo members: an admin, a committee, and students, with profiles and this year's memberships."""

import io
import time

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from PIL import Image, ImageOps

from . import services
from .avatars import render_avatar
from .models import CommitteeRole, Membership, Profile, SiteText, Topic, User
from .permissions import committee_group
from .years import academic_year_term, current_academic_year

DEMO_PASSWORD = "society-demo"  # noqa: S105 (demo accounts, local development only)
# The committee and the admin need two-factor login: their authenticator app is this
# published secret (base32), which any authenticator app accepts; `make demo-code` prints the code.
DEMO_TOTP_SECRET = "DEMOSOCIETYDEMOSOCIETYDEMOSOCIET"  # noqa: S105 (demo accounts, local development only)
ADMIN_EMAIL = "admin@demo.ac.uk"
COMMITTEE = [
    ("priya@demo.ac.uk", "Priya Sharma"),
    ("tom@demo.ac.uk", "Tom Okafor"),
    ("mei@demo.ac.uk", "Mei Chen"),
]
# Committee roles for this academic year. The first three are also in the
# Committee group; the Workshops Lead is on the committee by their role alone.
ROLES = [
    ("priya@demo.ac.uk", "President"),
    ("tom@demo.ac.uk", "Treasurer"),
    ("mei@demo.ac.uk", "Events Lead"),
    ("jonas@demo.ac.uk", "Workshops Lead"),
]
CONTACT_TEXT = (
    "Write to the committee at [ai-society@demo.ac.uk](mailto:ai-society@demo.ac.uk), or find us on "
    "[Instagram](https://www.instagram.com/) and [LinkedIn](https://www.linkedin.com/)."
)
ROLE_ONLY_COMMITTEE = [("jonas@demo.ac.uk", "Jonas Weber")]
TOPICS = [
    "Machine learning",
    "Deep learning",
    "Natural language processing",
    "Computer vision",
    "Reinforcement learning",
    "AI ethics and safety",
    "MLOps",
    "Data science",
]
COURSES = [
    ("Computer Science BSc", 2),
    ("Mathematics BSc", 1),
    ("Physics MSci", 3),
    ("Data Science MSc", 5),
    ("Economics BSc", 2),
    ("Neuroscience PhD", 6),
    ("Electronic Engineering MEng", 4),
    ("Computer Science BSc", 1),
]
# Two colours per avatar, for a gradient: demo photos without anyone's face.
COLOURS = [("#3b2f8f", "#f2b84b"), ("#0f766e", "#a7f3d0"), ("#9d174d", "#fbcfe8"), ("#1d4ed8", "#bfdbfe")]
STUDENTS = [
    ("sam@demo.ac.uk", "Sam Taylor"),
    ("aisha@demo.ac.uk", "Aisha Rahman"),
    ("lukas@demo.ac.uk", "Lukas Novak"),
    ("grace@demo.ac.uk", "Grace Adeyemi"),
    ("oliver@demo.ac.uk", "Oliver Brown"),
    ("sofia@demo.ac.uk", "Sofia Rossi"),
    ("daniel@demo.ac.uk", "Daniel Kim"),
    ("hannah@demo.ac.uk", "Hannah Murphy"),
    ("lin@demo.ac.uk", "Lin Wei"),
]
# Who reads the site and their emails in Chinese (chosen on their profile).
READS_CHINESE = {"lin@demo.ac.uk"}


def demo_user(email: str, name: str, **flags) -> User:
    """A user who can log in at once: password set, email verified."""
    user, created = User.objects.update_or_create(email=email, defaults={"name": name, **flags})
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def give_demo_authenticator(user: User) -> None:
    """An authenticator app with the published demo secret, and recovery codes."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    RecoveryCodes.activate(user)


def demo_code(user: User, *, now: float | None = None) -> str | None:
    """What a demo account's authenticator app shows now; None for an account whose
    authenticator is not the demo one (a real person's codes are never printed)."""
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None or decrypt(totp.data["secret"]) != DEMO_TOTP_SECRET:
        return None
    counter = int(time.time() if now is None else now) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


def demo_avatar(index: int) -> dict[int, bytes]:
    dark, light = COLOURS[index % len(COLOURS)]
    gradient = Image.linear_gradient("L").rotate(45 * index, expand=False).resize((300, 300))
    out = io.BytesIO()
    ImageOps.colorize(gradient, black=dark, white=light).save(out, format="PNG")
    return render_avatar(SimpleUploadedFile("demo.png", out.getvalue(), content_type="image/png"))


def demo_profile(user: User, index: int, topics: list[Topic], *, with_avatar: bool) -> None:
    course, year = COURSES[index % len(COURSES)]
    profile = services.profile_of(user)
    Profile.objects.filter(pk=profile.pk).update(
        course=course,
        year_of_study=year,
        bio="Here for the workshops, staying for the people.",
        github_url=f"https://github.com/{user.email.split('@')[0]}-demo",
        welcomed_at=user.date_joined,
    )
    profile.interests.set([topics[index % len(topics)], topics[(index * 3 + 1) % len(topics)]])
    if with_avatar and not profile.avatar:
        services.set_avatar(profile=profile, renditions=demo_avatar(index))


def load(stdout) -> None:
    give_demo_authenticator(demo_user(ADMIN_EMAIL, "Alex Admin", is_staff=True, is_superuser=True))
    topics = [Topic.objects.update_or_create(slug=slugify(name), defaults={"name": name})[0] for name in TOPICS]
    committee = committee_group()
    people = []
    for email, name in COMMITTEE:
        user = demo_user(email, name)
        user.groups.add(committee)
        people.append(user)
    people += [demo_user(email, name) for email, name in ROLE_ONLY_COMMITTEE + STUDENTS]
    for user in people[: len(COMMITTEE + ROLE_ONLY_COMMITTEE)]:
        give_demo_authenticator(user)
    year = current_academic_year()
    for index, user in enumerate(people):
        demo_profile(user, index, topics, with_avatar=index < len(ROLES))
        services.renew_membership(user=user, year=year, source=Membership.Source.JOINED)
    starts_on, ends_on = academic_year_term(year)
    president = User.objects.get(email=ROLES[0][0])
    for order, (email, title) in enumerate(ROLES):
        if not CommitteeRole.objects.filter(title=title, starts_on=starts_on).exists():
            holder = User.objects.get(email=email)
            services.give_role(
                user=holder, title=title, starts_on=starts_on, ends_on=ends_on, order=order, by=president
            )
    if services.latest_version(SiteText.Key.CONTACT) == 0:
        services.edit_site_text(key=SiteText.Key.CONTACT, body=CONTACT_TEXT, based_on=0, by=president)
    for user in User.objects.filter(email__in=READS_CHINESE).exclude(language="zh-hans"):
        services.choose_language(user=user, language="zh-hans")
    # A member who shares their participation record (filled in by the events demo).
    record = services.share_record(user=User.objects.get(email=STUDENTS[0][0]), public=True)
    stdout.write(
        f"Demo logins (password for all: {DEMO_PASSWORD}):\n"
        f"  committee member  {COMMITTEE[0][0]}\n"
        f"  member            {STUDENTS[0][0]}\n"
        f"  member (Chinese)  {sorted(READS_CHINESE)[0]}\n"
        f"  admin             {ADMIN_EMAIL}  (/admin/)\n"
        f"The committee and the admin log in with a code too: make demo-code EMAIL={COMMITTEE[0][0]}\n"
        f"  (or add the secret {DEMO_TOTP_SECRET} to an authenticator app)\n"
        f"A shared participation record: {record.get_absolute_url()}"
    )
