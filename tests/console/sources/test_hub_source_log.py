"""The hub API source's shift-log kind: changes since the last read, a hub without a log."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from backend_http import FakeBackend, Request, json_reply

from console.hub.server import HubServer
from console.shiftlog.client import LogClient
from console.shiftlog.model import LogEntry, LogSnapshot
from console.sources.base import FetchContext, SourceError
from console.sources.hub import HubApiSource


def test_the_log_kind_reads_what_changed_since_the_last_poll(tmp_path: Path) -> None:
    with HubServer(None, log_db=tmp_path / "log.sqlite") as hub, LogClient(hub.url) as writer:
        source = HubApiSource(hub.url)
        try:
            assert "log" in source.kinds
            a = writer.add("Chiller 2 tripped", "safety", [("rack", "A-01-01")], "Ann",
                           open=True)
            first = source.fetch("log", FetchContext())
            assert isinstance(first, LogSnapshot) and first.kind == "log"
            assert [e.uid for e in first.entries] == [a.uid] and source.log_rev == 1
            assert source.fetch("log", FetchContext()).entries == ()  # nothing new
            writer.clear(a.id, "Bob")
            b = writer.add("Tenant call", "customer", (), "Bob")
            later = source.fetch("log", FetchContext())
            assert [(e.uid, e.cleared_by) for e in later.entries] == [(a.uid, "Bob"),
                                                                      (b.uid, None)]
            assert later.rev == source.log_rev == 3
        finally:
            source.close()


def test_a_log_replaced_on_the_hub_is_read_again_from_its_start(tmp_path: Path) -> None:
    with HubServer(None, log_db=tmp_path / "new.sqlite") as hub, LogClient(hub.url) as writer:
        entry = writer.add("in the new file", "operations", (), "Ann")
        source = HubApiSource(hub.url)
        try:
            source.log_rev = 40  # read up to rev 40 of the file it had before
            assert [e.uid for e in source.fetch("log", FetchContext()).entries] == [entry.uid]
            assert source.log_rev == 1
        finally:
            source.close()


def test_a_long_log_comes_in_pages_within_one_poll() -> None:
    def page(since: int) -> dict:
        entries = [LogEntry(i, f"u{i}", 1_790_000_000.0 + i, "a", "operations", "x",
                            rev=i).to_dict() for i in range(since + 1, min(since + 3, 5) + 1)]
        rev = entries[-1]["rev"] if entries else since
        return {"time": 1_790_000_100.0, "rev": rev if rev < 5 else 5, "more": rev < 5,
                "entries": entries}

    def answer(request: Request) -> tuple[int, str, bytes]:
        since = int(request.params["since_rev"][0])
        return json_reply(json.dumps(page(since)))

    with FakeBackend({"/api/v1/log": answer}) as backend:
        source = HubApiSource(backend.url)
        try:
            snap = source.fetch("log", FetchContext())
            assert [e.id for e in snap.entries] == [1, 2, 3, 4, 5] and snap.rev == 5
            assert len(backend.requests) == 2 and not snap.more
        finally:
            source.close()


def test_a_hub_without_a_log_says_so_once_and_is_not_asked_again(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with FakeBackend() as old_hub:  # every path: 404
        source = HubApiSource(old_hub.url)
        try:
            with pytest.raises(SourceError, match="this hub keeps no shift log"):
                source.fetch("log", FetchContext())
            assert "log" not in source.kinds and "log" in HubApiSource.kinds
            asked = len(old_hub.requests)
            for _ in range(3):
                snap = source.fetch("log", FetchContext())
                assert isinstance(snap, LogSnapshot) and snap.entries == ()
            assert len(old_hub.requests) == asked == 1
            assert caplog.text.count("keeps no shift log") == 1
        finally:
            source.close()


def test_an_answer_that_cannot_be_right_moves_no_revision() -> None:
    bad = {"time": 1_790_000_100.0, "rev": 2, "entries": [
        LogEntry(1, "u", 1_790_000_000.0, "a", "operations", "x", rev=7).to_dict()]}
    with FakeBackend({"/api/v1/log": json_reply(json.dumps(bad))}) as backend:
        source = HubApiSource(backend.url)
        try:
            with pytest.raises(SourceError, match="newer than the answer's rev 2"):
                source.fetch("log", FetchContext())
            assert source.log_rev == 0
        finally:
            source.close()
