"""The shift log's client and outbox against a real hub on 127.0.0.1: two workstations on
one log, entries written while the hub is down arriving exactly once, refusals reported."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from backend_http import FakeBackend

from console.hub.server import HubServer
from console.hub.sim import SimulatedHub
from console.shiftlog.client import (
    LogAuthError,
    LogClient,
    LogRefused,
    LogUnavailable,
    NoShiftLog,
    read_pages,
)
from console.shiftlog.model import LogEntry, LogError, LogSnapshot, new_uid, validate_new
from console.shiftlog.outbox import Outbox
from console.sources.http import Limits

FAST = Limits((1.0, 5.0), 5.0, 8.0)
"""Limits for a hub on loopback: a stopped hub is told at once (connection refused)."""
TOKEN = "client-t0ken-456"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubServer]:
    """The simulated hub at 'rack' scale (racks A-01-01 and E-01-01), with a token."""
    with HubServer(SimulatedHub("rack", seed=1), token=TOKEN, tick_s=60,
                   log_db=tmp_path / "hub-log.sqlite") as server:
        yield server


def _client(url: str, outbox: Outbox | None = None, token: str | None = TOKEN) -> LogClient:
    return LogClient(url, token=token, limits=FAST, retries=0, outbox=outbox)


def test_two_workstations_write_and_read_one_log(hub: HubServer) -> None:
    with _client(hub.url) as one, _client(hub.url) as two:
        a = one.add("Chiller 2 tripped; on standby", "safety", [("rack", "A-01-01")], "Ann",
                    open=True)
        b = two.add("Tenant asked about job 48213", "customer", [("job", "48213")], "Bob")
        seen = two.entries()
        assert [(e.uid, e.author) for e in seen.entries] == [(a.uid, "Ann"), (b.uid, "Bob")]
        assert seen.rev == 2 and not seen.more
        cleared = two.clear(a.id, "Bob")  # the second workstation clears the first's item
        changes = one.entries(seen.rev)  # the first hears of it since its last read
        assert [(e.uid, e.cleared_by) for e in changes.entries] == [(a.uid, "Bob")]
        assert changes.entries[0] == cleared and changes.rev == 3
        with pytest.raises(LogRefused) as exc:
            one.clear(a.uid, "Ann")  # the first tries too: told who cleared it
        assert exc.value.status == 409 and exc.value.cleared_by == "Bob"
        assert str(exc.value).startswith(f"entry {a.id} already cleared by Bob at ")
        assert one.entries(open_only=True).entries == ()


def test_an_entry_written_while_the_hub_is_down_arrives_exactly_once(tmp_path: Path) -> None:
    db = tmp_path / "hub-log.sqlite"
    outbox = Outbox(tmp_path / "cache.db")
    server = HubServer(None, log_db=db).start()
    port = server.port
    client = _client(server.url, outbox)
    try:
        assert client.submit("before", "operations", (), "Ann").entry is not None
        server.stop()  # the hub goes down
        first = client.submit("while down 1", "maintenance", [("rack", "A-01-01")], "Ann",
                              open=True)
        second = client.submit("while down 2", "operations", (), "Ann")
        assert first.entry is None and second.entry is None
        assert second.report.pending == 2 and "cannot connect" in (second.report.error or "")
        assert [i.uid for i in outbox.pending()] == [first.uid, second.uid]
        assert client.flush().pending == 2  # still down: kept, in order
        server = HubServer(None, port=port, log_db=db).start()  # back, on the same port
        report = client.flush()
        assert [e.uid for e in report.sent] == [first.uid, second.uid]
        assert report.pending == 0 and report.error is None and not report.refused
        assert client.flush().sent == []  # nothing is sent twice
        entries = client.read_all().entries
        assert [e.text for e in entries] == ["before", "while down 1", "while down 2"]
        assert len({e.uid for e in entries}) == 3  # one entry each
        assert entries[1].id < entries[2].id  # in the order they were written
    finally:
        server.stop()
        client.close()
        outbox.close()


def test_a_write_whose_answer_was_lost_is_not_written_twice(hub: HubServer,
                                                            tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "cache.db")
    with _client(hub.url, outbox) as client:
        entry = validate_new("kept once", "operations", (), "Ann")
        uid = new_uid()
        outbox.put("add", uid, entry.to_body(uid))
        taken = client.post_entry(entry, uid)  # the hub took it; its answer "never came"
        again = client.post_entry(entry, uid)  # a repeated POST of the same uid
        report = client.flush()  # and the outbox sends it once more
        assert again == taken and report.sent == [taken] and report.pending == 0
        assert [e.uid for e in client.read_all().entries] == [uid]
    outbox.close()


def test_the_outbox_outlives_the_console(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    down = "http://127.0.0.1:9"  # nothing listens there
    with Outbox(path) as outbox, _client(down, outbox) as client:
        uid = client.submit("written offline", "safety", (), "Ann", open=True).uid
        clear = client.submit_clear(uid, "Ann")
        assert clear.entry is None and clear.report.pending == 2
    with Outbox(path) as outbox:  # the console restarted
        assert [(i.action, i.uid) for i in outbox.pending()] == [("add", uid), ("clear", uid)]
        first = outbox.pending()[0]
        assert first.attempts == 2 and "cannot connect" in (first.last_error or "")


def test_a_refused_write_leaves_the_outbox_with_the_hubs_reason(hub: HubServer,
                                                                tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "cache.db")
    with _client(hub.url, outbox) as client:
        # checked here without the topology; the hub knows its racks
        bad = client.submit("rack Z", "maintenance", [("rack", "Z-99-99")], "Ann")
        good = client.submit("rack A", "maintenance", [("rack", "A-01-01")], "Ann")
        assert bad.entry is None and good.entry is not None
        refusal = bad.report.refused[0]
        assert refusal.item.uid == bad.uid and refusal.status == 400
        assert "no rack 'Z-99-99'" in refusal.reason
        assert len(outbox) == 0
        gone = client.submit_clear(new_uid(), "Ann")  # an entry the hub does not hold
        assert gone.report.refused[0].status == 404 and len(outbox) == 0
        with pytest.raises(LogError, match="unknown category"):
            client.submit("x", "gossip", (), "Ann")  # refused here: never kept
        assert len(outbox) == 0
    outbox.close()


def test_a_wrong_token_keeps_the_writes(hub: HubServer, tmp_path: Path,
                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    outbox = Outbox(tmp_path / "cache.db")
    with _client(hub.url, outbox, token="wrong-t0ken-789") as client:
        kept = client.submit("x", "operations", (), "Ann")
        assert kept.entry is None and kept.report.pending == 1
        assert "token refused" in (kept.report.error or "")
        with pytest.raises(LogAuthError):
            client.entries()
        assert "wrong-t0ken-789" not in repr(client)
    with _client(hub.url, outbox) as client:  # the token put right
        assert [e.uid for e in client.flush().sent] == [kept.uid]
    assert "wrong-t0ken-789" not in caplog.text and TOKEN not in caplog.text
    outbox.close()


def test_a_hub_without_a_log_keeps_the_writes(tmp_path: Path) -> None:
    outbox = Outbox(None)  # in memory only
    with FakeBackend() as old_hub, _client(old_hub.url, outbox) as client:
        with pytest.raises(NoShiftLog, match="this hub keeps no shift log"):
            client.entries()
        kept = client.submit("x", "operations", (), "Ann")
        assert kept.report.pending == 1 and "keeps no shift log" in (kept.report.error or "")
        assert all(r.path == "/api/v1/log" and r.method == "GET" for r in old_hub.requests)


def test_the_hub_going_away_is_unavailable_not_refused() -> None:
    with _client("http://127.0.0.1:9") as client:
        with pytest.raises(LogUnavailable, match="cannot connect"):
            client.add("x", "operations", (), "Ann")
        with pytest.raises(LogError):
            client.add("", "operations", (), "Ann")  # checked before anything is sent
    with pytest.raises(ValueError, match="not a hub API URL"):
        LogClient("sim://tetouan")


def _entry(n: int, rev: int, cleared: bool = False) -> LogEntry:
    return LogEntry(id=n, uid=f"u{n}", time=1e9 + n, author="a", category="note",
                    text=f"entry {n}", open=True, cleared_by="b" if cleared else None,
                    cleared_at=1e9 + rev if cleared else None, rev=rev)


def test_read_pages_merges_pages_and_starts_again_on_a_replaced_log() -> None:
    # three pages; entry 1 is cleared between the first and the last: it comes once, cleared
    pages = {
        5: LogSnapshot(time=1.0, entries=(_entry(1, 6), _entry(2, 7)), rev=7, more=True),
        7: LogSnapshot(time=2.0, entries=(_entry(3, 8),), rev=8, more=True),
        8: LogSnapshot(time=3.0, entries=(_entry(1, 9, cleared=True),), rev=9, more=False),
    }
    asked: list[int] = []

    def page(rev: int) -> LogSnapshot:
        asked.append(rev)
        return pages[rev]

    snap = read_pages(page, 5, pages=10)
    assert asked == [5, 7, 8] and snap.rev == 9 and not snap.more
    assert {e.uid: e.cleared for e in snap.entries} == {"u1": True, "u2": False, "u3": False}
    # a cap on pages: where to go on next time, and that there is more
    asked.clear()
    snap = read_pages(page, 5, pages=2)
    assert asked == [5, 7] and snap.rev == 8 and snap.more
    # a log restored to an older revision is read again from its start, its old entries gone
    restored = {
        9: LogSnapshot(time=4.0, entries=(), rev=2, more=False),
        0: LogSnapshot(time=4.0, entries=(_entry(7, 1), _entry(8, 2)), rev=2, more=False),
    }
    snap = read_pages(restored.__getitem__, 9, pages=10)
    assert snap.rev == 2 and {e.uid for e in snap.entries} == {"u7", "u8"}
    # a hub that says "more" without moving on is not asked forever
    stuck = LogSnapshot(time=5.0, entries=(), rev=4, more=True)
    asked.clear()
    snap = read_pages(lambda rev: asked.append(rev) or stuck, 4, pages=1000)
    assert asked == [4] and snap.rev == 4
