"""A logging filter that keeps secrets out of log lines, whoever wrote them.

Nothing in Broadsheet logs a token or an Authorization header; this is the second line, for a
library that might (django-ninja logs an unexpected Authorization header verbatim in DEBUG).
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
