"""Qt-free helpers the views lean on, and the main window's status line, over hostile values."""

from __future__ import annotations

import math
from typing import Any

import pytest

from console.alarms.rules import PRIORITIES
from console.alarms.state import Alarm
from console.model import JobsSnapshot, RackTelemetry, SiteTopology
from console.power import shift_bounds, shift_name


def test_alarm_with_a_rule_or_priority_that_is_not_text() -> None:
    alarm = Alarm(id="x", rule=["row_cooling"], priority={"p": 1}, state="UNACK",  # type: ignore[arg-type]
                  active=True, message="m", time=0.0, changed=0.0)
    assert alarm.priority_rank == len(PRIORITIES)  # sorts after every known priority
    assert alarm.action == "" and alarm.consequence == "" and alarm.respond_min is None


@pytest.mark.parametrize("t", [-1e308, 1e308, math.nan, math.inf])
def test_shift_of_a_time_no_clock_shows_is_a_value_error(t: float) -> None:
    with pytest.raises(ValueError):
        shift_bounds(t)
    with pytest.raises(ValueError):
        shift_name(t)


def test_status_line_over_a_wild_hub_clock_and_a_nan_invalid_count(qtbot: Any) -> None:
    from widgets.main_window import MainWindow

    window = MainWindow("sim://faults", feed=None)
    qtbot.addWidget(window)
    topo = SiteTopology(time=1.0e9, racks=())  # type: ignore[call-arg]
    racks = RackTelemetry(time=-1e308, fields={}, received=1.0e9)  # type: ignore[call-arg]
    jobs = JobsSnapshot(time=1.0e9, invalid=math.nan)  # type: ignore[call-arg]
    window.latest.update({"site": topo, "racks": racks, "jobs": jobs})
    window.refresh_ages()  # raised (int of NaN) or printed a 309-digit clock offset
    text = window.age_status.text()
    assert len(text) < 200 and "hub clock" in text
    assert "invalid job" not in window.nodata_status.text()
