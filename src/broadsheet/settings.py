"""Django settings, built from the BROADSHEET_* variables that `broadsheet.environment` parses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from broadsheet.environment import SETTINGS_TABLE, default_storage, load, secret_key

__all__ = ["SETTINGS_TABLE"]

# --- Django settings ------------------------------------------------------------------------------

CONFIG = load()

DATA_DIR = Path(CONFIG["BROADSHEET_DATA_DIR"]).resolve()
SECRET_KEY = secret_key(CONFIG)
DEBUG: bool = CONFIG["BROADSHEET_DEBUG"]
ALLOWED_HOSTS = [h.strip() for h in CONFIG["BROADSHEET_ALLOWED_HOSTS"].split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "broadsheet.core",
    "broadsheet.web",
    "broadsheet.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "broadsheet.web.headers.SecurityHeadersMiddleware",
    # Every answer under /api/ is JSON in the error shape (Django's own 400/404/500 pages, the 413
    # of a body too large): before CommonMiddleware, where a bad Host is found.
    "broadsheet.api.middleware.ApiErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session opened with an app password (the wallabag Android app's) counts only on the
    # pages that app reads.
    "broadsheet.web.device_sessions.DeviceSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"

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
                "broadsheet.web.context.saved_counter",
            ],
        },
    },
]


def _databases(url: str) -> dict[str, dict[str, Any]]:
    if url:
        import dj_database_url

        db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db["OPTIONS"] = _SQLITE_OPTIONS
        return {"default": db}
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "broadsheet.sqlite3"),
            "OPTIONS": _SQLITE_OPTIONS,
        }
    }


# WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN, so two
# racing saves serialise instead of failing with "database is locked" on upgrade.
_SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000;"
    ),
}

DATABASES = _databases(CONFIG["DATABASE_URL"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The model backend, behind the login rate limit: a limited account or address is refused
# before its password is even checked, whichever login page (ours, the admin's) asked.
AUTHENTICATION_BACKENDS = ["broadsheet.core.auth.RateLimitedModelBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Files (uploaded imports waiting for the worker, ...) live in the data directory by default.
MEDIA_ROOT = str(DATA_DIR / "files")
STORAGES = {
    # The data directory, or an S3-compatible bucket (BROADSHEET_STORAGE=s3).
    "default": default_storage(CONFIG),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Security headers. The whole app sends a strict CSP (no inline script anywhere) from
# broadsheet.web.headers; the reader view allows its one script of ours ('self').
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS: bool = CONFIG["BROADSHEET_HTTPS"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

# Mail (the newsletter): Django's SMTP backend when BROADSHEET_SMTP_HOST is set, else one file per
# message in DATA_DIR/mail, so `make run` needs no mail server and the mail can still be read.
DEFAULT_FROM_EMAIL = CONFIG["BROADSHEET_MAIL_FROM"]
BROADSHEET_BASE_URL: str = CONFIG["BROADSHEET_BASE_URL"] or (
    f"http://{CONFIG['BROADSHEET_HOST']}:{CONFIG['BROADSHEET_PORT']}"
)
if CONFIG["BROADSHEET_SMTP_HOST"]:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = CONFIG["BROADSHEET_SMTP_HOST"]
    EMAIL_PORT = CONFIG["BROADSHEET_SMTP_PORT"]
    EMAIL_HOST_USER = CONFIG["BROADSHEET_SMTP_USER"]
    EMAIL_HOST_PASSWORD = CONFIG["BROADSHEET_SMTP_PASSWORD"]
    EMAIL_USE_TLS = CONFIG["BROADSHEET_SMTP_TLS"] == "starttls"
    EMAIL_USE_SSL = CONFIG["BROADSHEET_SMTP_TLS"] == "ssl"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
# A hanging SMTP server gives up one reader's send after this long, never the others' (each
# newsletter is its own task).
EMAIL_TIMEOUT = CONFIG["BROADSHEET_SMTP_TIMEOUT"]

# One log on stderr, one format. The root logger has the handler (so waitress's basicConfig() adds
# none of its own); Django's and Broadsheet's loggers propagate to it. Expected answers (409, 404,
# 422, 401, 429) are INFO, not warnings; server errors stay ERROR. django-tasks' per-task lines
# ("Task ... SUCCESSFUL" for a page that failed) are not the operator's log: each of our tasks logs
# one outcome line itself, so django-tasks' loggers keep only warnings and other tasks' errors
# (its db_worker raises their level to INFO; the handler's level holds).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        # Bearer tokens and Authorization headers never reach a log line, whoever logged them.
        "secrets": {"()": "broadsheet.core.logfilters.RedactSecrets"},
        "expected_answers": {"()": "broadsheet.core.logfilters.ExpectedAnswers"},
        "own_tasks": {"()": "broadsheet.core.logfilters.OwnTasksLogThemselves"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["secrets"]},
        "tasks_console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secrets", "own_tasks"],
            "level": "WARNING",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "broadsheet": {"level": "INFO"},
        # Django's own handlers (console in DEBUG only, mail to ADMINS) give way to the root's.
        "django": {"level": "INFO", "handlers": []},
        "django.request": {"filters": ["expected_answers"]},
        "django_tasks": {"handlers": ["tasks_console"], "level": "WARNING", "propagate": False},
        "django_tasks_db": {"handlers": ["tasks_console"], "level": "WARNING", "propagate": False},
    },
}

# Broadsheet's own values, read by core through django.conf.settings.
BROADSHEET_DEFAULT_QUOTA: int | None = CONFIG["BROADSHEET_DEFAULT_QUOTA"]
BROADSHEET_OPEN_SIGNUP: bool = CONFIG["BROADSHEET_OPEN_SIGNUP"]
BROADSHEET_FETCH_ALLOW_PRIVATE: bool | frozenset[str] = CONFIG["BROADSHEET_FETCH_ALLOW_PRIVATE"]
BROADSHEET_FETCH_DEADLINE: int = CONFIG["BROADSHEET_FETCH_DEADLINE"]
BROADSHEET_TASK_LEASE: int = CONFIG["BROADSHEET_TASK_LEASE"]
BROADSHEET_FETCH_RETRIES: int = CONFIG["BROADSHEET_FETCH_RETRIES"]
BROADSHEET_UNDO_WINDOW: int = CONFIG["BROADSHEET_UNDO_WINDOW"]
BROADSHEET_HOST: str = CONFIG["BROADSHEET_HOST"]
BROADSHEET_PORT: int = CONFIG["BROADSHEET_PORT"]
BROADSHEET_WORKERS: int = CONFIG["BROADSHEET_WORKERS"]
BROADSHEET_THREADS: int = CONFIG["BROADSHEET_THREADS"]
BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT: int = CONFIG["BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT"]
BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS: int = CONFIG["BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS"]
BROADSHEET_LOGIN_WINDOW: int = CONFIG["BROADSHEET_LOGIN_WINDOW"]
BROADSHEET_TRUSTED_PROXIES: tuple[Any, ...] = CONFIG["BROADSHEET_TRUSTED_PROXIES"]
BROADSHEET_IMPORT_MAX_BYTES: int = CONFIG["BROADSHEET_IMPORT_MAX_BYTES"]
BROADSHEET_IMPORT_FETCH_RATE: int = CONFIG["BROADSHEET_IMPORT_FETCH_RATE"]
BROADSHEET_MAIL_DOMAIN: str = CONFIG["BROADSHEET_MAIL_DOMAIN"]
BROADSHEET_MAIL_IN_PORT: int | None = CONFIG["BROADSHEET_MAIL_IN_PORT"]
BROADSHEET_MAIL_IN_HOST: str = CONFIG["BROADSHEET_MAIL_IN_HOST"]
BROADSHEET_MAIL_IN_MAX_BYTES: int = CONFIG["BROADSHEET_MAIL_IN_MAX_BYTES"]
BROADSHEET_MAIL_IN_RATE: int = CONFIG["BROADSHEET_MAIL_IN_RATE"]
BROADSHEET_SAVE_HTML_MAX_BYTES: int = CONFIG["BROADSHEET_SAVE_HTML_MAX_BYTES"]
BROADSHEET_WALLABAG_BIND_CLIENTS: bool = CONFIG["BROADSHEET_WALLABAG_BIND_CLIENTS"]
BROADSHEET_IMAGE_MAX_BYTES: int = CONFIG["BROADSHEET_IMAGE_MAX_BYTES"]
BROADSHEET_IMAGE_MAX_PIXELS: int = CONFIG["BROADSHEET_IMAGE_MAX_PIXELS"]
BROADSHEET_IMAGES_PER_STORY: int = CONFIG["BROADSHEET_IMAGES_PER_STORY"]
BROADSHEET_IMAGES_STORY_MAX_BYTES: int = CONFIG["BROADSHEET_IMAGES_STORY_MAX_BYTES"]
