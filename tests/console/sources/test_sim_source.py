"""``sim://``: the simulated hub in a process of its own by default (read over HTTP, faults
injected over the hub API), on this process's threads with ``process=0``, and never left
behind by a console that dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from console.hub import prestart as hub_prestart
from console.hub.sim import SimulatedHub
from console.sources.base import FetchContext, SourceError, open_source
from console.sources.sim import SimSource, parse_sim_url, prestart, sim_in_process

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


def test_the_url_says_where_the_hub_runs() -> None:
    assert parse_sim_url("sim://rack?seed=3&process=0") == ("rack", 3)
    assert not sim_in_process("sim://tetouan") and not sim_in_process("sim://rack?process=1")
    assert sim_in_process("sim://rack?process=0") and sim_in_process("sim://rack?process=false")
    with pytest.raises(ValueError, match="process must be 1 .* or 0"):
        parse_sim_url("sim://rack?process=maybe")


def test_by_default_the_hub_runs_in_a_child_process(tmp_path: Path) -> None:
    source = open_source("sim://rack?seed=3", timeout=(2.0, 10.0))
    assert isinstance(source, SimSource) and not source.in_process
    with pytest.raises(AttributeError, match=r"in_process=True \(or \?process=0\)"):
        source.hub  # noqa: B018 - the property raises
    source.start()
    try:
        assert source.process is not None
        pid = source.process.pid
        assert pid is not None and pid != os.getpid() and not gone(pid)
        assert source.display_url == "sim://rack?seed=3"
        context = FetchContext()
        site = source.fetch("site", context)
        context.topology = site  # type: ignore[assignment]
        assert source.fetch("racks", context).kind == "racks"
        first = source.fetch("events", context)
        context.last_event_id = first.last_id  # type: ignore[attr-defined]

        event = source.inject("xid", "A-01-01", xid=79)
        assert event["kind"] == "xid"
        events = source.fetch("events", context).events  # type: ignore[attr-defined]
        assert any(e["kind"] == "xid" for e in events)
        source.clear_fault("xid")

        source.set_outage(True)
        with pytest.raises(SourceError, match="HTTP 503"):
            source.fetch("racks", context)
        source.set_outage(False)
        assert source.fetch("racks", context).kind == "racks"
    finally:
        source.close()
    assert wait_gone(pid)
    source.close()  # again: nothing happens


def test_process_0_keeps_the_hub_on_this_process_threads(tmp_path: Path) -> None:
    for source in (SimSource("sim://rack?process=0", tick_s=60, log_db=tmp_path / "a.sqlite"),
                   SimSource("sim://rack", tick_s=60, in_process=True,
                             log_db=tmp_path / "b.sqlite")):
        assert source.in_process and source.process is None
        assert isinstance(source.hub, SimulatedHub)
        with source:
            site = source.fetch("site", FetchContext())
            assert site.kind == "site"
            assert source.inject("thermal", "A-01-01")["kind"] == "thermal"
            assert source.hub.events()["events"][-1]["kind"] == "thermal"  # the same hub


def test_a_hub_that_does_not_start_is_a_source_error(tmp_path: Path) -> None:
    source = SimSource("sim://rack", log_db=tmp_path / "log.sqlite")
    assert source.process is not None
    source.process.scale = "moon"  # the child refuses it
    with pytest.raises(SourceError, match="the simulated hub did not start: "
                                          "ValueError: unknown scale 'moon'"):
        source.start()
    source.close()
    with pytest.raises(SourceError, match="not started"):
        source.set_outage(True)


def test_a_hub_started_ahead_is_taken_over_by_its_source(tmp_path: Path) -> None:
    assert not prestart("http://127.0.0.1:1") and not prestart("sim://rack?process=0")
    assert not prestart("sim://moon")
    assert prestart("sim://rack?seed=4", log_db=tmp_path / "log.sqlite")
    assert prestart("sim://rack?seed=4", log_db=tmp_path / "log.sqlite")  # once only
    assert prestart("sim://rack?seed=5", log_db=tmp_path / "log.sqlite")  # nobody takes it
    ahead = hub_prestart.started()
    assert len(ahead) == 2
    first = next(p for k, p in ahead.items() if k[1] == 4)
    other = next(p for k, p in ahead.items() if k[1] == 5)
    source = SimSource("sim://rack?seed=4", log_db=tmp_path / "log.sqlite")
    assert source.process is first and first.pid is not None
    try:
        source.start()
        assert source.fetch("site", FetchContext()).kind == "site"
    finally:
        source.close()
    assert wait_gone(first.pid)
    assert other.pid is not None and not gone(other.pid)
    hub_prestart.stop_all()  # as at exit: the one nobody took over ends
    assert wait_gone(other.pid) and not hub_prestart.started()


CONSOLE = """
import sys, threading
from console.sources import open_source
source = open_source("sim://rack", timeout=(2.0, 10.0))
# As the live session does: made and started on a worker thread, which then ends.
worker = threading.Thread(target=source.start)
worker.start()
worker.join()
print(source.process.pid, source._base, flush=True)
sys.stdin.read()  # until the test kills this process
"""


def test_a_killed_console_leaves_no_hub_behind() -> None:
    console = subprocess.Popen([sys.executable, "-c", CONSOLE], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert console.stdout is not None
        pid, url = console.stdout.readline().split()
        # The hub outlives the thread that started it...
        assert requests.get(f"{url}/healthz", timeout=10).json()["status"] == "ok"
        os.kill(console.pid, signal.SIGKILL)
        console.wait(timeout=10)
        # ...but not the console.
        assert wait_gone(int(pid)), f"the hub process {pid} outlived the killed console"
    finally:
        if console.poll() is None:
            console.kill()
            console.wait()
        for stream in (console.stdin, console.stdout):
            if stream is not None:
                stream.close()
