"""`make contract`: schemathesis against the real server, every check, stateful testing included.

An outside fuzzer found what the API's own tests did not (undocumented statuses, HTML error
pages, a 500 on a large offset); this runs one on every `make contract`, so what it finds stays
found. It

1. starts `broadsheet run` on a free loopback port with a temporary data directory (SQLite) and
   no background worker (saved items stay pending: nothing is fetched, so the run sends no traffic
   beyond the API), the bad-token limit raised out of the fuzzer's way (see below);
2. creates a user (unlimited) and an API token with the CLI, as an operator would;
3. runs `schemathesis run` on /api/v1/openapi.json with `--checks all` and the phases examples,
   coverage, fuzzing and stateful, with the token, a fixed seed and a bounded number of examples
   and time; schemathesis.toml widens one check for one operation (it says why) and hooks.py adds
   the check that keeps that widening narrow;
4. stops the server, removes the data directory, and exits with schemathesis's status: non-zero
   on any finding.

The bad-token limit (BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS) is raised for the run: the
`ignored_auth` check sends bad tokens on purpose, and every request comes from 127.0.0.1. A valid
token is never throttled, but past the default limit (20) the probes' answers would turn from 401
to 429, and the run would check the limiter instead of the authentication it means to check. The
limiter has tests of its own (tests/accounts/test_api_tokens.py).

    python -m tests.contract.run [--max-examples N] [--seed S] [--max-time SECONDS] [-- ARGS]

(`make contract CONTRACT_ARGS="--seed 7"` passes them from make.)

Anything after `--` goes to `schemathesis run` as it is (e.g. `-- --report junit`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.live import LiveServer, live_server

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"  # the one check widened for one operation, and why
HOOKS = HERE / "hooks.py"  # the check of our own that keeps that widening narrow
PHASES = "examples,coverage,fuzzing,stateful"
# The extent of the run. The seed fixes the sequence of test cases; the time budget decides how far
# along it the run gets (schemathesis fuzzes, and then chains calls statefully, until the budget is
# spent; without one, the stateful phase stops after a few dozen scenarios). `--max-time 0` turns
# the budget off: then --max-examples alone bounds the run, and two runs are the same run.
MAX_EXAMPLES = 100  # test cases per operation and round
SEED = 20240510
MAX_TIME = 180  # seconds for the whole schemathesis run
ADDRESS_LIMIT = "1000000"  # bad tokens per address per window during the run (see above)


def _schemathesis() -> str:
    """The schemathesis of this virtualenv, next to the Python running this script."""
    beside = Path(sys.executable).with_name("schemathesis")
    return str(beside) if beside.exists() else (shutil.which("schemathesis") or "schemathesis")


def _user_and_token(server: LiveServer) -> str:
    server.cli(
        "user", "create", "contract", "--password", "contract-only-password", "--quota", "unlimited"
    )
    token = server.cli("token", "create", "contract", "--label", "schemathesis").stdout.strip()
    if not token.startswith("bs_"):
        raise SystemExit(f"contract: `broadsheet token create` printed no token: {token!r}")
    return token


def command(base_url: str, token: str, args: argparse.Namespace, extra: list[str]) -> list[str]:
    return [
        _schemathesis(),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        PHASES,
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        *(["--max-time", str(args.max_time)] if args.max_time else []),
        # One worker: the machine has two cores and the server needs one of them.
        "--workers",
        "1",
        # Found examples are not kept between runs: the same seed gives the same run.
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        *extra,
    ]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(prog="make contract", description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=MAX_EXAMPLES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--max-time", type=int, default=MAX_TIME)
    args = parser.parse_args(argv)

    # The contract runs on SQLite in its own directory, whatever DATABASE_URL the shell has.
    os.environ["DATABASE_URL"] = ""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="broadsheet-contract-") as tmp:
        env = {
            "BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS": ADDRESS_LIMIT,
            "BROADSHEET_FETCH_ALLOW_PRIVATE": "false",  # the default (tests' servers set true)
        }
        with live_server(Path(tmp), workers=0, extra_env=env) as server:
            token = _user_and_token(server)
            cmd = command(server.base_url, token, args, extra)
            shown = [c if token not in c else c.replace(token, "bs_…") for c in cmd]
            print("contract:", " ".join(shown), flush=True)
            hooks = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}
            # A hard stop well past the budget, should schemathesis itself hang.
            deadline = (args.max_time or 600) + 300
            try:
                # In the temporary directory: schemathesis keeps a cache of the crashes it found
                # (.schemathesis/) where it runs, and would replay them first next time.
                status = subprocess.run(
                    cmd, env=hooks, cwd=tmp, check=False, timeout=deadline
                ).returncode
            except subprocess.TimeoutExpired:
                print(f"contract: schemathesis still running after {deadline} s", file=sys.stderr)
                status = 124
            if status != 0:
                print("contract: the end of the server's log:", file=sys.stderr)
                print(server.log()[-4000:], file=sys.stderr)
    took = time.monotonic() - started
    verdict = "no findings" if status == 0 else f"schemathesis exited {status}"
    print(f"contract: {verdict} in {took:.0f} s (seed {args.seed})", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
