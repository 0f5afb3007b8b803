"""Every BROADSHEET_* environment variable: its default, its parser and its meaning, in one table.

`broadsheet.settings` calls `load()` once; nothing else in the project reads the environment. Each
entry of `SETTINGS_TABLE` is documented in docs/settings.md and a test fails when one is missing.
This module imports nothing of Django, so the CLI can report a bad value without a traceback.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
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


def _allow_private(name: str, raw: str) -> bool | frozenset[str]:
    from broadsheet.fetch import parse_allow_private

    try:
        return parse_allow_private(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from None


def _str(name: str, raw: str) -> str:
    return raw.strip()


def _base_url(name: str, raw: str) -> str:
    url = raw.strip().rstrip("/")
    if url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise ConfigError(
            f"{name}={raw!r}: expected an http(s) address like https://news.example.org"
        )
    return url


def _mail_from(name: str, raw: str) -> str:
    value = raw.strip()
    if not value or any(c in value for c in "\r\n"):
        raise ConfigError(f"{name}: expected one line, an address like news@example.org")
    return value


def _smtp_tls(name: str, raw: str) -> str:
    value = raw.strip().lower()
    if value in ("", "false", "0", "no", "off", "none"):
        return "none"
    if value in ("true", "1", "yes", "on", "starttls"):
        return "starttls"
    if value in ("ssl", "tls"):
        return "ssl"
    raise ConfigError(f"{name}={raw!r}: expected false, starttls (or true), or ssl")


def _storage(name: str, raw: str) -> str:
    value = raw.strip().lower()
    if value in ("", "filesystem", "file", "files"):
        return "filesystem"
    if value == "s3":
        return "s3"
    raise ConfigError(f"{name}={raw!r}: expected filesystem or s3")


def _endpoint_url(name: str, raw: str) -> str:
    url = raw.strip().rstrip("/")
    if url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise ConfigError(
            f"{name}={raw!r}: expected an http(s) address like https://s3.example.org"
        )
    return url


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN_RE = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


def _mail_domain(name: str, raw: str) -> str:
    value = raw.strip().lower().rstrip(".")
    if value and (len(value) > 253 or not _DOMAIN_RE.fullmatch(value)):
        raise ConfigError(f"{name}={raw!r}: expected a host name like news.example.org")
    return value


def _port_or_off(name: str, raw: str) -> int | None:
    if not raw.strip():
        return None
    port = _int(name, raw, minimum=1)
    if port > 65535:
        raise ConfigError(f"{name} must be a port number (1 to 65535), not {port}")
    return port


def _networks(name: str, raw: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """Comma-separated addresses or networks (`10.0.0.1`, `10.0.0.0/8`, `::1`)."""
    out: list[IPv4Network | IPv6Network] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(f"{name}: {part!r} is not an IP address or network") from None
    return tuple(out)


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
        "BROADSHEET_FETCH_ALLOW_PRIVATE",
        "false",
        _allow_private,
        "Non-public addresses that may be fetched.",
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
    Setting(
        "BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT",
        "5",
        _int,
        "Failed logins per account within the window before it is refused (0: no limit).",
    ),
    Setting(
        "BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS",
        "20",
        _int,
        "Failed logins (and bad API tokens) per client address within the window (0: no limit).",
    ),
    Setting(
        "BROADSHEET_LOGIN_WINDOW",
        "900",
        lambda n, r: _int(n, r, minimum=1),
        "Seconds over which failed logins are counted.",
    ),
    Setting(
        "BROADSHEET_TRUSTED_PROXIES",
        "",
        _networks,
        "Proxy addresses whose X-Forwarded-For names the client.",
    ),
    Setting(
        "BROADSHEET_UNDO_WINDOW",
        "600",
        lambda n, r: _int(n, r, minimum=1),
        "Seconds a deleted item stays in the trash, restorable with Undo, before it is purged.",
    ),
    Setting(
        "BROADSHEET_BASE_URL",
        "",
        _base_url,
        "The address readers open Broadsheet at, for links in e-mail; empty: http://HOST:PORT.",
    ),
    Setting("BROADSHEET_MAIL_FROM", "broadsheet@localhost", _mail_from, "Sender of e-mail."),
    Setting(
        "BROADSHEET_SMTP_HOST",
        "",
        _str,
        "SMTP server for the newsletter; empty: mail is written to files in the data directory.",
    ),
    Setting("BROADSHEET_SMTP_PORT", "25", lambda n, r: _int(n, r, minimum=1), "SMTP port."),
    Setting("BROADSHEET_SMTP_USER", "", _str, "SMTP user name (empty: no login)."),
    Setting("BROADSHEET_SMTP_PASSWORD", "", _str, "SMTP password."),
    Setting("BROADSHEET_SMTP_TLS", "false", _smtp_tls, "false, starttls (or true), or ssl."),
    Setting(
        "BROADSHEET_SMTP_TIMEOUT",
        "20",
        lambda n, r: _int(n, r, minimum=1),
        "Seconds an SMTP server may take to answer before the send is given up.",
    ),
    Setting(
        "BROADSHEET_IMPORT_MAX_BYTES",
        "1073741824",
        lambda n, r: _int(n, r, minimum=1),
        "Largest library file (Pocket, Instapaper, ... export) the import page takes, in bytes.",
    ),
    Setting(
        "BROADSHEET_IMPORT_FETCH_RATE",
        "30",
        _int,
        "Imported stories without their text fetched per minute, all hosts together (0: none).",
    ),
    Setting(
        "BROADSHEET_MAIL_DOMAIN",
        "",
        _mail_domain,
        "Host of the save-by-mail addresses (save+KEY@DOMAIN); empty: no save by e-mail.",
    ),
    Setting(
        "BROADSHEET_MAIL_IN_PORT",
        "",
        _port_or_off,
        "Port of the mail-in SMTP server that `run` starts beside the web; empty: none.",
    ),
    Setting("BROADSHEET_MAIL_IN_HOST", "127.0.0.1", _str, "Address the mail-in server listens on."),
    Setting(
        "BROADSHEET_MAIL_IN_MAX_BYTES",
        "10485760",
        lambda n, r: _int(n, r, minimum=1024),
        "Largest message the mail-in server takes, in bytes.",
    ),
    Setting(
        "BROADSHEET_MAIL_IN_RATE",
        "60",
        _int,
        "Messages a reader's save-by-mail address takes per hour (0: no limit).",
    ),
    Setting(
        "BROADSHEET_WALLABAG_BIND_CLIENTS",
        "false",
        _bool,
        "Keep each wallabag API client to the reader who made it (wallabag lets any client "
        "log in any reader, whose password still decides).",
    ),
    Setting(
        "BROADSHEET_IMAGE_MAX_BYTES",
        "5242880",
        lambda n, r: _int(n, r, minimum=1),
        "Largest story image Broadsheet fetches and stores, in bytes.",
    ),
    Setting(
        "BROADSHEET_IMAGE_MAX_PIXELS",
        "40000000",
        lambda n, r: _int(n, r, minimum=1),
        "Largest story image in pixels (width times height), read before any decoding.",
    ),
    Setting(
        "BROADSHEET_IMAGES_PER_STORY",
        "40",
        _int,
        "Images of one story fetched and stored at most (0: none are stored or shown).",
    ),
    Setting(
        "BROADSHEET_IMAGES_STORY_MAX_BYTES",
        "52428800",
        lambda n, r: _int(n, r, minimum=1),
        "Bytes of images stored for one story at most, all its images together.",
    ),
    Setting(
        "BROADSHEET_STORAGE",
        "filesystem",
        _storage,
        "Where files (story images, uploaded imports) are kept: filesystem (the data directory) "
        "or s3 (S3-compatible object storage, the BROADSHEET_S3_* settings).",
    ),
    Setting("BROADSHEET_S3_BUCKET", "", _str, "S3 bucket name (required with storage s3)."),
    Setting(
        "BROADSHEET_S3_ENDPOINT_URL",
        "",
        _endpoint_url,
        "S3 endpoint address for S3-compatible stores (MinIO, Garage, ...); empty: AWS.",
    ),
    Setting("BROADSHEET_S3_REGION", "", _str, "S3 region name (empty: the client's default)."),
    Setting(
        "BROADSHEET_S3_ACCESS_KEY_ID",
        "",
        _str,
        "S3 access key id (empty: boto3's usual sources, such as an instance role).",
    ),
    Setting("BROADSHEET_S3_SECRET_ACCESS_KEY", "", _str, "S3 secret access key."),
    Setting(
        "BROADSHEET_S3_PREFIX",
        "",
        _str,
        "Folder inside the bucket under which Broadsheet keeps its files (empty: the top).",
    ),
    Setting(
        "BROADSHEET_SAVE_HTML_MAX_BYTES",
        "10485760",
        lambda n, r: _int(n, r, minimum=1),
        "Largest page HTML a save may bring (the browser extension), in bytes of UTF-8.",
    ),
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
        if setting.name == "BROADSHEET_MAIL_FROM" and setting.name not in env:
            raw = env.get("BROADSHEET_EMAIL_FROM", raw)  # the name before issue 12
        values[setting.name] = setting.parse(setting.name, raw)
    return Config(values)


def default_storage(config: Config) -> dict[str, Any]:
    """Django's STORAGES["default"] for BROADSHEET_STORAGE: the file system under the data
    directory, or an S3-compatible bucket through django-storages."""
    if config["BROADSHEET_STORAGE"] != "s3":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    bucket = config["BROADSHEET_S3_BUCKET"]
    if not bucket:
        raise ConfigError("BROADSHEET_STORAGE=s3 needs BROADSHEET_S3_BUCKET")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Every file is private: images are served through Broadsheet's access check, never
        # from the bucket's own address.
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": True,
        "location": config["BROADSHEET_S3_PREFIX"].strip("/"),
    }
    for setting, option in (
        ("BROADSHEET_S3_ENDPOINT_URL", "endpoint_url"),
        ("BROADSHEET_S3_REGION", "region_name"),
        ("BROADSHEET_S3_ACCESS_KEY_ID", "access_key"),
        ("BROADSHEET_S3_SECRET_ACCESS_KEY", "secret_key"),
    ):
        if config[setting]:
            options[option] = config[setting]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


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
