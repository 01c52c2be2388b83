"""Django settings, read from the environment (see README "Configuration")."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

VAR_DIR = Path(env("STAFFDESK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/."""
    configured = env("SECRET_KEY", default="")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
STAFFDESK_BASE_URL = env("STAFFDESK_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[f"{urlsplit(STAFFDESK_BASE_URL).scheme}://{urlsplit(STAFFDESK_BASE_URL).netloc}"],
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "corsheaders",
    "axes",
    "staffdesk.core",
    "staffdesk.directory",
    "staffdesk.notifications",
    "staffdesk.sla",
    "staffdesk.catalog",
    "staffdesk.announcements",
    "staffdesk.requests",
    "staffdesk.escalation",
    "staffdesk.feedback",
    "staffdesk.open311",
    "staffdesk.portal",
    "staffdesk.config",
    "staffdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS for browser Open311 apps (off unless STAFFDESK_OPEN311_CORS_ORIGINS names some);
    # before anything that answers on its own, so a preflight is answered here.
    "corsheaders.middleware.CorsMiddleware",
    # Under /api/, every error answered below (unknown path, 405, body too large) is JSON.
    "staffdesk.core.middleware.ApiErrorsMiddleware",
    # Django's session, user and messages middleware, passed by on API calls with a token
    # (`Authorization: Bearer`): those have no session to load or save (docs/architecture.md).
    "staffdesk.core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # OPTIONS answered with Allow wherever a path exists, HEAD wherever GET is.
    "staffdesk.core.http.MethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "staffdesk.core.middleware.AuthenticationMiddleware",
    "staffdesk.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "staffdesk.core.middleware.NotFoundMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "staffdesk.config.urls"
WSGI_APPLICATION = "staffdesk.config.wsgi.application"
AUTH_USER_MODEL = "directory.Person"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staffdesk.portal.context_processors.navigation",
                "staffdesk.announcements.context_processors.acknowledgement_banner",
            ],
        },
    },
    # For the templates that render many rows (the queue's results): staffdesk/core/jinja.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "staffdesk.core.jinja.environment", "autoescape": True},
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'staffdesk.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with short waits for the write lock (staffdesk/core/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "staffdesk.core.sqlite"
    # Tests use a file, not memory, so a live server's threads each get a real connection;
    # one file per test process, so two test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
# Persistent connections on both: opening a SQLite file and reading its schema costs ~1 ms,
# a third of a small API request's time (docs/performance.md).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (docs/deploy.md): a server-side cursor (`.iterator()`
# outside a transaction, as `sla-rebuild` reads) would outlive the transaction that opened
# it, on a server connection the next fetch may not get.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
# PostgreSQL plans each statement it is sent; the request page's nine joins took 3-5 ms to
# plan and 0.4 ms to run. With the parameters bound on the server, psycopg prepares a
# statement the second time a connection runs it and PostgreSQL keeps its plan (request
# detail through the API at a million requests: 7.0 -> 2.7 ms in-process). Turn it off
# behind a pooler that cannot keep prepared statements (PgBouncer before 1.21 in
# transaction mode, docs/deploy.md).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Time -----------------------------------------------------------------------------
USE_TZ = True
# The organization's zone: times on pages and in mail are shown in it, with its abbreviation.
# The demo organization's calendars are in New York.
TIME_ZONE = env("TIME_ZONE", default="America/New_York")
LANGUAGE_CODE = "en-us"
USE_I18N = True

# --- Static files and uploads ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve app static files straight from the apps, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media"))))},
    },
    # Hashed names and gzip/brotli copies made by `collectstatic` (which `make run` runs), so
    # WhiteNoise sends them compressed and cached for a year; see core/static.py.
    "staticfiles": {"BACKEND": "staffdesk.core.static.StaticStorage"},
}
# The catalog's "ask anything" service (a code): search ends with it whatever the query.
STAFFDESK_GENERAL_SERVICE = env("STAFFDESK_GENERAL_SERVICE", default="service-desk")
# --- Feedback (docs/architecture.md, "Feedback") ----------------------------------------
# A resolved request's survey goes out this many business minutes later (the providing
# department's calendar) and can be answered for this many days.
STAFFDESK_SURVEY_DELAY_MINUTES = env.int("STAFFDESK_SURVEY_DELAY_MINUTES", default=60)
STAFFDESK_SURVEY_OPEN_DAYS = env.int("STAFFDESK_SURVEY_OPEN_DAYS", default=14)
# Suggestions "to the organization as a whole" go to this department (a code).
STAFFDESK_SUGGESTIONS_DEPARTMENT = env("STAFFDESK_SUGGESTIONS_DEPARTMENT", default="MAYOR")
# A department answers a new suggestion within this many business days, unless its own
# target (in the admin) says otherwise.
STAFFDESK_SUGGESTION_RESPONSE_DAYS = env.int("STAFFDESK_SUGGESTION_RESPONSE_DAYS", default=10)
STAFFDESK_MAX_ATTACHMENT_BYTES = env.int("STAFFDESK_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE = env.int("STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE", default=20)
# Django refuses a form with more files than this with a bare 400, losing everything typed;
# set well above the product's limit, so that a form over it is parsed and comes back with
# its answers and the limit in words (`requests.services.attachments.attachment_count_check`).
DATA_UPLOAD_MAX_NUMBER_FILES = max(1000, 10 * STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE)
# Uploads larger than this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A body other than files (JSON, form fields) over this is refused: a 413 under /api/.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Mail -----------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp://user:password@mail.example.org:587 or smtp+tls://...; without it,
# mails are written to the server's console, which is what a one-machine demo wants.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="staffdesk <staffdesk@localhost>")
STAFFDESK_MAIL_DOMAIN = env(
    "STAFFDESK_MAIL_DOMAIN", default=urlsplit(STAFFDESK_BASE_URL).hostname or "localhost"
)

# --- Security -------------------------------------------------------------------------
# STAFFDESK_HTTPS=1 behind TLS turns on secure cookies, HSTS and the HTTPS redirect.
STAFFDESK_HTTPS = env.bool("STAFFDESK_HTTPS", default=False)
SESSION_COOKIE_SECURE = STAFFDESK_HTTPS
CSRF_COOKIE_SECURE = STAFFDESK_HTTPS
SECURE_SSL_REDIRECT = STAFFDESK_HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if STAFFDESK_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = STAFFDESK_HTTPS
SECURE_HSTS_PRELOAD = STAFFDESK_HTTPS
if env.bool("STAFFDESK_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sign-in rate limiting (django-axes): 5 failures for one username from one address lock
# that pair for 15 minutes (a new failure meanwhile restarts the wait). Counted for the
# sign-in page, the admin and HTTP Basic token minting alike; passwords are never stored.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_MESSAGE = (
    f"Too many failed sign-ins; try again in {AXES_COOLOFF_TIME.seconds // 60} minutes."
)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429  # axes' default, stated because lockout_response reads it
# The template for pages, a JSON error for the API.
AXES_LOCKOUT_CALLABLE = "staffdesk.core.lockout.lockout_response"
# Keep a trail of failures (who, from where, when; never the password) for the admin.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Open311 GeoReport v2 (docs/open311.md) --------------------------------------------
# The jurisdiction_id clients may send (an unknown one is a 404); the site's host name by default.
STAFFDESK_OPEN311_JURISDICTION = env(
    "STAFFDESK_OPEN311_JURISDICTION", default=urlsplit(STAFFDESK_BASE_URL).hostname or "localhost"
)
# On: the catalog and requests need an api_key too (discovery stays open: it says where to get one).
STAFFDESK_OPEN311_REQUIRE_KEY = env.bool("STAFFDESK_OPEN311_REQUIRE_KEY", default=False)
# Discovery's `contact`: whom client developers ask.
STAFFDESK_OPEN311_CONTACT = env(
    "STAFFDESK_OPEN311_CONTACT", default=f"The service desk team, {STAFFDESK_BASE_URL}/"
)

# Origins of browser Open311 apps that may call /open311/ (comma-separated, e.g.
# https://311.city.example); none by default. The key travels in the query or the form,
# never in a cookie, so no credentials are allowed.
CORS_ALLOWED_ORIGINS = env.list("STAFFDESK_OPEN311_CORS_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/open311/"
CORS_ALLOW_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 86400

# --- Worker ---------------------------------------------------------------------------
STAFFDESK_WORKER_INTERVAL_SECONDS = env.float("STAFFDESK_WORKER_INTERVAL_SECONDS", default=2.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # axes: failures and lockouts are warnings (usernames masked); every success is only info.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
