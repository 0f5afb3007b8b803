"""The extraction quality gate: Broadsheet's F1 on every benchmark set must stay at or above its
floor in bench/floors.json. F1 is deterministic, so a floor sits 0.001 under the measured figure:
a change that costs a set more than that fails the gate.

    .venv/bin/python bench/gate.py                  # run by .ci/run and `make gate`
    .venv/bin/python bench/gate.py --raise-floors   # floors to measured - 0.001 after a gain
    .venv/bin/python bench/gate.py --raise-floors --lower   # a reviewed, accepted drop

--raise-floors rewrites floors.json from this run: each floor becomes the measured figure minus
0.001 (rounded down to four places), never lower than it was unless --lower is given too. The
run still fails when a figure is below its old floor and --lower is not given.

Data: BROADSHEET_BENCH_DATA (default ../shared/bench/extraction next to the checkout).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.extraction import EXTRACTORS, FLATTENED, data_dir, score, scorer_path
from bench.metadata import SET_NAME as METADATA_SET
from bench.metadata import measure as measure_metadata

FLOORS = Path(__file__).resolve().parent / "floors.json"
# How far under a deterministic figure its floor sits.
MARGIN = 0.001

Floors = dict[str, dict[str, float]]


def floor_for(measured: float) -> float:
    """The floor a measured figure gets: MARGIN under it, rounded down to four places."""
    return math.floor(round((measured - MARGIN) * 10_000, 6)) / 10_000


def raised_floors(
    floors: Floors, measured: dict[str, dict[str, float | None]], *, lower: bool
) -> Floors:
    """floors with every measured figure's floor moved to floor_for(figure): up always, down only
    when `lower`. A figure that was not measured (None, or absent) keeps its floor."""
    new: Floors = {group: dict(values) for group, values in floors.items()}
    for group, values in measured.items():
        for name, figure in values.items():
            if figure is None:
                continue
            target = floor_for(figure)
            old = new.get(group, {}).get(name)
            if old is None or target > old or lower:
                new.setdefault(group, {})[name] = target
    return new


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--raise-floors", action="store_true", help="rewrite floors.json to measured - 0.001"
    )
    ap.add_argument(
        "--lower", action="store_true", help="with --raise-floors: let floors go down too"
    )
    args = ap.parse_args([] if argv is None else argv)
    data = data_dir()
    if not scorer_path(data).exists():
        print(f"gate: no benchmark data at {data} (set BROADSHEET_BENCH_DATA)", file=sys.stderr)
        return 2
    floors: Floors = json.loads(FLOORS.read_text())
    metadata_floors = floors.get("metadata", {})
    by_name = {e.name: e for e in (*EXTRACTORS, *FLATTENED)}
    measured: dict[str, dict[str, float | None]] = {}
    failures = 0
    for name, sets in floors.items():
        if name == "metadata":
            continue
        for set_name, floor in sets.items():
            result = score(by_name[name], data / set_name)
            f1 = result.get("f1")
            measured.setdefault(name, {})[set_name] = f1
            ok = f1 is not None and f1 >= floor
            failures += not ok
            shown = "failed to run" if f1 is None else f"F1 {f1:.4f}"
            verdict = "ok" if ok else "BELOW"
            print(f"gate: {name:22} {set_name:12} {shown} (floor {floor:.4f}) {verdict}")
    shares, metadata_failures = _metadata_gate(data, metadata_floors)
    failures += metadata_failures
    measured["metadata"] = shares
    if args.raise_floors:
        new = raised_floors(floors, measured, lower=args.lower)
        FLOORS.write_text(json.dumps(new, indent=2) + "\n")
        print(f"gate: wrote {FLOORS}")
        if args.lower:
            return 0
    if failures:
        print(f"gate: {failures} score(s) below their floor", file=sys.stderr)
        return 1
    return 0


def _metadata_gate(data: Path, floors: dict[str, float]) -> tuple[dict[str, float | None], int]:
    """Metadata accuracy per field (bench/metadata.py) against the "metadata" floors: the
    measured shares, and how many fell below their floor."""
    if not floors:
        return {}, 0
    tallies = measure_metadata(data / METADATA_SET)
    failures = 0
    shares: dict[str, float | None] = {}
    for field, floor in floors.items():
        tally = tallies.get(field)
        share = tally.hits / tally.given if tally is not None and tally.given else None
        shares[field] = share
        ok = share is not None and share >= floor
        failures += not ok
        shown = "not measured" if share is None else f"{share:.4f}"
        verdict = "ok" if ok else "BELOW"
        print(f"gate: metadata {field:22} {shown} (floor {floor:.4f}) {verdict}")
    return shares, failures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
