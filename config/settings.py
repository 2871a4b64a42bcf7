"""Family Workbook settings: one file, read from environment variables, failing loudly.

Every setting a deployment may change is an environment variable listed in `.env.example`.
A value that cannot be understood stops the process with `ImproperlyConfigured`, naming the
variable: a council's IT team should never discover a typo by way of odd behaviour.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in {"true", "false", "1", "0"}:
        raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {raw!r}")
    return raw.lower() in {"true", "1"}


def env_int(name: str, *, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("FWB_ALLOW_INSECURE_KEY", default=False):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=true for local use."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

# R16: protected fields are encrypted in the database (familyworkbook/core/encryption.py) with
# keys held only in the environment. Fernet keys, comma-separated: the first encrypts, every one
# decrypts (rotation: put the new key first, run `manage.py rotate_field_keys`, drop the old).
# The blind index key makes the HMAC that lets postcodes be searched without decrypting.
FIELD_ENCRYPTION_KEYS = env_list("FWB_FIELD_ENCRYPTION_KEYS", "")
BLIND_INDEX_KEY = env_str("FWB_BLIND_INDEX_KEY", "")
if not FIELD_ENCRYPTION_KEYS or not BLIND_INDEX_KEY:
    if not DEBUG and not env_bool("FWB_ALLOW_INSECURE_KEY", default=False):
        raise ImproperlyConfigured(
            "FWB_FIELD_ENCRYPTION_KEYS and FWB_BLIND_INDEX_KEY must both be set. "
            "Set them, or set DJANGO_DEBUG=true for local use."
        )
    # Fixed local keys, so a development database stays readable between runs.
    # base64 of "insecure-local-field-key-not-for"
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
        "aW5zZWN1cmUtbG9jYWwtZmllbGQta2V5LW5vdC1mb3I="
    ]
    BLIND_INDEX_KEY = BLIND_INDEX_KEY or "insecure-local-blind-index-key"  # noqa: S105
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ImproperlyConfigured(
            "FWB_FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes): "
            'make one with python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from None
if (
    len(BLIND_INDEX_KEY) < 16
    and not DEBUG
    and not env_bool("FWB_ALLOW_INSECURE_KEY", default=False)
):
    raise ImproperlyConfigured("FWB_BLIND_INDEX_KEY must be at least 16 characters")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# The council this deployment serves. Statutory returns carry these codes.
COUNCIL_NAME = env_str("FWB_COUNCIL_NAME", "Cambridgeshire County Council")
COUNCIL_ONS_CODE = env_str("FWB_COUNCIL_ONS_CODE", "E10000003")
if not re.fullmatch(r"E(06|08|09|10|11)\d{6}|W06\d{6}", COUNCIL_ONS_CODE):
    raise ImproperlyConfigured(
        f"FWB_COUNCIL_ONS_CODE must be an upper-tier ONS code such as E10000003, not {COUNCIL_ONS_CODE!r}"
    )
COUNCIL_DFE_LA_NUMBER = env_str("FWB_COUNCIL_DFE_LA_NUMBER", "873")
if not re.fullmatch(r"\d{3}", COUNCIL_DFE_LA_NUMBER):
    raise ImproperlyConfigured(
        f"FWB_COUNCIL_DFE_LA_NUMBER must be the three-digit DfE LA number, not {COUNCIL_DFE_LA_NUMBER!r}"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "familyworkbook.core",
    "familyworkbook.teams",
    "familyworkbook.people",
    "familyworkbook.cases",
    "familyworkbook.demo",
    "familyworkbook.audit",
    "familyworkbook.access",
    "familyworkbook.workbook",
    "familyworkbook.measures",
    "familyworkbook.returns",
    "familyworkbook.meetings",
    "familyworkbook.insights",
    "familyworkbook.documents",
    "familyworkbook.subject_access",
    "familyworkbook.retention",
    "familyworkbook.importing",
    # Field history (R14): triggers written by django-pgtrigger, events by django-pghistory.
    "pgtrigger",
    "pghistory",
    "familyworkbook.history",
    # Serving: creates the shared cache's table after every `migrate` (config/apps.py).
    "config.apps.ServingConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reads the date the record is seen from once per request (core/clock.py).
    "familyworkbook.core.clock.RecordClockMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Each access scope built once per request, not once per ask (core/scoping.py).
    "familyworkbook.core.scoping.ScopeMemoMiddleware",
    # Absolute session limit, then the second factor: nothing past here runs for a
    # password-only session (access/middleware.py).
    "familyworkbook.access.middleware.SessionLimitMiddleware",
    "familyworkbook.access.middleware.RequireSecondFactorMiddleware",
    # Hands the signed-in user, the page and a request id to the history triggers (PostgreSQL).
    "familyworkbook.history.middleware.HistoryContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "familyworkbook.access.middleware.PrivateResponseMiddleware",
    # Last, as django-axes requires: it turns a lockout into our sign-in page.
    "axes.middleware.AxesMiddleware",
]
# Benchmarks only (`make bench-load`): a Server-Timing header with the request's own SQL time.
if env_bool("FWB_SERVER_TIMING", default=False):
    MIDDLEWARE.insert(0, "config.server_timing.ServerTimingMiddleware")

# django-axes checks every sign-in first, then Django's own backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "familyworkbook" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "familyworkbook.core.context_processors.service",
                "familyworkbook.access.context_processors.access_nav",
            ],
        },
    }
]
FORM_RENDERER = "familyworkbook.core.forms.GovukFormRenderer"

_default_db = f"sqlite:///{BASE_DIR / 'var' / 'familyworkbook.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_db)
if not DATABASE_URL.startswith(("sqlite://", "postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://, not {DATABASE_URL.split(':')[0]!r}"
    )
# Persistent connections (one per gunicorn thread), checked before each request reuses them.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("FWB_DB_CONN_MAX_AGE", default=600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the browser tests' live server and the test process read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["TEST"] = {"NAME": "test_familyworkbook"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "teams.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:my_caseload"
LOGOUT_REDIRECT_URL = "login"

# No composition rules (ASVS 6.2.5): length, similarity and the breached list only.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("FWB_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# WhiteNoise warns at every start if the collectstatic target is missing; it is ours to make.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# GOV.UK Frontend is installed from the npm registry by `make setup` and served by us, never a CDN.
STATICFILES_DIRS = [BASE_DIR / "familyworkbook" / "static", BASE_DIR / "var" / "frontend"]
# In production (FWB_STATIC_COLLECTED=true, after `manage.py collectstatic`) WhiteNoise serves
# only the collected copies: names carrying a content hash, cached for a year, with gzip and
# Brotli files made once at collectstatic. Otherwise (`make run`, the tests) it serves the
# source folders as they are, so nothing needs collecting first.
STATIC_COLLECTED = env_bool("FWB_STATIC_COLLECTED", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "config.storage.StaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions live in the database and the cache is a table in it too, so any number of app
# processes share them (docs/decisions/serving-gunicorn-two-processes.md); nothing that a second
# process would need stays in one process's memory.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fwb_cache",
    }
}

# Sessions: signed out after 30 minutes idle (the cookie's age, renewed by every request)
# and after 10 hours whatever happens (FWB_SESSION_SECONDS, enforced by
# access.middleware.SessionLimitMiddleware). Django rotates the session key at sign-in, and
# again when the second factor is verified.
SESSION_IDLE_SECONDS = env_int("FWB_IDLE_SECONDS", default=30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("FWB_SESSION_SECONDS", default=10 * 60 * 60, minimum=300)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("FWB_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Served over HTTPS wherever cookies are secure (everywhere but a laptop and the tests).
SECURE_SSL_REDIRECT = env_bool("FWB_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = env_int(
    "FWB_HSTS_SECONDS", default=365 * 24 * 60 * 60 if SESSION_COOKIE_SECURE else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env_bool("FWB_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): our own origin only; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Second factor (django-otp, TOTP) for every account; the device's name in the app.
OTP_TOTP_ISSUER = "Family Workbook"
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout (django-axes): 5 failed sign-ins for one username, or from one IP address, lock it
# for 15 minutes, whether or not such a user exists, so the lockout says nothing about who
# has an account. (Behind one office NAT address, raise FWB_SIGN_IN_ATTEMPTS.)
AXES_FAILURE_LIMIT = env_int("FWB_SIGN_IN_ATTEMPTS", default=5, minimum=1)
AXES_COOLOFF_TIME = env_int("FWB_LOCKOUT_MINUTES", default=15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "familyworkbook.access.signin.locked_out"
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FWB_LOG_LEVEL", "WARNING")},
}

# How many rows a list page shows before it pages.
PAGE_SIZE = env_int("FWB_PAGE_SIZE", default=50, minimum=5)
FWB_IMPORT_ROOT = Path(env_str("FWB_IMPORT_ROOT", str(BASE_DIR / "var" / "imports")))

# Background work (django-tasks with its database backend: no extra broker for one council).
# `manage.py db_worker` runs the queue; FWB_TASKS_IMMEDIATE=true runs tasks in the request
# instead (tests and the demo), which needs no worker process.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("FWB_TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Email (meeting invitations, information governance alerts). With no FWB_EMAIL_HOST, emails
# are printed to the console, which suits the demo and a first look; a deployment names the
# council's relay. Emails never carry protected details (docs/decisions/meeting-invitation-emails.md).
EMAIL_HOST = env_str("FWB_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("FWB_EMAIL_PORT", default=587, minimum=1)
EMAIL_HOST_USER = env_str("FWB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("FWB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("FWB_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("FWB_EMAIL_FROM", "Family Workbook <no-reply@familyworkbook.invalid>")

# Documents from the record: a council's own section schemas (a folder of YAML files that
# override the shipped ones by key and version; familyworkbook/documents/README.md), and the
# council's own closure days, which count as non-working days like bank holidays (ISO dates).
FWB_DOCUMENT_SCHEMAS_DIR = env_str("FWB_DOCUMENT_SCHEMAS_DIR", "") or None
FWB_EXTRA_NON_WORKING_DAYS = env_list("FWB_EXTRA_NON_WORKING_DAYS", "")

# Field history (R14; docs/decisions/history-pghistory.md). The triggers live only in the
# database, installed after every `migrate` (and test-database flush), never in migrations:
# the tracked apps' migrations stay as their owners wrote them. PostgreSQL only; on SQLite
# pgtrigger installs nothing.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
# Prune only our own stale triggers (pgtrigger_* names); the audit guards are not pgtrigger's.
PGTRIGGER_PRUNE_ON_INSTALL = True
