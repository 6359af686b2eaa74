"""One poisoned hub answer must not hold up the answers after it.

A small HTTP server on 127.0.0.1 answers from a simulated hub (rack scale) at the
workstation's clock and, once, spoils one answer: a rack time a year ahead, a power sample a
year ahead, an event id of 2^53, a hub that restarts and numbers its events from 1 again.
A real ``HubApiSource`` and ``Poller`` read it into a real cache; after the poisoned answer the
next good answers must be polled, passed on and stored.
"""

from __future__ import annotations

import copy
import json
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from console.cache import Cache
from console.hub.sim import SimulatedHub
from console.model import EventBatch, PowerSeries, RackTelemetry
from console.poller import FUTURE_TOLERANCE_S, Poller
from console.sources.hub import HubApiSource
from tests.backend_http import FakeBackend, Request, json_reply

YEAR = 365 * 86_400.0
Poison = Callable[[dict[str, Any]], dict[str, Any]]


class PoisonableHub:
    """A simulated hub behind a stub server: ``poison[path]`` spoils that path's next answer.

    ``instance=False`` leaves ``instance`` out of events answers (a hub that names no
    lifetime), ``last_id=False`` the hub's newest id; ``restart()`` replaces the hub by a new one (event ids from 1 again)."""

    def __init__(self, instance: bool = True, last_id: bool = True) -> None:
        self.send_instance = instance
        self.send_last_id = last_id
        self.lock = threading.Lock()
        self.hub = self._new_hub()
        self.poison: dict[str, Poison] = {}
        self.restarts = 0
        builds: dict[str, Callable[[Request], dict[str, Any]]] = {
            "/api/v1/site": lambda r: self.hub.site(),
            "/api/v1/racks": lambda r: self.hub.racks(),
            "/api/v1/gpus/unhealthy": lambda r: self.hub.unhealthy_gpus(),
            "/api/v1/jobs": lambda r: self.hub.jobs(),
            # 1 s steps, so a new sample is there a second later (the console asks for 10 s)
            "/api/v1/power": lambda r: self.hub.power(
                float(r.params["start"][0]), float(r.params["end"][0]), 1.0),
            "/api/v1/events": self._events,
        }
        self.backend = FakeBackend({path: self._route(path, b) for path, b in builds.items()})

    def _new_hub(self) -> SimulatedHub:
        return SimulatedHub("rack", seed=5, faults=False)

    def _events(self, request: Request) -> dict[str, Any]:
        answer = dict(self.hub.events(int(request.params.get("since", ["0"])[0])))
        if not self.send_instance:
            answer.pop("instance", None)
        if not self.send_last_id:
            answer.pop("last_id", None)
        return answer

    def _route(self, path: str, build: Callable[[Request], dict[str, Any]]) -> Any:
        def answer(request: Request) -> tuple[int, str, bytes]:
            with self.lock:
                self.hub.step(time.time())
                payload = build(request)
                spoil = self.poison.pop(path, None)
            if spoil is not None:
                payload = spoil(copy.deepcopy(payload))
            return json_reply(json.dumps(payload))

        return answer

    def add_events(self, n: int, tag: str = "") -> list[str]:
        """``n`` new events on the hub; returns their messages (unique in the test)."""
        with self.lock:
            hub = self.hub
            return [
                hub.event_log.add(hub.now, "test", "info", f"{tag} life {self.restarts} #{i}")[
                    "message"]
                for i in range(n)
            ]

    def restart(self) -> None:
        """A new hub on the same address: a new lifetime, event ids from 1 again."""
        with self.lock:
            self.restarts += 1
            start = max(time.time(), self.hub.now + 0.01)
            self.hub = SimulatedHub("rack", seed=5, faults=False, start=start)


@pytest.fixture
def stub() -> Iterator[PoisonableHub]:
    hub = PoisonableHub()
    with hub.backend:
        yield hub


@pytest.fixture
def stub_unnamed() -> Iterator[PoisonableHub]:
    hub = PoisonableHub(instance=False)
    with hub.backend:
        yield hub


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    with Cache.open(tmp_path / "poison.db") as c:
        yield c


def _poller(stub: PoisonableHub, cache: Cache) -> Poller:
    source = HubApiSource(stub.backend.url, timeout=(2.0, 5.0), retries=0)
    poller = Poller(source, cache)
    poller.context.power_window_s = 120.0
    return poller


def _stored_messages(cache: Cache) -> list[str]:
    now = time.time()
    return [e["message"] for e in cache.events(now - 86_400, now + 86_400)]


def _after(t: float) -> None:
    """Return once the clock has moved past ``t`` (hub times are kept to the millisecond)."""
    deadline = time.monotonic() + 5
    while time.time() <= t + 0.002:
        assert time.monotonic() < deadline
        time.sleep(0.001)


def test_rack_answer_a_year_ahead_is_refused_and_later_frames_are_stored(
    stub: PoisonableHub, cache: Cache
) -> None:
    poller = _poller(stub, cache)
    try:
        first = poller.poll("racks")
        assert first.ok, first.error
        stub.poison["/api/v1/racks"] = lambda p: p | {"time": p["time"] + YEAR}
        poisoned = poller.poll("racks")
        assert not poisoned.ok and poisoned.snapshot is None and poisoned.refused == 1
        assert poisoned.error is not None and "\n" not in poisoned.error
        assert poisoned.error.startswith("hub API: rack time ")
        assert poisoned.error.endswith(" is 365 d ahead of this workstation's clock; refused")
        assert first.snapshot is not None
        _after(first.snapshot.time)
        later = poller.poll("racks")
        assert later.ok and later.refused == 0
        assert isinstance(later.snapshot, RackTelemetry)
        assert later.snapshot.time > first.snapshot.time
        stored = cache.racks_at(time.time() + 1)
        assert stored is not None and stored.time == pytest.approx(later.snapshot.time)
        # Site, GPU and job answers from the future are refused the same way.
        for kind, path in (("gpus", "/api/v1/gpus/unhealthy"), ("jobs", "/api/v1/jobs"),
                           ("site", "/api/v1/site")):
            stub.poison[path] = lambda p: p | {"time": p["time"] + 3 * 3600.0}
            result = poller.poll(kind)
            assert not result.ok and result.refused == 1, kind
            assert result.error is not None and "3.0 h ahead" in result.error
            assert poller.poll(kind).ok, kind
    finally:
        poller.source.close()


def test_power_sample_a_year_ahead_is_dropped_and_later_samples_are_stored(
    stub: PoisonableHub, cache: Cache
) -> None:
    poller = _poller(stub, cache)
    try:
        first = poller.poll("power")
        assert first.ok and isinstance(first.snapshot, PowerSeries) and len(first.snapshot)

        def future_sample(p: dict[str, Any]) -> dict[str, Any]:
            for key, values in p.items():
                if isinstance(values, list) and values:
                    values.append(values[-1] + YEAR if key == "t" else values[-1])
            return p

        _after(float(first.snapshot.t[-1]) + 1.0)
        stub.poison["/api/v1/power"] = future_sample
        poisoned = poller.poll("power")
        assert poisoned.ok and poisoned.refused == 1  # the sample dropped, the rest kept
        assert isinstance(poisoned.snapshot, PowerSeries) and len(poisoned.snapshot) >= 1
        horizon = time.time() + FUTURE_TOLERANCE_S
        assert float(poisoned.snapshot.t[-1]) <= horizon
        assert poisoned.snapshot.time == float(poisoned.snapshot.t[-1])
        assert poller.context.power_since is not None and poller.context.power_since <= horizon
        newest = float(poisoned.snapshot.t[-1])
        deadline = time.monotonic() + 15
        while True:  # the hub has a new sample each second; poll until one comes
            later = poller.poll("power")
            assert later.ok and later.refused == 0, later.error
            assert isinstance(later.snapshot, PowerSeries)
            if len(later.snapshot):
                break
            assert time.monotonic() < deadline, "no power sample after the poisoned one"
            time.sleep(0.2)
        assert float(later.snapshot.t[0]) > newest
        stored = cache.power(time.time() - 600, time.time() + 2 * YEAR)
        assert float(stored.t[-1]) == pytest.approx(float(later.snapshot.t[-1]))
        assert float(stored.t.max()) <= time.time() + FUTURE_TOLERANCE_S
    finally:
        poller.source.close()


@pytest.mark.parametrize("last_id", ["same", "absent", "honest"])
def test_event_id_of_2_to_the_53_is_refused_and_later_events_are_stored(
    stub: PoisonableHub, cache: Cache, last_id: str
) -> None:
    poller = _poller(stub, cache)
    try:
        early = stub.add_events(3)
        assert poller.poll("events").ok
        cursor = poller.context.last_event_id

        def huge_id(p: dict[str, Any]) -> dict[str, Any]:
            event = dict(p["events"][-1] if p["events"] else stub.hub.events()["events"][-1])
            event["id"] = 2**53
            p["events"] = [*p["events"], event]
            if last_id == "same":
                p["last_id"] = 2**53
            elif last_id == "absent":
                p.pop("last_id")
            return p  # "honest": last_id stays the hub's own, below the id

        stub.poison["/api/v1/events"] = huge_id
        poisoned = poller.poll("events")
        assert not poisoned.ok and poisoned.error is not None
        assert poisoned.error.startswith("hub API: events: ") and "2^53" in poisoned.error
        assert poller.context.last_event_id == cursor  # the cursor never moved there
        later = stub.add_events(4)
        result = poller.poll("events")
        assert result.ok, result.error
        assert isinstance(result.snapshot, EventBatch)
        assert [e["message"] for e in result.snapshot.events] == later
        assert _stored_messages(cache) == early + later
    finally:
        poller.source.close()


def test_an_event_stamped_a_year_ahead_is_refused_alone(stub: PoisonableHub, cache: Cache) -> None:
    poller = _poller(stub, cache)
    try:
        messages = stub.add_events(3)

        def one_ahead(p: dict[str, Any]) -> dict[str, Any]:
            p["events"][1]["time"] = time.time() + YEAR
            return p

        stub.poison["/api/v1/events"] = one_ahead
        result = poller.poll("events")
        assert result.ok and result.refused == 1
        assert isinstance(result.snapshot, EventBatch)
        assert [e["message"] for e in result.snapshot.events] == [messages[0], messages[2]]
        later = stub.add_events(2)
        result = poller.poll("events")
        assert [e["message"] for e in result.snapshot.events] == later  # type: ignore[union-attr]
        assert _stored_messages(cache) == [messages[0], messages[2], *later]
    finally:
        poller.source.close()


def test_a_large_but_consistent_event_id_is_outgrown_without_loss_or_duplicates(
    stub: PoisonableHub, cache: Cache
) -> None:
    """An answer whose ids agree with its own last_id (2^40) passes the checks and moves the
    cursor; the next answer's last_id below it disowns the cursor: the lifetime is read
    again from its first event, the same lifetime (same instance), nothing stored twice."""
    poller = _poller(stub, cache)
    try:
        early = stub.add_events(3)
        assert poller.poll("events").ok

        def big_id(p: dict[str, Any]) -> dict[str, Any]:
            event = dict(stub.hub.events()["events"][-1]) | {"id": 2**40, "message": "bogus"}
            return p | {"events": [*p["events"], event], "last_id": 2**40}

        stub.poison["/api/v1/events"] = big_id
        assert poller.poll("events").ok
        assert poller.context.last_event_id == 2**40
        later = stub.add_events(2)
        result = poller.poll("events")
        assert result.ok and isinstance(result.snapshot, EventBatch)
        assert result.snapshot.restarted and result.snapshot.lifetime == stub.hub.instance
        assert poller.context.last_event_id == stub.hub.event_log.last_id
        stored = _stored_messages(cache)
        assert [m for m in stored if m != "bogus"] == early + later
    finally:
        poller.source.close()


def test_hub_restart_numbering_events_from_1_again(stub: PoisonableHub, cache: Cache) -> None:
    poller = _poller(stub, cache)
    try:
        first_life = stub.add_events(6)
        assert poller.poll("events").ok
        first_instance = stub.hub.instance
        stub.restart()  # ids from 1 again; 2 events, below the cursor (6)
        second_life = stub.add_events(2)
        result = poller.poll("events")
        assert result.ok and isinstance(result.snapshot, EventBatch)
        assert result.snapshot.restarted and result.snapshot.lifetime == stub.hub.instance
        assert result.snapshot.lifetime != first_instance
        assert [e["message"] for e in result.snapshot.events] == second_life
        more = stub.add_events(7)  # past the old cursor: ids 3..9
        assert poller.poll("events").ok
        stub.restart()  # a restart the hub's last_id cannot show: 10 events, above 9
        third_life = stub.add_events(10)
        result = poller.poll("events")
        assert result.ok and isinstance(result.snapshot, EventBatch)
        assert result.snapshot.restarted  # told by the new instance
        assert [e["message"] for e in result.snapshot.events] == third_life
        assert _stored_messages(cache) == first_life + second_life + more + third_life
    finally:
        poller.source.close()


def test_hub_naming_neither_lifetime_nor_newest_id_restarting_while_polled() -> None:
    """A hub that sends neither ``instance`` nor ``last_id``: the console asks again for its
    newest events it kept and tells a restart by their times (its new lifetime already past
    the cursor); nothing is lost or taken twice."""
    stub = PoisonableHub(instance=False, last_id=False)
    with stub.backend, Cache.open(Path(tempfile.mkdtemp()) / "anon.db") as cache:
        poller = _poller(stub, cache)
        try:
            expected = stub.add_events(5)
            assert poller.poll("events").ok
            quiet = poller.poll("events")  # asked again from the oldest kept: none new
            assert quiet.ok and isinstance(quiet.snapshot, EventBatch)
            assert quiet.snapshot.events == () and not quiet.snapshot.restarted
            expected += stub.add_events(2)
            more = poller.poll("events")
            assert isinstance(more.snapshot, EventBatch) and not more.snapshot.restarted
            assert [e["message"] for e in more.snapshot.events] == expected[5:]
            lifetime = more.snapshot.lifetime
            stub.restart()
            expected += stub.add_events(9)  # ids 1..9: past the cursor (7)
            result = poller.poll("events")
            assert result.ok and isinstance(result.snapshot, EventBatch)
            assert result.snapshot.restarted and result.snapshot.lifetime != lifetime
            assert [e["message"] for e in result.snapshot.events] == expected[7:]
            expected += stub.add_events(1)
            assert poller.poll("events").ok
        finally:
            poller.source.close()
        assert _stored_messages(cache) == expected


def test_hub_without_instance_restart_and_console_restart(
    stub_unnamed: PoisonableHub, tmp_path: Path
) -> None:
    """A hub that names no lifetime: a restart is told by its last_id below the cursor and
    stored under a lifetime the console derives; a console restarted against the same hub
    lifetime goes on with it (nothing twice), and one restarted after the hub restarted
    meanwhile (last_id already past the old cursor) tells it by the events' times."""
    stub = stub_unnamed
    path = tmp_path / "unnamed.db"
    expected: list[str] = []
    with Cache.open(path) as cache:
        poller = _poller(stub, cache)
        try:
            expected += stub.add_events(5)
            assert poller.poll("events").ok
            stub.restart()
            expected += stub.add_events(3)
            result = poller.poll("events")
            assert result.ok and isinstance(result.snapshot, EventBatch)
            assert result.snapshot.restarted and result.snapshot.instance is None
            lifetime = result.snapshot.lifetime
            assert lifetime.startswith("~")
            expected += stub.add_events(4)
            assert poller.poll("events").ok
        finally:
            poller.source.close()
        assert _stored_messages(cache) == expected
    with Cache.open(path) as cache:  # the console restarts; the hub did not
        poller = _poller(stub, cache)
        try:
            expected += stub.add_events(2)
            result = poller.poll("events")  # since 0: the whole lifetime again
            assert result.ok and isinstance(result.snapshot, EventBatch)
            assert result.snapshot.lifetime == lifetime and len(result.snapshot.events) == 9
        finally:
            poller.source.close()
        assert _stored_messages(cache) == expected
    stub.restart()  # both restart; the hub's new lifetime already has more events (12 > 9)
    expected += stub.add_events(12)
    with Cache.open(path) as cache:
        poller = _poller(stub, cache)
        try:
            result = poller.poll("events")
            assert result.ok and isinstance(result.snapshot, EventBatch)
            assert result.snapshot.lifetime not in ("", lifetime)
        finally:
            poller.source.close()
        assert _stored_messages(cache) == expected


def test_power_samples_before_the_earliest_time_are_dropped(
    stub: PoisonableHub, cache: Cache
) -> None:
    """Samples before the poller's earliest time (2000 by default; here a minute ago, as a
    site could configure) are dropped and counted, the rest of the series kept."""
    poller = _poller(stub, cache)  # asks for the last 120 s at 1 s steps
    poller.earliest_time = time.time() - 60.0
    try:
        result = poller.poll("power")
        assert result.ok and isinstance(result.snapshot, PowerSeries)
        assert result.refused >= 50 and len(result.snapshot) >= 50
        assert float(result.snapshot.t[0]) >= poller.earliest_time
        assert float(cache.power(0, time.time() + 600).t[0]) >= poller.earliest_time
    finally:
        poller.source.close()


def test_replay_of_old_recordings_is_not_refused(tmp_path: Path) -> None:
    """A cache:// replay shows recorded data of any age (its times are not checked against
    the clock), and its events cursor counts rows: two hub lifetimes with the same ids
    replay whole, once."""
    from console.decode import decode_events, decode_power, decode_racks, decode_site
    from console.sources.replay import CacheReplaySource

    t0 = 1_780_000_000.0
    hub = SimulatedHub("rack", seed=3, start=t0, faults=False)
    path = tmp_path / "old.db"
    with Cache.open(path) as recording:
        topo = decode_site(hub.site())
        recording.write_poll([topo], topology=topo)
        for life in ("A", "B"):
            hub.step(hub.now + 60)
            for i in (1, 2):
                hub.event_log.add(hub.now, "test", "info", f"{life}{i}")
            answer = hub.events(hub.event_log.last_id - 2) | {"instance": life}
            answer["events"] = [e | {"id": k} for k, e in enumerate(answer["events"], 1)]
            answer["last_id"] = 2
            recording.write_poll([decode_racks(hub.racks(), topo),
                                  decode_power(hub.power(hub.now - 300, hub.now, 10)),
                                  decode_events(answer)], topology=topo)
    source = CacheReplaySource(f"cache://{path}")
    poller = Poller(source, clock=lambda: t0 + 5 * YEAR)  # reviewed five years later
    try:
        for kind in ("site", "racks", "power"):
            result = poller.poll(kind)
            assert result.ok and result.refused == 0, (kind, result.error)
        events = poller.poll("events")
        assert events.ok and isinstance(events.snapshot, EventBatch)
        assert [e["message"] for e in events.snapshot.events] == ["A1", "A2", "B1", "B2"]
        again = poller.poll("events")
        assert again.ok and isinstance(again.snapshot, EventBatch) and not again.snapshot.events
    finally:
        source.close()
