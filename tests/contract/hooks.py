"""schemathesis hooks for `make contract` (loaded through SCHEMATHESIS_HOOKS by run.py).

One check of our own, the other half of the widenings in schemathesis.toml: where schema-valid
data may be refused by a rule of the server's that JSON Schema cannot state, the refusal must say
exactly that rule's code.
"""

from __future__ import annotations

from typing import Any

import schemathesis

# Each widened operation, and the one code its schema-valid 422 may carry.
REFUSALS = {
    "POST /api/v1/items": "invalid_url",
    "POST /api/v1/feeds": "invalid_url",
    "POST /api/v1/topics/{topic_id}/actions": "invalid_url",
    "PATCH /api/v1/topics/{topic_id}/actions/{action_id}": "invalid_url",
    "POST /api/v1/topics": "invalid_query",
    "PATCH /api/v1/topics/{topic_id}": "invalid_query",
    "PATCH /api/v1/me": "invalid_email",
    "POST /api/v1/opml": "invalid_opml",
}


@schemathesis.check
def refused_only_by_the_servers_own_rule(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request to a widened operation that is refused with 422 is refused with
    that operation's own code."""
    meta = case.meta
    expected = REFUSALS.get(case.operation.label)
    if expected is None or response.status_code != 422 or meta is None:
        return None
    if not meta.generation.mode.is_positive:
        return None
    code = response.json().get("error", {}).get("code")
    if code != expected:
        raise AssertionError(
            f"a schema-valid {case.operation.label} was refused with 422 {code!r}, not "
            f"{expected}: the schema and the server disagree about the request"
        )
    return None
