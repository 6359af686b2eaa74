"""End to end: a cooling failure on the simulated hub is polled into the cache, raises
alarms that form one incident, is acknowledged and returns to normal, with every step in
the journal; reviewing the cache then shows the rack map at the incident's peak as it was
live."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.alarms.rules import ACKED, NORMAL, RTN_UNACK, UNACK
from console.alarms.service import AlarmService
from console.cache import Cache
from console.hub.server import HubServer
from console.hub.sim import SimulatedHub
from console.poller import Poller
from console.sources.hub import HubApiSource
from widgets.review import open_review_window

ROW = "A-03"
KINDS = ("racks", "gpus", "power", "events")


class LiveRun:
    """Polls a hall-scale simulated hub whose clock the test moves, as the worker would."""

    def __init__(self, path: Path) -> None:
        self.hub = SimulatedHub("hall", seed=21, start=time.time() - 7200, faults=False)
        self.server = HubServer(self.hub, tick_s=3600).start()
        self.source = HubApiSource(self.server.url, retries=0)
        self.cache = Cache.open(path)
        self.poller = Poller(self.source, self.cache)
        self.alarms = AlarmService(cache=self.cache)
        self.update: Any = None
        self.racks: dict[float, Any] = {}
        self.cycle()

    def cycle(self, seconds: float = 0.0) -> None:
        if seconds:
            self.hub.step(self.hub.now + seconds)
        for kind in ("site", *KINDS) if self.poller.context.topology is None else KINDS:
            result = self.poller.poll(kind)
            assert result.ok, result.error
            self.update = self.alarms.on_poll(kind, result.snapshot, True, time.time())
            if kind == "racks":
                self.racks[result.snapshot.time] = result.snapshot

    def row_alarms(self) -> list[Any]:
        return [a for a in self.update.alarms if ROW in a.area or (a.rack or "").startswith(ROW)]

    def close(self) -> None:
        self.cache.close()
        self.source.close()
        self.server.stop()


@pytest.fixture(scope="module")
def incident_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LiveRun]:
    path = tmp_path_factory.mktemp("incident") / "live.db"
    run = LiveRun(path)
    try:
        for _ in range(4):
            run.cycle(30)
        assert not run.row_alarms()
        run.hub.inject("cooling_loss", ROW)
        for _ in range(24):
            run.cycle(30)
        run.raised = [a for a in run.row_alarms() if a.state in (UNACK, RTN_UNACK)]
        for alarm in run.raised:
            run.alarms.acknowledge(alarm.id, "Amina B.", "CRAH of A-03 tripped; technician on the way")
        run.hub.clear_fault("cooling_loss", ROW)
        for _ in range(40):
            run.cycle(30)
            if not run.row_alarms():
                break
    finally:
        run.close()
    return path, run


def test_cooling_failure_alarms_incident_and_journal(incident_cache: tuple[Path, LiveRun]) -> None:
    path, run = incident_cache
    assert run.raised, "a cooling loss must raise alarms on its row"
    assert [a.id for a in run.raised] == [f"cooling_loss:row:{ROW}"]  # one cause, one alarm
    assert not run.row_alarms(), "after the repair every alarm of the row is back to normal"
    with Cache.open(path, readonly=True) as cache:
        journal = cache.journal()
        incidents = [i for i in cache.incidents() if any(r.startswith(ROW) for r in i["racks"])]
    assert len(incidents) == 1, incidents
    assert incidents[0]["end"] is not None
    for alarm in run.raised:
        steps = [(e["state_from"], e["state_to"]) for e in journal if e["alarm_id"] == alarm.id]
        assert steps[0] == (NORMAL, UNACK) and steps[-1][1] == NORMAL, steps
        acks = [e for e in journal if e["alarm_id"] == alarm.id and e["operator"]]
        assert len(acks) == 1 and acks[0]["operator"] == "Amina B." and "CRAH" in acks[0]["comment"]
        # acknowledged while active (-> ACKED) or after it returned (-> NORMAL at once)
        assert acks[0]["state_to"] in (ACKED, NORMAL)
    assert any(step[1] == ACKED for a in run.raised for step in
               [(e["state_from"], e["state_to"]) for e in journal if e["alarm_id"] == a.id])


def test_review_shows_the_map_at_the_peak_as_it_was_live(
    qtbot: Any, incident_cache: tuple[Path, LiveRun]
) -> None:
    path, run = incident_cache
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.feed.seeked, timeout=30_000):
        window.feed.start()
    scrubber = window.scrubber
    assert scrubber.incident_box.count() >= 2  # the prompt, then the incident
    # The peak: the live poll with the hottest mean inlet on the row.
    topology = window.topology
    rows = [i for i, rid in enumerate(topology.rack_ids) if rid.startswith(ROW)]
    peak_t = max(run.racks, key=lambda t: float(np.nanmean(run.racks[t]["inlet_c"][rows])))
    live = run.racks[peak_t]
    rackmap = window.views["rackmap"]
    rackmap.set_overlay("inlet")
    with qtbot.waitSignal(window.feed.seeked, timeout=30_000):
        scrubber.seek(peak_t)
    assert window.latest["racks"].time == pytest.approx(peak_t)
    rackmap.flush()
    for i in rows:
        rid = topology.rack_ids[i]
        assert rackmap.value_of(rid) == pytest.approx(float(live["inlet_c"][i]), abs=0.06)
    assert max(rackmap.value_of(topology.rack_ids[i]) for i in rows) > 32.0
    window.close()
