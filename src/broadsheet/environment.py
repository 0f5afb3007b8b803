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
