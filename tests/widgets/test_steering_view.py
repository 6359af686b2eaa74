"""SteeringView: the advice from what the feed brings, the jobs counted as plain text."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt

from console.decode import jobs_from_records
from tests.console.test_jobs import NOW, job
from tests.console.test_steering import forecast, racks, topology
from widgets.steering import COLUMNS, SteeringView
from widgets.text import isolate

EVIL = "\u202eevil\u202c <b>x</b>"


@pytest.fixture
def view(qtbot: Any) -> SteeringView:
    v = SteeringView()
    qtbot.addWidget(v)
    v.resize(900, 500)
    yield v
    v.stop()


def feed(view: SteeringView, *snapshots: Any) -> None:
    view.set_topology(topology())
    for s in snapshots:
        view.apply(s)
    view.flush()


def jobs() -> Any:
    return jobs_from_records([
        job(id=7, partition="preempt", state="RUNNING", reason="None", gpus=72, tenant=EVIL,
            racks=["A-01-01"], start_time=NOW - 600),
        job(id=8, partition="gpu-gb200", state="RUNNING", reason="None", gpus=72,
            racks=["A-01-02"], start_time=NOW - 600),
        job(id=9, partition="preempt", state="PENDING", gpus=8),
    ], NOW, received=NOW)


def test_advice_and_the_jobs_it_counts(view: SteeringView) -> None:
    hours = np.arange(96) / 4
    renew = np.where((hours >= 10) & (hours < 16), 140.0, 60.0)
    feed(view, jobs(), racks([1440.0, 100.0, 12.0, 8.0]), forecast(renew, np.full(96, 100.0)))
    assert view.advice.ok
    assert view.headline.text().startswith("Moving 1.8 MW of deferrable work from ")
    assert view.headline.textFormat() == Qt.TextFormat.PlainText
    assert "1.4 MW running (1 jobs)" in view.figures.text()
    assert view.model.rowCount() == 2  # the two deferrable jobs, running first
    assert [view.model.index(r, 0).data() for r in range(2)] == ["7", "9"]
    tenant = view.model.index(0, COLUMNS.index("Tenant")).data()
    assert tenant == isolate(EVIL)  # as written, isolated: never reorders the row
    assert view.basis.text().startswith("It only advises")


def test_no_forecast_says_so(view: SteeringView) -> None:
    feed(view, jobs(), racks([1440.0, 100.0, 12.0, 8.0]))
    assert not view.advice.ok
    assert view.headline.text() == "No advice: no forecast."
    assert view.model.rowCount() == 2 and view.basis.text() == ""
