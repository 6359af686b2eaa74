"""The live console's writer: writes kept (in memory until the cache file is there), sent in
order, each told as sent, queued or refused."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

from console.cache import Cache
from console.hub.server import HubServer
from console.shiftlog.client import LogClient
from console.shiftlog.model import validate_new
from console.shiftlog.writer import QUEUED, REFUSED, SENT, LogWriter


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_writes_kept_in_memory_move_to_the_cache_file_and_go_out_in_order(
    tmp_path: Path,
) -> None:
    port = _free_port()
    writer = LogWriter(LogClient(f"http://127.0.0.1:{port}", retries=0))
    assert writer.path is None  # no cache yet
    uid = writer.add(validate_new("Door A-03 held open", "safety", (), "Amina", True))
    writer.clear(uid, "Amina")
    report = writer.flush([("add", uid)])
    (kept,) = report.writes  # only the write asked about is told while nothing went out
    assert (kept.action, kept.outcome, kept.requested) == ("add", QUEUED, True)
    assert kept.draft is not None and kept.draft.text == "Door A-03 held open"
    assert report.pending == 2 and report.error
    with Cache.open(tmp_path / "cache.db") as cache:
        writer.use_file(cache.path)
    assert writer.path == tmp_path / "cache.db" and len(writer.outbox) == 2
    with HubServer(None, port=port, log_db=tmp_path / "log.db"):
        report = writer.flush()
    assert [(w.action, w.outcome, w.requested) for w in report.writes] == [
        ("add", SENT, True), ("clear", SENT, True)]  # asked for in this run
    assert report.writes[1].entry is not None and report.writes[1].entry.cleared_by == "Amina"
    assert report.pending == 0 and report.error is None
    writer.close()


def test_writes_kept_by_an_earlier_run_are_told_as_such(tmp_path: Path) -> None:
    port = _free_port()
    first = LogWriter(LogClient(f"http://127.0.0.1:{port}", retries=0), tmp_path / "cache.db")
    uid = first.add(validate_new("Kept over a restart", "operations", (), "Amina"))
    assert first.flush([("add", uid)]).writes[0].outcome == QUEUED
    first.close()  # the console stops with the write kept in its cache file
    again = LogWriter(LogClient(f"http://127.0.0.1:{port}", retries=0), tmp_path / "cache.db")
    with HubServer(None, port=port, log_db=tmp_path / "log.db"):
        (sent,) = again.flush().writes
    again.close()
    assert (sent.uid, sent.outcome, sent.requested) == (uid, SENT, False)


def test_a_refused_write_says_why_and_leaves(tmp_path: Path) -> None:
    with HubServer(None, log_db=tmp_path / "log.db") as hub:
        writer = LogWriter(LogClient(hub.url), tmp_path / "outbox.db")
        uid = writer.add(validate_new("A note", "operations", (), "Amina"))
        writer.flush()
        writer.clear(uid, "Bilal")  # not an open item: the hub refuses it for good
        report = writer.flush([("clear", uid)])
        writer.close()
    (refused,) = report.writes
    assert (refused.outcome, refused.requested, refused.who) == (REFUSED, True, "Bilal")
    assert refused.reason and report.pending == 0


def test_abort_ends_a_flush_held_up_by_a_silent_hub(tmp_path: Path) -> None:
    with socket.socket() as silent:  # takes connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        writer = LogWriter(LogClient(f"http://127.0.0.1:{port}", retries=0), tmp_path / "o.db")
        uid = writer.add(validate_new("Sent while closing", "operations", (), "Amina"))
        reports: list[Any] = []
        flushing = threading.Thread(target=lambda: reports.append(writer.flush([("add", uid)])))
        flushing.start()
        deadline = time.monotonic() + 5
        while not writer.client.session.adapters["http://"].poolmanager.pools.keys():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        began = time.monotonic()
        writer.abort()
        flushing.join(10)
        assert not flushing.is_alive() and time.monotonic() - began < 3
        (write,) = reports[0].writes
        assert write.outcome == QUEUED and len(writer.outbox) == 1  # kept for the next start
        writer.close()
