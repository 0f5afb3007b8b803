"""bench/gate.py --raise-floors: floors move to the measured figure minus 0.001, never down
unless asked."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.gate import floor_for, raised_floors


def test_a_floor_sits_a_thousandth_under_the_figure_rounded_down() -> None:
    assert floor_for(0.98234) == pytest.approx(0.9813)
    assert floor_for(0.9) == pytest.approx(0.899)
    assert floor_for(0.98234) <= 0.98234 - 0.001


def test_floors_rise_to_the_measured_figures() -> None:
    floors = {"broadsheet": {"scrapinghub": 0.977, "dragnet": 0.91}}
    measured: dict[str, dict[str, float | None]] = {
        "broadsheet": {"scrapinghub": 0.982, "dragnet": 0.9157}
    }
    new = raised_floors(floors, measured, lower=False)
    assert new == {"broadsheet": {"scrapinghub": 0.981, "dragnet": 0.9147}}
    assert floors["broadsheet"]["scrapinghub"] == 0.977  # the input is left as it was


def test_a_floor_never_drops_unless_lowering_is_asked_for() -> None:
    floors = {"broadsheet": {"cleaneval": 0.904}, "metadata": {"title": 0.96}}
    measured: dict[str, dict[str, float | None]] = {
        "broadsheet": {"cleaneval": 0.8},
        "metadata": {"title": 0.99},
    }
    kept = raised_floors(floors, measured, lower=False)
    assert kept["broadsheet"]["cleaneval"] == 0.904
    assert kept["metadata"]["title"] == pytest.approx(0.989)
    lowered = raised_floors(floors, measured, lower=True)
    assert lowered["broadsheet"]["cleaneval"] == pytest.approx(0.799)


def test_a_figure_not_measured_keeps_its_floor_and_a_new_one_gets_one() -> None:
    floors = {"broadsheet": {"scrapinghub": 0.977}}
    measured: dict[str, dict[str, float | None]] = {
        "broadsheet": {"scrapinghub": None, "multilingual": 0.9062}
    }
    new = raised_floors(floors, measured, lower=True)
    assert new == {"broadsheet": {"scrapinghub": 0.977, "multilingual": 0.9052}}
