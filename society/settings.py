"""Settings for society, driven by environment variables.

Every variable is listed in the README. Production defaults are the safe ones:
DEBUG is off unless asked for, and a missing secret stops start-up with a
message that says what to set. With no service configured, the app runs on
embedded defaults (SQLite under var/, tasks run in-process, email printed).
"""

import os
import re
from datetime import date
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_int_item(name: str, value: str) -> int:
    """One positive whole number of a comma-separated list."""
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must list whole numbers above 0, not {value!r}.")
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_secret(name: str, *, debug_default: str) -> str:
    """A secret that must be set in production; DEBUG runs get a throwaway one."""
    value = env_str(name)
    if value:
        return value
    if DEBUG:
        return debug_default
    raise ImproperlyConfigured(
        f"{name} is not set. Set it to a long random string "
        f"(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        f"or set DEBUG=true for local development."
    )


# --- Core --------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY", debug_default="insecure-development-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
# Links in emails and QR codes; unset, the local server's own address (on PORT, as `make run` uses).
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")
SOCIETY_NAME = env_str("SOCIETY_NAME", "AI Society")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's list of security keys
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
    "django_celery_beat",
    "society",
    "members",
    "events",
    "workshops",
    "proposals",
    "credentials",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Every response not marked shared (society.page_cache.public_page) is private.
    "society.page_cache.private_unless_shared",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A logged-in member's language is the one kept on their account.
    "members.middleware.member_language",
    # Where each member is logged in (/me/sessions/): refreshed every few minutes, not on every request.
    "members.middleware.last_seen",
]

ROOT_URLCONF = "society.urls"
FORM_RENDERER = "society.forms.FormRenderer"
WSGI_APPLICATION = "society.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "society.context_processors.society",
                "members.context_processors.committee",
                "members.context_processors.two_factor",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'society.sqlite3'}",
        # Persistent connections: a new PostgreSQL connection per request was
        # measured to cut a simple list page to a third of its throughput.
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for a lock instead of failing when the worker writes at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery --------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            # Pages keep working (uncached) while Redis is down.
            "BACKEND": "society.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # A broker that is down must not hold up a web request for long: the
    # outbox sweep sends what could not be handed over.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5, "visibility_timeout": 3600}
    CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
else:
    # Server-less default: tasks run in-process when sent, and beat still drives
    # the periodic ones (running each in the beat process). kombu's filesystem
    # transport was tried and could crash the worker under load.
    # Files under var/, not local memory: the web server and the worker (with beat) are
    # two processes, and a write in either must reach the other's cached pages.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": VAR_DIR / "cache"}
    }
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- Authentication (django-allauth) -----------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"  # the site root, whichever app serves it
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # our subjects name the society where it helps
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Sign-up limited to these email domains (e.g. "ucl.ac.uk"); empty allows any.
SIGNUP_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("SIGNUP_EMAIL_DOMAINS")]


def env_count(name: str, default: int, *, least: int = 0) -> int:
    value = env_int(name, default)
    if value < least:
        raise ImproperlyConfigured(f"{name} must be {least} or more, not {value}.")
    return value


def env_header_name(name: str) -> str | None:
    """An HTTP header's name (letters, digits and dashes, e.g. X-Real-IP), or None when unset."""
    value = env_str(name)
    if value and not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", value):
        raise ImproperlyConfigured(f"{name} must be an HTTP header's name such as X-Real-IP, not {value!r}.")
    return value or None


def env_rate(name: str, default: str) -> str:
    """A rate as allauth writes it: how many, then per how long (30/h, 10/15m, 100/d)."""
    value = env_str(name, default)
    if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a number per period such as 30/h, 10/15m or 100/d, not {value!r}.")
    return value


# Rate limits per client address (logins, sign-ups, password resets) need the
# client's address, not the reverse proxy's: either the number of proxies of ours
# that append to X-Forwarded-For (the client's address is the one the outermost of
# them appended; anything to its left is the client's say and is ignored), or a
# header a trusted proxy sets to the client's address. Neither: REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = env_count("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_header_name("CLIENT_IP_HEADER")
if ALLAUTH_TRUSTED_PROXY_COUNT and ALLAUTH_TRUSTED_CLIENT_IP_HEADER:
    raise ImproperlyConfigured(
        "Set TRUSTED_PROXY_COUNT (proxies appending to X-Forwarded-For) or CLIENT_IP_HEADER "
        "(a header your proxy sets to the client's address), not both."
    )

# Uploads (pictures, materials, the union list) per account, checked by society.uploads;
# allauth's own limits keep their defaults.
ACCOUNT_RATE_LIMITS = {"upload": env_rate("UPLOAD_RATE_LIMIT", "30/h") + "/user"}

# Two-factor login (allauth.mfa): an authenticator app with recovery codes, and passkeys.
# The committee console and the admin need it (members.two_factor); members may turn it on.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SOCIETY_NAME
# A code is accepted one period (30 s) either side of now: a phone's clock a little off, or
# a code typed as it changes, still works. Each code works once (allauth remembers it).
MFA_TOTP_TOLERANCE = 1
# WebAuthn wants https (browsers make an exception for http://localhost); a local run
# (DEBUG) accepts any origin, never production.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Where you are logged in (allauth.usersessions, /me/sessions/): members.middleware
# refreshes a session's "last seen" at most this often, so pages cost no extra query.
SESSION_LAST_SEEN_EVERY_SECONDS = 5 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email -------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The outbox (society/outbox.py): batch size, retries with growing delays, and
# the lease after which an email claimed by a dead worker is sent again.
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 100)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 6)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 600)
OUTBOX_TASK_BUDGET_SECONDS = 200  # below the task time limits
# Sent and cancelled emails are deleted this many days later (failed ones are kept
# until handled). At least 30, and longer than the longest reminder offset: the
# society.checks system check refuses less at start-up.
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 90)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SOCIETY_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Members -------------------------------------------------------------------


def env_month_day(name: str, default: str) -> tuple[int, int]:
    """A day of the year written MM-DD (e.g. 08-01 for 1 August)."""
    value = env_str(name, default)
    try:
        month, day = (int(part) for part in value.split("-"))
        date(2001, month, day)  # a year without 29 February: the day exists every year
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a day of the year as MM-DD (e.g. 08-01), not {value!r}.") from None
    return month, day


# The academic year (and so a membership) starts on this day: 2026/27 runs from
# 1 August 2026 to 31 July 2027 by default.
ACADEMIC_YEAR_START = env_month_day("ACADEMIC_YEAR_START", "08-01")


def env_terms(name: str, year_start: tuple[int, int]) -> list[tuple[str, tuple[int, int]]]:
    """The terms of the academic year, each written name:MM-DD (the day it starts), in
    the order they come; each runs until the next starts, the last until the year ends."""
    default = f"autumn:{year_start[0]:02d}-{year_start[1]:02d},spring:01-01,summer:04-16"
    value = env_str(name) or default
    terms = []
    for item in value.split(","):
        term, _, day = item.strip().partition(":")
        if not term.isidentifier() or not term.islower() or term == "year":
            raise ImproperlyConfigured(
                f"{name}: a term's name is a lower-case word other than 'year', not {term!r} (in {value!r})."
            )
        try:
            month, first_day = (int(part) for part in day.split("-"))
            date(2001, month, first_day)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {term} must start on a day written MM-DD, not {day!r}.") from None
        terms.append((term, (month, first_day)))
    # Days counted from the start of the academic year, so terms after 31 December sort last.
    offsets = [((month, day) < year_start, month, day) for _, (month, day) in terms]
    if terms[0][1] != year_start or offsets != sorted(set(offsets)) or len({t for t, _ in terms}) != len(terms):
        raise ImproperlyConfigured(
            f"{name} must list differently named terms in order, the first starting on ACADEMIC_YEAR_START "
            f"({year_start[0]:02d}-{year_start[1]:02d}), e.g. autumn:08-01,spring:01-01,summer:04-16; not {value!r}."
        )
    return terms


# Terms of the academic year (the console's figures): name -> (month, day) it starts.
ACADEMIC_TERMS = env_terms("ACADEMIC_TERMS", ACADEMIC_YEAR_START)
# Largest avatar upload accepted, before re-encoding.
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_MB", 5) * 1024 * 1024
# UK GDPR storage limitation: accounts whose last membership ended longer ago
# than this, and who have not logged in for as long, are anonymised; they are
# warned this many days before.
RETENTION_DAYS = env_int("RETENTION_DAYS", 2 * 365)
RETENTION_WARNING_DAYS = env_int("RETENTION_WARNING_DAYS", 30)

# --- Events --------------------------------------------------------------------

# Largest event banner or speaker photo accepted, before re-encoding.
EVENT_IMAGE_MAX_BYTES = env_int("EVENT_IMAGE_MAX_MB", 8) * 1024 * 1024
# Reminders to confirmed registrants, so many hours before the start (largest
# first), and the attendance follow-up, so many hours after the end.
REMINDER_OFFSETS_HOURS = sorted(
    {env_int_item("REMINDER_OFFSETS_HOURS", item) for item in env_list("REMINDER_OFFSETS_HOURS", "24,1")}, reverse=True
)
FOLLOW_UP_DELAY_HOURS = env_int("FOLLOW_UP_DELAY_HOURS", 2)
# A host of an event (a member who runs it, events.hosts) keeps their rights to it until
# this many days after it ends, for its materials and feedback.
HOST_RIGHTS_DAYS = env_count("HOST_RIGHTS_DAYS", 14)
# The hosts of a member-led session that has no materials yet are reminded this many days
# before it starts (workshops.services.queue_materials_reminders).
HOST_MATERIALS_DUE_DAYS = env_count("HOST_MATERIALS_DUE_DAYS", 3)


def env_percent(name: str, default: int) -> int:
    """A share in per cent, 1 to 100."""
    value = env_int(name, default)
    if not 1 <= value <= 100:
        raise ImproperlyConfigured(f"{name} must be a percentage from 1 to 100, not {value}.")
    return value


# A member completed a workshop series when it is over and they attended at least this
# share of its sessions (per cent; 100 = every one): their record and credentials say so.
SERIES_COMPLETED_SHARE = env_percent("SERIES_COMPLETED_SHARE", 80)

# The society's Ed25519 key that signs members' credentials (credentials.keys): PEM, or
# base64 of its 32 bytes (`python manage.py credential_key` makes one). Retired keys' public
# halves stay published, so credentials they signed still verify. Without a signing key,
# CREDENTIAL_DEVELOPMENT_KEY (on with DEBUG) derives one from SECRET_KEY; otherwise no
# credential is issued and the member's page says why.
CREDENTIAL_SIGNING_KEY = env_str("CREDENTIAL_SIGNING_KEY")
CREDENTIAL_RETIRED_KEYS = env_list("CREDENTIAL_RETIRED_KEYS")
CREDENTIAL_DEVELOPMENT_KEY = env_bool("CREDENTIAL_DEVELOPMENT_KEY", DEBUG)
# A TrueType font with Chinese for record PDFs, embedded in them; when the file is missing,
# PDFs name the reader's own STSong-Light instead.
PDF_FONT = env_str("PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# The largest credential the verification page reads (KB).
CREDENTIAL_UPLOAD_MAX_BYTES = env_count("CREDENTIAL_UPLOAD_MAX_KB", 64, least=1) * 1024
# The hosts the committee's webhook may post to: a name, ".name" for the name and its
# subdomains, or "*" for any host whose addresses are all public (checked when posting).
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", "hooks.slack.com,discord.com,discordapp.com")
# Check-in (door, ticket QR code, self check-in, attendance in bulk) is open from this
# many hours before an event's start until this many hours after its end; then the
# attendance is final.
CHECK_IN_OPENS_HOURS = env_int("CHECK_IN_OPENS_HOURS", 2)
CHECK_IN_CLOSES_HOURS = env_int("CHECK_IN_CLOSES_HOURS", 48)
# Self check-in: after five wrong codes for one event, a member waits this long.
SELF_CHECK_IN_PAUSE_MINUTES = env_int("SELF_CHECK_IN_PAUSE_MINUTES", 15)

# --- Workshop materials ------------------------------------------------------

# Uploaded materials live here, outside MEDIA_ROOT, served only by a view that checks visibility.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
# Size limits per kind of material, in megabytes.
MATERIAL_MAX_MB = {
    "slides": env_int("MATERIAL_MAX_SLIDES_MB", 50),
    "notebook": env_int("MATERIAL_MAX_NOTEBOOK_MB", 20),
    "file": env_int("MATERIAL_MAX_FILE_MB", 200),
}
# Hand file transfers to the web server: "X-Accel-Redirect" (nginx) or "X-Sendfile"
# (Apache), with SENDFILE_PREFIX the internal location mapped to PRIVATE_MEDIA_ROOT.
SENDFILE_HEADER = env_str("SENDFILE_HEADER")
SENDFILE_PREFIX = env_str("SENDFILE_PREFIX", "/private-materials/")
# Serve rendered notebooks from another origin (say https://usercontent.example.org)
# that points at this app; empty: from this site, in a sandboxed frame.
USER_CONTENT_URL = env_str("USER_CONTENT_URL").rstrip("/")

# --- Backups ------------------------------------------------------------------

# The nightly backup (society.backups) writes an archive here and keeps the newest
# BACKUP_KEEP; empty: no nightly backup (`manage.py backup` then writes to var/backups).
# BACKUP_BUCKET (with the S3_* variables) sends it to a bucket as well: STORAGES["backups"].
BACKUP_DIR = env_str("BACKUP_DIR")
BACKUP_KEEP = env_count("BACKUP_KEEP", 7, least=1)

# --- Request bodies -----------------------------------------------------------

# What one request may carry. Uploaded files are not counted in DATA_UPLOAD_MAX_MEMORY_SIZE:
# each form checks its own file limit (AVATAR_MAX_MB, EVENT_IMAGE_MAX_MB, MATERIAL_MAX_*_MB),
# and the reverse proxy refuses bodies over the largest of them (README, "Deploying for real").
DATA_UPLOAD_MAX_MEMORY_SIZE = env_count("DATA_UPLOAD_MAX_MB", 2, least=1) * 1024 * 1024  # the fields, files excepted
# An uploaded file larger than this waits in a temporary file, not in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_count("FILE_UPLOAD_MEMORY_MB", 2, least=1) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_count("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000, least=1)
DATA_UPLOAD_MAX_NUMBER_FILES = env_count("DATA_UPLOAD_MAX_NUMBER_FILES", 10, least=1)  # our forms take two at most

# --- Internationalisation and time -------------------------------------------

# Every page, form and email in British English or Simplified Chinese: the visitor's
# choice (the footer's switcher, kept in a cookie), a member's kept on their account
# (User.language), else the browser's Accept-Language. URLs are the same in both.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("zh-hans", "简体中文")]
# The catalogues are in each app's locale/ (zh_Hans only: the source strings are
# en-gb); the project's templates/ are the society app's (the first here). Listed
# here, they come before those of the apps we use (django_celery_beat's "Name" is a
# task's name). `make` compiles the .mo files (society/catalogues.py, no GNU gettext
# needed); `make messages` refreshes the .po.
LOCALE_PATHS = [
    BASE_DIR / app / "locale" for app in ("society", "members", "events", "workshops", "proposals", "credentials")
]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")

# --- Uploaded files: on the local disk, or in S3-compatible object storage ---

# "default" holds the public pictures (avatars, banners, speaker photos: random names,
# never replaced in place, so cached for a year); "private" holds workshop materials,
# reached only through a view that checks who asks (on S3: a presigned link).
S3_VARIABLES = ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
PUBLIC_MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
S3_PRESIGNED_SECONDS = env_int("S3_PRESIGNED_SECONDS", 300)
if not 1 <= S3_PRESIGNED_SECONDS <= 3600:
    raise ImproperlyConfigured(
        f"S3_PRESIGNED_SECONDS must be from 1 to 3600 (a download link should expire within minutes), "
        f"not {S3_PRESIGNED_SECONDS}."
    )
# How a permitted download of a private file on object storage is delivered: "redirect"
# (to a presigned link; the bytes never pass through the app) or "stream" (through the app).
PRIVATE_MATERIALS_DELIVERY = env_str("PRIVATE_MATERIALS_DELIVERY", "redirect")
if PRIVATE_MATERIALS_DELIVERY not in ("redirect", "stream"):
    raise ImproperlyConfigured(
        f"PRIVATE_MATERIALS_DELIVERY must be redirect or stream, not {PRIVATE_MATERIALS_DELIVERY!r}."
    )


def env_http_url(name: str) -> str:
    """An http(s) address without query or fragment, trailing slash removed; empty when unset."""
    value = env_str(name).rstrip("/")
    if value and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", value):
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// address, not {value!r}.")
    return value


def s3_storages() -> dict[str, dict]:
    """The "default" and "private" storages on S3 when S3_BUCKET and its company are set,
    and "backups" (society.backups) when BACKUP_BUCKET is set too; none of them set: {}
    (the local disk); some set: start-up stops, naming what is missing."""
    given = [name for name in S3_VARIABLES if env_str(name)]
    backup_bucket = env_str("BACKUP_BUCKET")
    if not given and backup_bucket:
        raise ImproperlyConfigured(
            f"BACKUP_BUCKET is set but {', '.join(S3_VARIABLES)} are not: the backups bucket is reached "
            f"with object storage's endpoint and keys. Set them too, or leave BACKUP_BUCKET empty "
            f"(BACKUP_DIR keeps the nightly archives on a disk)."
        )
    if not given:
        return {}
    missing = [name for name in S3_VARIABLES if name not in given]
    if missing:
        raise ImproperlyConfigured(
            f"{', '.join(missing)} not set: object storage needs all of {', '.join(S3_VARIABLES)} "
            f"(or none of them, to keep files on the local disk)."
        )
    connection = {
        "bucket_name": env_str("S3_BUCKET"),
        "endpoint_url": env_http_url("S3_ENDPOINT_URL"),
        "access_key": env_str("S3_ACCESS_KEY_ID"),
        "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
        "region_name": env_str("S3_REGION", "us-east-1"),
        "addressing_style": "path",  # ENDPOINT/BUCKET/key: one origin, whatever the bucket's name
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    public = {**connection, "location": "media", "querystring_auth": False}
    public["object_parameters"] = {"CacheControl": PUBLIC_MEDIA_CACHE_CONTROL}
    if public_url := env_http_url("S3_PUBLIC_URL"):
        protocol, public["custom_domain"] = public_url.split("//", 1)
        public["url_protocol"] = protocol
    private = {**connection, "location": "private", "querystring_auth": True}
    private["querystring_expire"] = S3_PRESIGNED_SECONDS
    private["object_parameters"] = {"CacheControl": "private, no-store"}
    backend = "storages.backends.s3.S3Storage"
    found = {"default": {"BACKEND": backend, "OPTIONS": public}, "private": {"BACKEND": backend, "OPTIONS": private}}
    if backup_bucket:
        # Whole archives under backups/, never public; a set ContentType keeps .tar.gz
        # from being labelled Content-Encoding: gzip (a client would unpack it on the way).
        archives = {**connection, "bucket_name": backup_bucket, "location": "backups", "querystring_auth": True}
        archives["object_parameters"] = {"ContentType": "application/gzip", "CacheControl": "private, no-store"}
        found["backups"] = {"BACKEND": backend, "OPTIONS": archives}
    return found


OBJECT_STORAGES = s3_storages()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Under PRIVATE_MEDIA_ROOT, with no URL (workshops.storage).
    "private": {"BACKEND": "workshops.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    **OBJECT_STORAGES,
}
# Where pages load public pictures from, for the Content-Security-Policy's img-src.
MEDIA_ORIGIN = (
    re.match(r"https?://[^/]+", env_http_url("S3_PUBLIC_URL") or env_http_url("S3_ENDPOINT_URL"))[0]
    if OBJECT_STORAGES
    else ""
)

# --- Security ----------------------------------------------------------------

# Every page forbids inline script and any other origin. Bootstrap draws some
# icons as data: SVG images, which stay on this page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        # Rendered notebooks, in a sandboxed frame of our own origin (or the user-content one).
        "frame-src": [SELF, *([env_str("USER_CONTENT_URL").rstrip("/")] if env_str("USER_CONTENT_URL") else [])],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer checks each web server over plain HTTP: /healthz answers it, never a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
