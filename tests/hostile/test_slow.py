"""Slow drip and never-answering servers: every fetch ends at its deadline with a typed error
(cases in cases/slow/; raw sockets on 127.0.0.1, deadline 1 s)."""

from __future__ import annotations

import time

import pytest

from broadsheet.fetch import FetchError, FetchOptions, fetch
from tests.hostile.corpus import Case, params
from tests.hostile.servers import EveryPath, ScriptServer, script, script_server


@pytest.mark.parametrize("case", params("slow"))
def test_slow_server_is_cut_at_the_deadline(case: Case) -> None:
    route = script(case.get("steps"))
    with script_server() as server:
        if case.get("every_path"):
            server.routes = EveryPath(route)
        else:
            server.routes["/"] = route
        _check(case, server)


def _check(case: Case, server: ScriptServer) -> None:
    options = FetchOptions(
        allow_private=frozenset({f"127.0.0.1:{server.port}"}), deadline=float(case.get("deadline"))
    )
    start = time.perf_counter()
    with pytest.raises(FetchError) as info:
        fetch(server.url("/"), options=options)
    elapsed = time.perf_counter() - start
    assert info.value.code in case.expect["error"], f"{info.value.code}: {info.value.reason}"
    assert elapsed < case.expect["within"], f"took {elapsed:.2f}s"
    assert server.hits, "the server was never asked"
