"""schemathesis hooks for `make contract` (loaded through SCHEMATHESIS_HOOKS by run.py).

One check of our own, the other half of the one widening in schemathesis.toml: where schema-valid
data may be refused because it is no address the server can save, the refusal must say exactly that.
"""

from __future__ import annotations

from typing import Any

import schemathesis

SAVE = "POST /api/v1/items"


@schemathesis.check
def refused_address_is_invalid_url(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid save that is refused with 422 is refused as `invalid_url`."""
    meta = case.meta
    if case.operation.label != SAVE or response.status_code != 422 or meta is None:
        return None
    if not meta.generation.mode.is_positive:
        return None
    code = response.json().get("error", {}).get("code")
    if code != "invalid_url":
        raise AssertionError(
            f"a schema-valid save was refused with 422 {code!r}, not invalid_url: the schema and "
            "the server disagree about the request body"
        )
    return None
