"""A hub that holds one kind's answer up to the deadline holds back no other kind.

The hub on 127.0.0.1 serves recorded answers (bench/fuzz_answers.py), except the rack
telemetry, which it trickles a byte every 0.5 s without end. The live feed fetches each kind
on a lane of its own: events and unhealthy GPUs keep arriving every poll interval while the
rack poll waits for its deadline, which then fails it with one line; closing the feed ends
the request under way at once.
"""

from __future__ import annotations

import time
from typing import Any

from bench.faults_http import HostileServer, reply, trickle
from bench.fuzz_answers import ENDPOINTS, record_answers
from console.poller import PollResult
from console.sources.hub import HubApiSource
from widgets.live import LiveFeed

DEADLINE_S = 2.0
INTERVALS = {"site": 300.0, "racks": 0.3, "gpus": 0.3, "events": 0.3}


def test_a_trickled_kind_holds_back_no_other(qtbot: Any) -> None:
    answers = record_answers().answers
    routes = {ENDPOINTS[k]: reply(200, answers[k]) for k in ("site", "gpus", "events")}
    routes[ENDPOINTS["racks"]] = trickle(0.5)
    with HostileServer(reply(404, b"{}"), routes) as server:
        feed = LiveFeed(lambda: HubApiSource(server.url, deadline_s=DEADLINE_S),
                        intervals=dict(INTERVALS))
        results: list[tuple[float, PollResult]] = []
        feed.polled.connect(lambda r: results.append((time.monotonic(), r)))

        def of(kind: str) -> list[tuple[float, PollResult]]:
            return [(t, r) for t, r in results if r.kind == kind]

        t0 = time.monotonic()
        feed.start()
        try:
            qtbot.waitUntil(lambda: len(of("racks")) >= 1, timeout=int(DEADLINE_S * 1000) + 5000)
            took, racks = of("racks")[0]
            took -= t0
            assert not racks.ok and "deadline" in str(racks.error), racks.error
            assert "\n" not in str(racks.error)
            assert DEADLINE_S - 0.2 < took < DEADLINE_S + 2.0  # +2: a loaded 2-core machine
            # meanwhile the other kinds came at their interval, every one of them good
            before = [(t - t0, r) for t, r in of("events") + of("gpus") if t - t0 < took]
            assert all(r.ok for _, r in before), [r.error for _, r in before]
            # at 0.3 s for 2 s: 6 each on an idle machine (one thread: none before the rack
            # poll's deadline)
            assert len([1 for _, r in before if r.kind == "events"]) >= 2
            assert len([1 for _, r in before if r.kind == "gpus"]) >= 2
            # the trickled kind was not asked again while its answer was under way (the next
            # rack poll may start as soon as the first has failed, before we look)
            asked = [t for t, p in server.arrived if p.startswith(ENDPOINTS["racks"])]
            assert asked and all(t >= asked[0] + DEADLINE_S - 0.05 for t in asked[1:]), \
                [round(t - asked[0], 2) for t in asked]
            # closing ends the request still under way (the second rack poll) at once
            qtbot.waitUntil(lambda: len(
                [p for _, p, _ in server.requests if p.startswith(ENDPOINTS["racks"])]) >= 2,
                timeout=5000)
        finally:
            t_stop = time.monotonic()
            feed.stop()
            stop_s = time.monotonic() - t_stop
        print(f"rack poll failed after {took:.2f} s (deadline {DEADLINE_S:g} s); "
              f"{len(before)} other polls meanwhile; feed stopped in {stop_s:.2f} s")
        assert stop_s < 1.5
