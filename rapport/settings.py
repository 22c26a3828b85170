"""Rapport's one settings module: everything that varies between machines comes from the
environment (README, "Configuration").

RAPPORT_MODE picks the defaults: ``dev`` (the default, for a checkout), ``demo`` (what
``rapport demo`` runs) and ``production`` (secure cookies, HSTS, a required SECRET_KEY).
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

MODE = env.str("RAPPORT_MODE", default="dev")
if MODE not in {"dev", "demo", "production"}:
    raise ImproperlyConfigured(f"RAPPORT_MODE must be dev, demo or production, not {MODE!r}")
PRODUCTION = MODE == "production"

VAR_DIR = Path(env.str("RAPPORT_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to 50 or more random characters")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-and-demo-only-" + "x" * 40)

DEBUG = env.bool("DEBUG", default=MODE == "dev")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its bundled Swagger UI files, so /api/v1/docs needs no CDN
    "django_tasks",
    "django_tasks_db",
    "rapport.lib",
    # Before allauth, so that our sign-in templates win over allauth's own.
    "rapport.accounts",
    "allauth",
    "allauth.account",
    "rapport.people",
    "rapport.ledger",
    "rapport.audit",
    "rapport.privacy",
    "rapport.notifications",
    "rapport.tone",
    "rapport.checkins",
    "rapport.kudos",
    "rapport.feed",
    "rapport.helpboard",
    "rapport.guides",
    "rapport.commitments",
    "rapport.roadblocks",
    "rapport.pairing",
    "rapport.care",
    "rapport.today",
    "rapport.demo",
    "rapport.web",
    "rapport.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "rapport.people.middleware.PersonMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rapport" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.web.context_processors.shell",
                "rapport.notifications.context_processors.inbox",
            ],
        },
    },
]

# Databases: SQLite under var/ by default. WAL lets readers and one writer work at once;
# busy_timeout waits for the lock instead of failing; IMMEDIATE takes the write lock when
# a transaction starts, so two writers queue instead of deadlocking on an upgrade.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rapport.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    )
    # A file (not memory) so that threads and worker processes in tests share it; one per
    # process so that parallel runs on one machine never collide.
    DATABASES["default"].setdefault("TEST", {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")})
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# The database cache by default, so sign-in throttling holds across every web process;
# CACHE_URL=redis://127.0.0.1:6379/0 moves it to Redis.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://rapport_cache")}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: email only, no public sign-up (people arrive by roster import or
# invitation), one-time codes as an alternative to a password.
ACCOUNT_ADAPTER = "rapport.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("RAPPORT_LOGIN_FAILED_LIMIT", default="10/m/ip,5/5m/key"),
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Rapport: "
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Email: EMAIL_URL=smtp://user:password@host:587/?tls=True, or consolemail:// / filemail://
# (defaults: the console in dev and demo).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rapport <rapport@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Sensitive text is encrypted with these Fernet keys, newest first (comma-separated).
RAPPORT_ENCRYPTION_KEYS = env.list("RAPPORT_ENCRYPTION_KEYS", default=[])
if PRODUCTION and not RAPPORT_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("RAPPORT_ENCRYPTION_KEYS must hold at least one Fernet key")

# Background work: the database-backed queue by default; any django-tasks backend by path.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}

# The scheduler inside each worker: how often it ticks, when a silent worker's running task
# is given to another, and how long finished task results are kept.
RAPPORT_SCHEDULER_INTERVAL = env.float("RAPPORT_SCHEDULER_INTERVAL", default=10.0)
RAPPORT_WORKER_LOST_AFTER = env.float("RAPPORT_WORKER_LOST_AFTER", default=60.0)
RAPPORT_TASK_LEASE = env.float("RAPPORT_TASK_LEASE", default=3600.0)
RAPPORT_TASK_MAX_ATTEMPTS = env.int("RAPPORT_TASK_MAX_ATTEMPTS", default=5)
RAPPORT_TASK_RESULTS_KEEP_DAYS = env.int("RAPPORT_TASK_RESULTS_KEEP_DAYS", default=14)

# Tie strength halves every this many days unless an organisation sets its own.
RAPPORT_TIE_HALF_LIFE_DAYS = env.float("RAPPORT_TIE_HALF_LIFE_DAYS", default=30.0)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
