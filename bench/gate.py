"""The extraction quality gate: Broadsheet's F1 on every benchmark set must stay at or above its
floor in bench/floors.json. Floors only rise (raise them when the engine improves).

    .venv/bin/python bench/gate.py            # run by .ci/run and `make gate`

Data: BROADSHEET_BENCH_DATA (default ../shared/bench/extraction next to the checkout).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.extraction import EXTRACTORS, FLATTENED, data_dir, score, scorer_path
from bench.metadata import SET_NAME as METADATA_SET
from bench.metadata import measure as measure_metadata

FLOORS = Path(__file__).resolve().parent / "floors.json"


def main() -> int:
    data = data_dir()
    if not scorer_path(data).exists():
        print(f"gate: no benchmark data at {data} (set BROADSHEET_BENCH_DATA)", file=sys.stderr)
        return 2
    floors: dict[str, dict[str, float]] = json.loads(FLOORS.read_text())
    metadata_floors = floors.pop("metadata", {})
    by_name = {e.name: e for e in (*EXTRACTORS, *FLATTENED)}
    failures = 0
    for name, sets in floors.items():
        for set_name, floor in sets.items():
            result = score(by_name[name], data / set_name)
            f1 = result.get("f1")
            ok = f1 is not None and f1 >= floor
            failures += not ok
            shown = "failed to run" if f1 is None else f"F1 {f1:.3f}"
            verdict = "ok" if ok else "BELOW"
            print(f"gate: {name:22} {set_name:12} {shown} (floor {floor:.3f}) {verdict}")
    failures += _metadata_gate(data, metadata_floors)
    if failures:
        print(f"gate: {failures} score(s) below their floor", file=sys.stderr)
        return 1
    return 0


def _metadata_gate(data: Path, floors: dict[str, float]) -> int:
    """Metadata accuracy per field (bench/metadata.py) against the "metadata" floors."""
    if not floors:
        return 0
    tallies = measure_metadata(data / METADATA_SET)
    failures = 0
    for field, floor in floors.items():
        tally = tallies.get(field)
        share = tally.hits / tally.given if tally is not None and tally.given else None
        ok = share is not None and share >= floor
        failures += not ok
        shown = "not measured" if share is None else f"{share:.3f}"
        verdict = "ok" if ok else "BELOW"
        print(f"gate: metadata {field:22} {shown} (floor {floor:.3f}) {verdict}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
