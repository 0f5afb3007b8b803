"""Logging filters: what reaches the operator's log, and what never does.

`RedactSecrets` keeps secrets out of log lines, whoever wrote them. Nothing in Broadsheet logs a
token or an Authorization header; this is the second line, for a library that might (django-ninja
logs an unexpected Authorization header verbatim in DEBUG).

`ExpectedAnswers` lowers Django's warning for an answer the service gives on purpose (already
saved, over the limit, not found, invalid input, no token, rate limited) to INFO; server errors
(5xx) keep their ERROR. `OwnTasksLogThemselves` drops django-tasks' per-task lines for
Broadsheet's own tasks, which log one outcome line per run themselves (core.tasks).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = (
    # Authorization: Bearer xxx / Basic xxx / Token xxx, as a header or inside a repr.
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\"\r\n,}]+"),
    re.compile(r"(?i)\b(bearer\s+|basic\s+|token\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # A token in a query string.
    re.compile(r"(?i)([?&](?:access_)?token=)[^&\s'\"]+"),
    # Broadsheet's own tokens wherever they appear.
    re.compile(r"()\bbs_[A-Za-z0-9_-]{8,}"),
    # An app password used as the key of an e-reader catalog's address (/opds/k/KEY/...).
    re.compile(r"(/opds/k/)[^/\s'\"?]+"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# Statuses Broadsheet answers on purpose, to a reader or a client: not the operator's problem.
EXPECTED_STATUSES = frozenset(
    {
        401,  # no or bad API token
        404,  # no such item (or another user's)
        405,  # a method an API address does not have
        409,  # already saved, over the limit, nothing to retry
        413,  # an API request body over the limit
        422,  # not an address, invalid input
        429,  # the login rate limit
    }
)


class ExpectedAnswers(logging.Filter):
    """On `django.request`, which logs every 4xx as a WARNING: an expected answer becomes INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.levelno == logging.WARNING and status in EXPECTED_STATUSES:
            record.levelno = logging.INFO
            record.levelname = logging.getLevelName(logging.INFO)
        return True


OWN_TASKS = "broadsheet."


class OwnTasksLogThemselves(logging.Filter):
    """On django-tasks' loggers: drop its "Task id=… path=… state=…" lines about Broadsheet's own
    tasks (a page that failed would read SUCCESSFUL there). Each of our tasks logs its outcome;
    a crash its traceback. Other tasks' lines, and a task killed by anything that is not an
    Exception (a second Ctrl-C), still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name != "django_tasks" or not isinstance(args, tuple) or len(args) < 2:
            return True
        if not str(args[1]).startswith(OWN_TASKS):
            return True
        exc = record.exc_info[0] if record.exc_info else None
        return exc is not None and not issubclass(exc, Exception)
