"""The simulated hub in a process of its own (console.hub.process): it starts and says where it
listens, keeps its shift log, sends its log records here, says why it cannot start, and never
outlives the process that started it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from console.hub.process import HubProcess, HubProcessError
from console.shiftlog.store import LogStore, default_sim_log_path

ROOT = Path(__file__).resolve().parents[3]


def gone(pid: int) -> bool:
    """The process has ended (a zombie nobody reaped counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_gone(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.05)
    return gone(pid)


def _entry(text: str) -> dict[str, Any]:
    return {"uid": str(uuid.uuid4()), "author": "Ann", "category": "safety", "text": text,
            "links": [], "open": False}


def _logged(path: Path) -> list[str]:
    store = LogStore(path)
    try:
        entries, _, _ = store.changes(0)
        return [e.text for e in entries]
    finally:
        store.close()


def test_the_child_serves_the_hub_and_stops_cleanly(tmp_path: Path) -> None:
    proc = HubProcess("rack", 3, tick_s=0.5, log_db=tmp_path / "log.sqlite")
    url = proc.start()
    try:
        assert url.startswith("http://127.0.0.1:") and proc.pid not in (None, os.getpid())
        health = requests.get(f"{url}/healthz", timeout=10).json()
        assert health["status"] == "ok" and health["scale"] == "rack"
        answer = requests.post(f"{url}/api/v1/log", json=_entry("Chiller 2 tripped"), timeout=10)
        assert answer.status_code == 201
    finally:
        proc.stop()
    assert proc.pid is not None and proc._proc is not None
    assert proc._proc.returncode == 0  # ended by itself at the end of its stdin, not killed
    assert not proc.alive()
    assert _logged(tmp_path / "log.sqlite") == ["Chiller 2 tripped"]  # the log was closed
    proc.stop()  # again: nothing happens


def test_the_shift_log_goes_to_the_same_default_file_as_in_the_console() -> None:
    proc = HubProcess("rack", 3, tick_s=60)
    url = proc.start()
    try:
        answer = requests.post(f"{url}/api/v1/log", json=_entry("Hall A walk-through"),
                               timeout=10)
        assert answer.status_code == 201
    finally:
        proc.stop()
    assert _logged(default_sim_log_path()) == ["Hall A walk-through"]


def test_the_childs_log_records_are_logged_here(caplog: pytest.LogCaptureFixture,
                                                tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)  # the child logs at the level this process logs at
    proc = HubProcess("rack", 3, tick_s=60, log_db=tmp_path / "log.sqlite")
    url = proc.start()
    try:
        requests.get(f"{url}/healthz", timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            r.name == "console.hub.server" and "/healthz" in r.getMessage()
            for r in caplog.records
        ):
            time.sleep(0.05)
    finally:
        proc.stop()
    assert any(r.name == "console.hub.server" and "/healthz" in r.getMessage()
               for r in caplog.records)


def test_a_hub_that_cannot_be_built_says_why(tmp_path: Path) -> None:
    proc = HubProcess("moon", 3, log_db=tmp_path / "log.sqlite")
    with pytest.raises(HubProcessError, match="ValueError: unknown scale 'moon'"):
        proc.start()
    assert proc.pid is not None and wait_gone(proc.pid)


def _fake_child(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    monkeypatch.setattr(HubProcess, "command", lambda self: [sys.executable, "-c", code])


def test_a_child_that_dies_before_answering_passes_its_last_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_child(monkeypatch, "raise SystemExit('numpy is missing')")
    proc = HubProcess("rack", 3)
    with pytest.raises(HubProcessError,
                       match=r"numpy is missing \(its process ended with exit code 1\)"):
        proc.start()


def test_a_silent_child_is_ended_after_the_start_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_child(monkeypatch, "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                             "time.sleep(60)")
    proc = HubProcess("rack", 3, start_timeout_s=0.5)
    t0 = time.monotonic()
    with pytest.raises(HubProcessError, match=r"no answer within 0.5 s"):
        proc.start()
    assert proc.pid is not None and gone(proc.pid)  # killed, even ignoring SIGTERM
    assert time.monotonic() - t0 < 30


def test_a_stop_during_the_start_ends_the_child_and_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_child(monkeypatch, "import sys\nsys.stdin.read()")  # never answers; ends at EOF
    proc = HubProcess("rack", 3)
    failed: list[BaseException] = []

    def start() -> None:
        try:
            proc.start()
        except HubProcessError as exc:
            failed.append(exc)

    starter = threading.Thread(target=start)
    starter.start()
    deadline = time.monotonic() + 10
    while proc.pid is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.stop()
    starter.join(timeout=10)
    assert not starter.is_alive()
    assert len(failed) == 1 and "closed while starting" in str(failed[0])
    with pytest.raises(HubProcessError, match="closed before it started"):
        proc.start()


PARENT = """
import sys
from console.hub.process import HubProcess
proc = HubProcess("rack", 3, tick_s=0.5, log_db=sys.argv[1])
proc.start()
print(proc.pid, flush=True)
sys.stdin.read()  # until the test kills this process
"""


def test_a_killed_parent_leaves_no_hub_behind(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path / "log.sqlite")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert not gone(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_gone(child), f"the hub process {child} outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for stream in (parent.stdin, parent.stdout):
            if stream is not None:
                stream.close()


def test_the_hub_is_built_with_the_collector_off_then_frozen_out_of_its_sight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import argparse
    import gc

    import console.hub.server
    import console.hub.sim
    from console.hub import process

    seen: list[bool] = []

    class Hub:
        def __init__(self, **kwargs: object) -> None:
            seen.append(gc.isenabled())

    class Server:
        def __init__(self, hub: object, **kwargs: object) -> None:
            seen.append(gc.isenabled())

    monkeypatch.setattr(console.hub.sim, "SimulatedHub", Hub)
    monkeypatch.setattr(console.hub.server, "HubServer", Server)
    args = argparse.Namespace(scale="rack", seed=1, tick=2.0, log_db=None)
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        assert isinstance(process._build(args), Server)
        assert seen == [False, False] and gc.isenabled()
        assert gc.get_freeze_count() > frozen  # what the build made: out of its sight

        class Broken(Hub):
            def __init__(self, **kwargs: object) -> None:
                raise ValueError("no such scale")

        monkeypatch.setattr(console.hub.sim, "SimulatedHub", Broken)
        with pytest.raises(ValueError):
            process._build(args)
        assert gc.isenabled()  # back on, though nothing was built
    finally:
        gc.unfreeze()
