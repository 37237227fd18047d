import secrets
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from society.links import web_link

from .years import academic_year_label, current_academic_year

# The group whose members are the committee (given by an admin).
COMMITTEE_GROUP = "Committee"


class UserQuerySet(models.QuerySet):
    def current_committee(self, *, today: date | None = None):
        """Who is on the committee on `today` (default: today): the one answer behind
        `members.permissions.is_committee`, the admin's committee filter and the
        retention rules. Active accounts in the Committee group or holding a
        committee role whose term includes `today`, and active superusers, whom
        the console lets in too (retention keeps every admin anyway)."""
        in_group = self.model.groups.through.objects.filter(user=OuterRef("pk"), group__name=COMMITTEE_GROUP)
        holds_role = CommitteeRole.objects.current(today=today).filter(user=OuterRef("pk"))
        return self.filter(Q(is_superuser=True) | Exists(in_group) | Exists(holds_role), is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("Every user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The email address is the login; there is no username."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True, help_text=_("How the society addresses you."))
    is_staff = models.BooleanField(_("admin access"), default=False, help_text=_("Can log in to the Django admin."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The language of the site and of every email to them; blank: the browser's.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="members_user_email_ci_unique"),
        ]
        # The directory's pages and the console's person search list people by name.
        indexes = [models.Index(fields=["name", "email"], name="user_by_name")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name people see: the given name, else the part of the email before the @."""
        return self.name or self.email.split("@", 1)[0]

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class Topic(models.Model):
    """A subject members are interested in (and, later, that events and workshops are about)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@deconstructible
class LinkOn:
    """Validates that a link's host is `host` or one of its subdomains (github.com, www.github.com)."""

    def __init__(self, host: str):
        self.host = host

    def __call__(self, url: str) -> None:
        found = (urlsplit(url).hostname or "").lower()
        if not (found == self.host or found.endswith("." + self.host)):
            raise ValidationError(_("Enter a link on %(host)s.") % {"host": self.host})

    def __eq__(self, other) -> bool:
        return isinstance(other, LinkOn) and other.host == self.host


class Profile(models.Model):
    """What a member tells the society about themselves. One per user, made on first need."""

    class YearOfStudy(models.IntegerChoices):
        FIRST = 1, _("First year")
        SECOND = 2, _("Second year")
        THIRD = 3, _("Third year")
        FOURTH = 4, _("Fourth year or above")
        MASTERS = 5, _("Master's")
        PHD = 6, _("PhD")
        OTHER = 7, _("Staff or other")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    course = models.CharField(max_length=100, blank=True, help_text=_("For example: Computer Science BSc."))
    year_of_study = models.PositiveSmallIntegerField(choices=YearOfStudy.choices, null=True, blank=True)
    student_number = models.CharField(
        max_length=20, blank=True, help_text=_("As on your student card; used to match the students' union list.")
    )
    # A number the member types is theirs to claim, not proof: the union's list confirms
    # it when it gives the same number with this account's email (import_union_list).
    student_number_verified_at = models.DateTimeField(
        _("student number confirmed"),
        null=True,
        blank=True,
        help_text=_("When the students' union list gave this number with the account's email; empty: unconfirmed."),
    )
    bio = models.TextField(
        max_length=500, blank=True, help_text=_("A sentence or two about you (500 characters at most).")
    )
    interests = models.ManyToManyField(Topic, blank=True, related_name="profiles")
    github_url = models.URLField("GitHub", max_length=200, blank=True, validators=[web_link, LinkOn("github.com")])
    linkedin_url = models.URLField(
        "LinkedIn", max_length=200, blank=True, validators=[web_link, LinkOn("linkedin.com")]
    )
    website_url = models.URLField(_("personal website"), max_length=200, blank=True, validators=[web_link])
    # Two renditions of one upload, square, re-encoded by members.avatars under
    # random names chosen by the service, never by the uploader.
    avatar = models.ImageField(upload_to="avatars/", blank=True, help_text=_("256 by 256 pixels."))
    avatar_small = models.ImageField(upload_to="avatars/", blank=True, help_text=_("64 by 64 pixels."))
    welcomed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the member finished (or skipped) the welcome step after signing up.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Unconfirmed claims may coexist (refusing one would tell anyone which
            # numbers exist); a number is confirmed for one account at most.
            models.UniqueConstraint(
                fields=["student_number"],
                condition=~Q(student_number="") & Q(student_number_verified_at__isnull=False),
                name="profile_confirmed_student_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(year_of_study__isnull=True) | Q(year_of_study__gte=1, year_of_study__lte=7),
                name="profile_year_of_study_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def needs_welcome(self) -> bool:
        return self.welcomed_at is None

    def set_student_number(self, number: str) -> None:
        """The member (or an admin) gives a number: a new one is unconfirmed until the union's list confirms it."""
        number = number.strip()
        if number != self.student_number:
            self.student_number, self.student_number_verified_at = number, None

    @property
    def student_number_verified(self) -> bool:
        return bool(self.student_number) and self.student_number_verified_at is not None


class MembershipQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(academic_year=year)

    def current(self, *, today: date | None = None):
        return self.in_year(current_academic_year(today=today))


class Membership(models.Model):
    """A user is a member of the society for one academic year."""

    class Source(models.TextChoices):
        JOINED = "joined", _("Joined on the site")
        COMMITTEE = "committee", _("Added by the committee")
        UNION = "union", _("Students' union list")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    academic_year = models.PositiveSmallIntegerField(help_text=_("The year it starts in: 2026 means 2026/27."))
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.JOINED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "academic_year"], name="membership_once_per_year"),
            models.CheckConstraint(
                condition=Q(academic_year__gte=2000, academic_year__lte=2999), name="membership_year_plausible"
            ),
        ]
        indexes = [models.Index(fields=["academic_year", "user"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.year_label}"

    @property
    def year_label(self) -> str:
        return academic_year_label(self.academic_year)


class CommitteeRoleQuerySet(models.QuerySet):
    def current(self, *, today: date | None = None):
        """Roles whose term includes `today` (both ends inclusive)."""
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today)


class CommitteeRole(models.Model):
    """A post on the committee, held by one member for a term. It grants committee access during the term."""

    title = models.CharField(max_length=80, help_text=_("President, Treasurer, Events Lead…"))
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="committee_roles")
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"), help_text=_("The last day of the term."))
    order = models.PositiveSmallIntegerField(
        default=0, help_text=_("Lower numbers are listed first on the about page.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitteeRoleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="committee_role_term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.user} ({self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y})"

    def is_current(self, *, today: date | None = None) -> bool:
        return self.starts_on <= (today or timezone.localdate()) <= self.ends_on


class RetentionWarning(models.Model):
    """The member was told their account would be anonymised, once per lapse: after
    their last membership, of `for_year` (none: an account that never held one). It
    stands until they log in again (`warned_at` before their last log-in: stale). The
    retention rules read this row, not the email's, which may be deleted with the
    outbox's other rows about the person, or purged with the old ones."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="retention_warnings")
    for_year = models.PositiveSmallIntegerField(
        "last membership year",
        null=True,
        blank=True,
        help_text=_("The year it starts in: 2026 means 2026/27. Empty: the account never held a membership."),
    )
    warned_at = models.DateTimeField(_("warned"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-warned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "for_year"], name="retention_warning_once_per_lapse"),
            # NULLs are distinct in the constraint above: one warning of an account never a member.
            models.UniqueConstraint(
                fields=["user"], condition=Q(for_year__isnull=True), name="retention_warning_once_if_never_a_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} warned on {self.warned_at:%d %b %Y} ({self.lapse})"

    @property
    def lapse(self) -> str:
        return "never a member" if self.for_year is None else f"member until {academic_year_label(self.for_year)}"


def new_record_token() -> str:
    return secrets.token_urlsafe(32)


class PublicRecord(models.Model):
    """A member's participation record, shown at an unguessable address when they choose."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="public_record")
    token = models.CharField(max_length=43, unique=True, default=new_record_token)
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Record of {self.user} ({'public' if self.is_public else 'private'})"

    def get_absolute_url(self) -> str:
        return reverse("members:public_record", kwargs={"token": self.token})


class CommitteeChange(models.Model):
    """Members' own log of changes to the committee: who gave which role to whom, when.
    People by foreign key, never by email; the title and term are kept as they were."""

    class Action(models.TextChoices):
        GIVEN = "given", _("Role given")
        HANDED_OVER = "handed_over", _("Handed over for the next year")

    action = models.CharField(max_length=20, choices=Action.choices)
    role = models.ForeignKey(CommitteeRole, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes")
    title = models.CharField(max_length=80)
    holder = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.title} to {self.holder} by {self.by}"


class UnionListImport(models.Model):
    """A students' union list was imported for `academic_year`: when, by whom, with what result."""

    academic_year = models.PositiveSmallIntegerField(help_text=_("The year it starts in: 2026 means 2026/27."))
    filename = models.CharField(max_length=100, blank=True)
    added = models.PositiveIntegerField(default=0)
    already_members = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    to_review = models.PositiveIntegerField(
        default=0, help_text=_("Rows whose student number only an unconfirmed claim matched: left to the committee.")
    )
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Union list for {academic_year_label(self.academic_year)} ({self.created_at:%d %b %Y})"


class SiteText(models.Model):
    """One version of a text of the site the committee edits (Markdown). Versions are
    never changed: the newest of a key is shown, the older ones are its history. A key
    with no version shows its default, today's text (`DEFAULTS`)."""

    class Key(models.TextChoices):
        ABOUT = "about", _("About the society (the about page)")
        CONTACT = "contact", _("Contact address and social links (the about page)")
        PRIVACY_CONTACT = "privacy_contact", _("Who to contact about your data (the privacy notice)")

    # Written by the site, so in the reader's language until the committee writes its own.
    DEFAULTS = {
        Key.ABOUT: _(
            "We are a student-run society for anyone curious about artificial intelligence, from first-years "
            "writing their first notebook to PhD students who want to share their research.\n\n"
            "Most weeks we run a hands-on workshop; each term we invite guest speakers from research and "
            "industry; study groups read papers and enter competitions together; and every workshop's code and "
            "slides stay online for members to catch up.\n"
        ),
        Key.CONTACT: "",
        Key.PRIVACY_CONTACT: _(
            "Ask the committee about anything else, or complain to the Information Commissioner's Office "
            "(ico.org.uk).\n"
        ),
    }

    key = models.CharField(max_length=30, choices=Key.choices)
    version = models.PositiveIntegerField()
    body = models.TextField(blank=True, max_length=10_000)
    edited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            # Two edits made from the same version cannot both be saved.
            models.UniqueConstraint(fields=["key", "version"], name="site_text_one_version_number"),
            models.CheckConstraint(condition=Q(version__gte=1), name="site_text_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()}, version {self.version}"
