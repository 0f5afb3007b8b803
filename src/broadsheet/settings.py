"""Django settings, and every BROADSHEET_* environment variable, parsed once, in one place.

Nothing else in the project reads the environment. Each entry of `SETTINGS_TABLE` is documented in
docs/settings.md and a test fails when one is missing there.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A BROADSHEET_* variable holds a value Broadsheet cannot use."""


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _int(name: str, raw: str, *, minimum: int = 0) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _quota(name: str, raw: str) -> int | None:
    if raw.strip().lower() in {"", "none", "unlimited"}:
        return None
    return _int(name, raw, minimum=0)


def _str(name: str, raw: str) -> str:
    return raw.strip()


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    parse: Callable[[str, str], Any]
    help: str


SETTINGS_TABLE: tuple[Setting, ...] = (
    Setting(
        "BROADSHEET_DATA_DIR", "./data", _str, "Where the SQLite database and the secret key live."
    ),
    Setting("BROADSHEET_HOST", "127.0.0.1", _str, "Address the server listens on."),
    Setting(
        "BROADSHEET_PORT", "8000", lambda n, r: _int(n, r, minimum=1), "Port the server listens on."
    ),
    Setting("BROADSHEET_DEFAULT_QUOTA", "20", _quota, "Saved-item limit for new users."),
    Setting("BROADSHEET_OPEN_SIGNUP", "true", _bool, "Whether anyone may create an account."),
    Setting(
        "BROADSHEET_FETCH_ALLOW_PRIVATE", "false", _str, "Non-public addresses that may be fetched."
    ),
    Setting(
        "BROADSHEET_FETCH_DEADLINE", "20", lambda n, r: _int(n, r, minimum=1), "Seconds per fetch."
    ),
    Setting(
        "BROADSHEET_SECRET_KEY",
        "",
        _str,
        "Django secret key; generated into the data dir if empty.",
    ),
    Setting("BROADSHEET_DEBUG", "false", _bool, "Django debug mode. Never in production."),
    Setting("BROADSHEET_HTTPS", "false", _bool, "Served over HTTPS: secure cookies and HSTS."),
    Setting(
        "BROADSHEET_ALLOWED_HOSTS", "*", _str, "Comma-separated host names the server answers."
    ),
    Setting("BROADSHEET_WORKERS", "1", lambda n, r: _int(n, r, minimum=0), "Workers `run` starts."),
    Setting("BROADSHEET_THREADS", "8", lambda n, r: _int(n, r, minimum=1), "Server threads."),
    Setting("BROADSHEET_FETCH_RETRIES", "2", _int, "Retries after a timeout or unreachable site."),
    Setting(
        "BROADSHEET_TASK_LEASE",
        "120",
        lambda n, r: _int(n, r, minimum=1),
        "Seconds a fetch may run.",
    ),
    Setting("BROADSHEET_EMAIL_FROM", "broadsheet@localhost", _str, "Sender of e-mail."),
    Setting("DATABASE_URL", "", _str, "Database URL; empty means SQLite in the data directory."),
)


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def load(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS_TABLE:
        raw = env.get(setting.name, setting.default)
        values[setting.name] = setting.parse(setting.name, raw)
    return Config(values)


def secret_key(config: Config) -> str:
    """The configured key, else one generated once and kept in the data directory."""
    configured: str = config["BROADSHEET_SECRET_KEY"]
    if configured:
        return configured
    data_dir = Path(config["BROADSHEET_DATA_DIR"])
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    tmp = data_dir / f".secret_key.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    try:
        os.link(tmp, path)  # atomic: a second process starting at once keeps the first key
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        tmp.unlink()
    return key


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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
# broadsheet.web.headers; the reader view adds nothing to it.
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

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = CONFIG["BROADSHEET_EMAIL_FROM"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "broadsheet": {"handlers": ["console"], "level": "INFO"},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING"},
    },
}

# Broadsheet's own values, read by core through django.conf.settings.
BROADSHEET_DEFAULT_QUOTA: int | None = CONFIG["BROADSHEET_DEFAULT_QUOTA"]
BROADSHEET_OPEN_SIGNUP: bool = CONFIG["BROADSHEET_OPEN_SIGNUP"]
BROADSHEET_FETCH_ALLOW_PRIVATE: str = CONFIG["BROADSHEET_FETCH_ALLOW_PRIVATE"]
BROADSHEET_FETCH_DEADLINE: int = CONFIG["BROADSHEET_FETCH_DEADLINE"]
BROADSHEET_TASK_LEASE: int = CONFIG["BROADSHEET_TASK_LEASE"]
BROADSHEET_FETCH_RETRIES: int = CONFIG["BROADSHEET_FETCH_RETRIES"]
BROADSHEET_HOST: str = CONFIG["BROADSHEET_HOST"]
BROADSHEET_PORT: int = CONFIG["BROADSHEET_PORT"]
BROADSHEET_WORKERS: int = CONFIG["BROADSHEET_WORKERS"]
BROADSHEET_THREADS: int = CONFIG["BROADSHEET_THREADS"]
