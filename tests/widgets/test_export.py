"""Shift handover export: the pack's files, its figures, the PDF text, and bad input."""

from __future__ import annotations

import argparse
import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.cache import Cache
from console.decode import (
    decode_power,
    decode_racks,
    decode_site,
    decode_unhealthy,
    jobs_from_records,
)
from console.handover import (
    ExportError,
    ExportRequest,
    ShiftWindow,
    build_handover,
    job_kpis,
)
from console.model import PowerSeries

ROOT = Path(__file__).resolve().parents[2]
HTML_JOB = "<b>x</b><img src=y>"
HTML_USER = "<i>eve</i>&amp;"
NOTES = "Chiller CH-3 on manual.\nCall <facilities> at 07:00 & check row A-03."


def _args(**kw: Any) -> ExportRequest:
    return ExportRequest(**({"out": None} | kw))


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, timeout=60, check=True)
    return out.stdout


def _jobs(shift: ShiftWindow) -> list[dict[str, Any]]:
    s, e = shift.start, shift.end
    base = {"tenant": "Atlas Vision", "tenant_kind": "startup", "tenant_country": "MA",
            "partition": "gpu-h200", "reason": None, "nodes": 1, "racks": ["A-01-01"],
            "submit_time": s - 7200, "time_limit_s": 86400.0}
    return [
        base | {"id": 1, "name": HTML_JOB, "user": HTML_USER, "state": "FAILED", "gpus": 8,
                "start_time": s - 3600, "end_time": s + 3600},  # 1 h in shift: 8 GPU-h
        base | {"id": 2, "name": "done", "user": "a", "state": "COMPLETED", "gpus": 4,
                "start_time": s + 600, "end_time": s + 4200},  # 4 GPU-h
        base | {"id": 3, "name": "long", "user": "b", "state": "RUNNING", "gpus": 16,
                "start_time": s - 86400, "end_time": None},  # whole shift: 128 GPU-h
        base | {"id": 4, "name": "old", "user": "c", "state": "COMPLETED", "gpus": 64,
                "start_time": s - 9000, "end_time": s - 60},  # before the shift
        base | {"id": 5, "name": "queued", "user": "d", "state": "PENDING", "gpus": 2,
                "start_time": None, "end_time": None},
        base | {"id": 6, "name": "late", "user": "e", "state": "FAILED", "gpus": 1,
                "start_time": e - 1800, "end_time": e + 60},  # ends after: 0.5 GPU-h
    ]


def _journal(shift: ShiftWindow) -> list[dict[str, Any]]:
    s = shift.start
    entry = {"source": "rack_inlet", "rack": "A-03-07", "priority": "high", "operator": "",
             "comment": ""}
    msg = "Inlet 33.1 °C above 32 °C <script>alert(1)</script>"
    return [
        entry | {"time": s - 600, "alarm_id": "old", "state_from": "NORMAL", "state_to": "UNACK",
                 "message": "raised before the shift"},
        entry | {"time": s + 900, "alarm_id": "a1", "state_from": "NORMAL", "state_to": "UNACK",
                 "message": msg},
        entry | {"time": s + 1200, "alarm_id": "a1", "state_from": "UNACK", "state_to": "ACKED",
                 "operator": "Samira", "comment": "chiller check", "message": msg},
        entry | {"time": s + 1500, "alarm_id": "a2", "state_from": "NORMAL", "state_to": "UNACK",
                 "priority": "critical", "message": "XID 79 on A-03-07"},
        entry | {"time": s + 1600, "alarm_id": "a2", "state_from": "UNACK",
                 "state_to": "SHELVED", "priority": "critical", "operator": "Samira",
                 "comment": "RMA open", "message": "XID 79 on A-03-07"},
    ]


@pytest.fixture(scope="module")
def shift_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ShiftWindow]:
    """A cache holding one complete shift of a 'hall' simulated hub, with alarms."""
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="hall", seed=11, start=1_780_000_000.0)
    shift = ShiftWindow.default(hub.now)
    path = tmp_path_factory.mktemp("cache") / "shift.db"
    site = hub.site() | {"time": shift.start - 900}
    topo = decode_site(site, received=shift.start - 900)
    racks = hub.racks()
    unhealthy = hub.unhealthy_gpus()
    with Cache.open(path) as cache:
        cache.write_poll([topo])
        for k in range(18):
            t = shift.start - 300 + k * 1800
            cache.write_poll([decode_racks(racks | {"time": t}, topo, received=t)], topology=topo)
        power = decode_power(hub.power(shift.start - 600, shift.end + 600, 10))
        cache.write_poll([power], topology=topo)
        start_counts = dict(unhealthy["counts"])
        end_counts = start_counts | {"failed": start_counts["failed"] + 3,
                                     "healthy": start_counts["healthy"] - 3}
        for t, counts in ((shift.start - 30, start_counts), (shift.end - 30, end_counts)):
            u = decode_unhealthy(unhealthy | {"time": t, "counts": counts}, received=t)
            cache.write_poll([u], topology=topo)
        for t in (shift.start - 20, shift.end - 20):
            cache.write_poll([jobs_from_records(_jobs(shift), t, received=t)], topology=topo)
        cache.append_journal(_journal(shift))
        cache.save_incident({"start": shift.start + 900, "end": shift.start + 4000,
                             "title": "Row A-03 <hot>", "racks": ["A-03-07"],
                             "gpus": ["GPU-1"], "jobs": [1], "alarm_ids": ["a1", "a2"],
                             "note": "Tenant <b>asked</b> for a refund"})
    return path, shift


def _energy(p: PowerSeries, name: str, shift: ShiftWindow) -> float:
    inside = (p.t >= shift.start) & (p.t < shift.end)
    return float(np.nansum(np.asarray(p.fields[name])[inside]) * 10.0 / 3600.0)


def test_pack_from_cache_matches_the_cache(
    qapp: Any, shift_cache: tuple[Path, ShiftWindow], tmp_path: Path
) -> None:
    from widgets.export import run_export

    cache_path, shift = shift_cache
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    out = tmp_path / "pack"
    assert run_export(_args(out=str(out), review=str(cache_path), notes=str(notes))) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["alarms.png", "gpus.png", "handover.pdf", "jobs.png", "power.png",
                            "rackmap.png", "summary.json", "shift_log.csv", "open_items.csv",
                            "cleared_items.csv"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pack")]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["shift"]["start"] == shift.start and summary["shift"]["end"] == shift.end

    with Cache.open(cache_path, readonly=True) as cache:
        p = cache.power(shift.start, shift.end)
    power = summary["power"]
    energy = power["energy"]
    for key, name in (("solar", "solar_mw"), ("wind", "wind_mw"), ("grid_import", "grid_mw"),
                      ("battery_discharge", "battery_discharge_mw"),
                      ("facility", "facility_mw"), ("it", "it_mw")):
        assert energy[key]["unit"] == "MWh"
        assert energy[key]["value"] == pytest.approx(_energy(p, name, shift), rel=1e-6, abs=1e-3)
    inside = (p.t >= shift.start) & (p.t < shift.end)
    fac, it = p.fields["facility_mw"][inside], p.fields["it_mw"][inside]
    assert power["facility_load_avg"] == {"value": pytest.approx(np.nanmean(fac), rel=1e-6),
                                          "unit": "MW"}
    assert power["facility_load_peak"]["value"] == pytest.approx(np.nanmax(fac), rel=1e-6)
    assert power["it_load_peak"]["value"] == pytest.approx(np.nanmax(it), rel=1e-6)
    e_fac, e_grid = _energy(p, "facility_mw", shift), _energy(p, "grid_mw", shift)
    assert power["renewable_share"]["value"] == pytest.approx(100 * (e_fac - e_grid) / e_fac,
                                                              rel=1e-5)
    assert power["pue"]["value"] == pytest.approx(e_fac / _energy(p, "it_mw", shift), rel=1e-5)
    tonnes = float(np.nansum(fac * p.fields["carbon_g_per_kwh"][inside]) * 10 / 3600 / 1000)
    assert power["carbon_emitted"] == {"value": pytest.approx(tonnes, rel=1e-5), "unit": "tCO2"}
    assert power["carbon_intensity_avg"]["value"] == pytest.approx(tonnes * 1000 / e_fac, rel=1e-5)

    gpus = summary["gpus"]
    assert gpus["end"]["failed"]["value"] == gpus["start"]["failed"]["value"] + 3
    jobs = summary["jobs"]
    assert jobs["completed"]["value"] == 1 and jobs["failed"]["value"] == 1
    assert jobs["gpu_hours_delivered"]["value"] == pytest.approx(
        8 + 4 + 16 * (shift.hours - 20 / 3600) + 0.5)  # running: up to the last job list
    alarms = summary["alarms"]
    assert alarms["raised"]["value"] == 2 and alarms["acknowledged"]["value"] == 1
    assert alarms["still_open"]["value"] == 2  # "old" (before the shift) and a1
    assert alarms["shelved"]["value"] == 1
    assert summary["incidents"][0]["title"] == "Row A-03 <hot>"
    assert [e["state_to"] for e in summary["incidents"][0]["timeline"]] == [
        "UNACK", "ACKED", "UNACK", "SHELVED"]
    assert summary["notes"] == NOTES

    text = _pdf_text(out / "handover.pdf")
    flat = " ".join(text.split())
    for needle in ("Facility load, average", "Renewable share", "PUE", "Carbon emitted",
                   "GPU-hours delivered", "Alarms raised in the shift", "Operator notes"):
        assert needle in flat
    assert f"{power['facility_load_avg']['value']:,.1f}" in flat
    assert f"{energy['grid_import']['value']:,.1f}" in flat
    assert f"{power['pue']['value']:.3f}" in flat
    assert HTML_JOB in flat and "<i>eve</i>&amp;" in flat
    assert "<script>alert(1)</script>" in flat
    assert "Tenant <b>asked</b> for a refund" in flat and "Call <facilities> at 07:00" in flat
    assert "Page 1 of" in flat and shift.label_utc() in flat


def test_summary_has_a_unit_on_every_figure(shift_cache: tuple[Path, ShiftWindow]) -> None:
    from console.handover.collect import collect_from_cache

    _, data = collect_from_cache(shift_cache[0], shift_cache[1])
    summary = data.to_summary_json()
    json.dumps(summary, allow_nan=False)

    def walk(node: Any) -> int:
        if isinstance(node, dict):
            if "value" in node:
                assert isinstance(node.get("unit"), str) and node["unit"], node
                return 1
            return sum(walk(v) for v in node.values())
        return 0

    assert walk({k: summary[k] for k in ("power", "gpus", "jobs", "site")}) >= 30


def test_shift_outside_the_cache_names_the_range(
    qapp: Any, shift_cache: tuple[Path, ShiftWindow], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from widgets.export import run_export

    cache_path, shift = shift_cache
    code = run_export(_args(out=str(tmp_path / "p"), review=str(cache_path),
                            shift="2020-01-01T06:00..2020-01-01T14:00"))
    err = capsys.readouterr().err.strip()
    assert code != 0 and len(err.splitlines()) == 1
    first = shift.local(shift.start - 300).strftime("%Y-%m-%d %H:%M")
    assert "outside the cache" in err and first in err
    assert not (tmp_path / "p").exists()


def test_writes_beside_other_files_and_refuses_an_earlier_pack_unless_forced(
    qapp: Any, shift_cache: tuple[Path, ShiftWindow], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from widgets.export import PACK_FILES, run_export

    out = tmp_path / "pack"
    out.mkdir()
    (out / "keep.txt").write_text("mine")  # a log or a note: not a pack
    assert run_export(_args(out=str(out), review=str(shift_cache[0]))) == 0
    assert (out / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == sorted([*PACK_FILES, "keep.txt"])
    summary = (out / "summary.json").read_bytes()
    assert run_export(_args(out=str(out), review=str(shift_cache[0]))) != 0
    assert "already holds a handover pack" in capsys.readouterr().err
    assert (out / "summary.json").read_bytes() == summary  # the earlier pack untouched
    assert run_export(_args(out=str(out), review=str(shift_cache[0]), force=True)) == 0
    assert not (out / "keep.txt").exists() and (out / "summary.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["pack"]


def test_no_write_permission_is_one_clear_line(
    qapp: Any, shift_cache: tuple[Path, ShiftWindow], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from widgets.export import run_export

    if os.geteuid() == 0:  # root ignores file modes; /sys refuses new folders to anyone
        parent = Path("/sys")
    else:
        parent = tmp_path / "locked"
        parent.mkdir()
        parent.chmod(0o555)
    before = sorted(os.listdir(parent))
    try:
        code = run_export(_args(out=str(parent / "handover"), review=str(shift_cache[0])))
    finally:
        if parent != Path("/sys"):
            parent.chmod(0o755)
    err = capsys.readouterr().err.strip()
    assert code != 0 and len(err.splitlines()) == 1 and "no permission" in err
    assert "Traceback" not in err
    assert sorted(os.listdir(parent)) == before


def test_disk_full_leaves_nothing(
    shift_cache: tuple[Path, ShiftWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import console.handover.pack as pack
    from console.handover.collect import collect_from_cache

    _, data = collect_from_cache(shift_cache[0], shift_cache[1])

    def full(*_: Any, **__: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pack.json, "dump", full)
    with pytest.raises(pack.ExportError, match="disk full"):
        pack.write_pack(tmp_path / "pack", data)
    assert list(tmp_path.iterdir()) == []


def test_job_and_alarm_figures() -> None:
    shift = ShiftWindow(1_780_000_000.0, 1_780_028_800.0)
    jobs = [r | {"_as_of": shift.end} for r in _jobs(shift)]
    k = job_kpis(jobs, shift)
    assert (k["completed"], k["failed"]) == (1, 1)
    assert k["gpu_hours"] == pytest.approx(8 + 4 + 128 + 0.5)
    assert k["failed_jobs"][0]["name"] == HTML_JOB
    data = build_handover(shift, journal=_journal(shift))
    assert data.alarms["raised"] == 2 and data.alarms["acknowledged"] == 1
    assert [a["alarm_id"] for a in data.alarms["shelved"]] == ["a2"]
    assert data.power["samples"] == 0 and "no power data for the shift" in data.warnings


def test_shift_window_parsing() -> None:
    w = ShiftWindow.parse("2026-11-28T06:00..2026-11-28T14:00")
    assert w.hours == 8 and w.start == 1_795_842_000.0  # 05:00 UTC (UTC+01:00)
    assert ShiftWindow.parse("2026-11-28T22:00..06:00").hours == 8
    assert ShiftWindow.parse("1795842000..1795870800") == w
    assert ShiftWindow.parse("2026-11-28T05:00Z..2026-11-28T13:00+00:00") == w
    assert ShiftWindow.default(1_795_850_000.0) == ShiftWindow.parse(
        "2026-11-27T22:00..2026-11-28T06:00")
    live = ShiftWindow.default(1_795_850_000.0, live=True)
    assert live.start == w.start and live.end == 1_795_850_000.0 and live.partial
    for bad in ("yesterday", "2026-11-28T06:00", "2026-11-28T14:00..2026-11-28T06:00",
                "2026-11-01T00:00..2026-11-28T00:00"):
        with pytest.raises(ValueError):
            ShiftWindow.parse(bad)


# -- headless command against bad and good sources --------------------------------------
_SCRIPT = (  # as main.py runs it: logging configured at WARNING
    "import logging, sys\n"
    "logging.basicConfig(level=logging.WARNING)\n"
    "from console.handover.request import ExportRequest\n"
    "from widgets.export import run_export\n"
    "sys.exit(run_export(ExportRequest(out=sys.argv[1], source=sys.argv[2], timeout=8.0)))\n"
)


def _run_cli(out: Path, source: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", _SCRIPT, str(out), source], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=90)


def test_source_down_fails_fast_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    done = _run_cli(tmp_path / "pack", f"http://127.0.0.1:{port}")
    assert time.monotonic() - t0 < 60
    err = done.stderr.strip()
    assert done.returncode != 0 and len(err.splitlines()) == 1, err
    assert "cannot connect" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


class _Garbage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        body = b"<html>it works</html>" if "site" in self.path else b'{"time": "soon"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


def test_source_answering_garbage_fails_with_one_line(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        done = _run_cli(tmp_path / "pack", f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    err = done.stderr.strip()
    assert done.returncode != 0 and len(err.splitlines()) == 1, err
    assert "invalid JSON" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


class _Silent(BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.release.wait(60)

    def log_message(self, *_: Any) -> None:
        pass


def test_source_that_never_answers_is_bounded(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Silent)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    t0 = time.monotonic()
    try:
        done = _run_cli(tmp_path / "pack", f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        _Silent.release.set()
        server.shutdown()
        server.server_close()
    assert time.monotonic() - t0 < 40  # the command's own limit is 8 s (timeout=8.0)
    err = done.stderr.strip()
    assert done.returncode != 0 and len(err.splitlines()) == 1, err
    assert "no valid data within 8 s" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_pack_from_the_simulated_hub(tmp_path: Path) -> None:
    done = _run_cli(tmp_path / "pack", "sim://hall")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "pack"
    assert len(list(out.glob("*.png"))) == 5
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["shift"]["in_progress"] or summary["shift"]["duration"]["value"] > 0
    assert summary["power"]["facility_load_avg"]["value"] > 0
    assert summary["gpus"]["end"]["healthy"]["value"] > 0
    if shutil.which("pdftotext"):
        assert "Shift handover" in _pdf_text(out / "handover.pdf")


def test_export_dialog_writes_the_pack(qtbot: Any, tmp_path: Path) -> None:
    from console.decode import decode_jobs
    from console.hub.sim import SimulatedHub
    from widgets.export_dialog import ExportDialog
    from widgets.main_window import MainWindow

    hub = SimulatedHub(scale="rack", seed=3)
    window = MainWindow("sim://rack", feed=None)
    qtbot.addWidget(window)
    topo = decode_site(hub.site())
    window.apply(topo)
    window.apply(decode_racks(hub.racks(), topo))
    window.apply(decode_unhealthy(hub.unhealthy_gpus()))
    window.apply(decode_jobs(hub.jobs()))
    window.apply(decode_power(hub.power(hub.now - 3 * 3600, hub.now, 10)))
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path / "pack"))
    dialog.notes.setPlainText(NOTES)
    assert dialog.export_now(), dialog.error
    summary = json.loads((tmp_path / "pack" / "summary.json").read_text(encoding="utf-8"))
    assert summary["notes"] == NOTES and summary["source"] == "sim://rack"
    assert len(list((tmp_path / "pack").glob("*.png"))) == 5
    dialog2 = ExportDialog(window)
    qtbot.addWidget(dialog2)
    dialog2.folder.setText(str(tmp_path / "pack"))
    assert not dialog2.export_now() and "already holds a handover pack" in (dialog2.error or "")
    window.stop()


def test_review_at_a_time_picks_its_shift(
    qapp: Any, shift_cache: tuple[Path, ShiftWindow], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from widgets.export import run_export

    cache_path, shift = shift_cache
    at = shift.start + 3600
    assert run_export(_args(out=str(tmp_path / "p"), review=str(cache_path), at=f"{at:.0f}")) == 0
    summary = json.loads((tmp_path / "p" / "summary.json").read_text(encoding="utf-8"))
    assert summary["views_at"] == at and summary["shift"]["start"] == shift.start
    code = run_export(_args(out=str(tmp_path / "q"), review=str(cache_path),
                            shift=f"{shift.start:.0f}..{shift.end:.0f}", at="2020-01-01T00:00"))
    err = capsys.readouterr().err
    assert code != 0 and "outside the cache" in err and not (tmp_path / "q").exists()


# -- the Qt-free pack writer, the request, the one parse_time ------------------------------
def test_pack_writer_refuses_an_incomplete_pdf_and_leaves_nothing(tmp_path: Path) -> None:
    """The pack writer takes rendered bytes; a PDF without its end (a full disk while
    rendering) is refused as a disk full, and no folder is left behind."""
    from console.handover.pack import PackFile, write_pack

    data = build_handover(ShiftWindow(1_780_000_000.0, 1_780_028_800.0))
    seen: list[tuple[int, int, str]] = []
    files = [PackFile("power.png", "Capturing power", lambda: b"\x89PNG fake"),
             PackFile("handover.pdf", "Writing the report (PDF)", lambda: b"%PDF-1.4 cut")]
    with pytest.raises(ExportError, match="disk full"):
        write_pack(tmp_path / "pack", data, files, progress=lambda *a: seen.append(a))
    assert list(tmp_path.iterdir()) == [] and [s[2] for s in seen][:2] == [
        "Capturing power", "Writing the report (PDF)"]
    files[1] = PackFile("handover.pdf", "Writing the report (PDF)", lambda: b"%PDF-1.4\n%%EOF\n")
    out = write_pack(tmp_path / "pack", data, files, notes="hand over")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"] == ["handover.pdf", "power.png", "summary.json"]
    assert summary["notes"] == "hand over"


def test_pack_writer_takes_files_still_being_encoded(tmp_path: Path) -> None:
    """A file rendered as a future (a PNG encoded on another thread) is written once it is
    done; one whose encoding failed fails the pack like a failed write, leaving nothing."""
    from concurrent.futures import Future

    from console.handover.pack import PackFile, write_pack

    data = build_handover(ShiftWindow(1_780_000_000.0, 1_780_028_800.0))
    done: Future[bytes] = Future()
    done.set_result(b"\x89PNG encoded")
    failed: Future[bytes] = Future()
    failed.set_exception(OSError(5, "PNG not written"))
    pdf = PackFile("handover.pdf", "Writing the report (PDF)", lambda: b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(ExportError, match="PNG not written"):
        write_pack(tmp_path / "pack", data, [PackFile("power.png", "Capturing power",
                                                      lambda: failed), pdf])
    assert list(tmp_path.iterdir()) == []
    out = write_pack(tmp_path / "pack", data, [PackFile("power.png", "Capturing power",
                                                        lambda: done), pdf])
    assert (out / "power.png").read_bytes() == b"\x89PNG encoded"


def test_export_request_from_parsed_arguments() -> None:
    args = argparse.Namespace(out="p", review="c.db", shift=None, at="1780000000", notes=None,
                              force=True, timeout=None, settings=None)
    request = ExportRequest.from_namespace(args)
    assert request == ExportRequest(out="p", review="c.db", at="1780000000", force=True)


def test_main_reads_times_with_the_one_strict_parse_time() -> None:
    """main.py review --at takes the handover's parse_time: an epoch no hub can hold
    (0, NaN, infinity) is refused as the export refuses it, not read as 1970."""
    import main

    assert main.parse_time("2026-11-28T06:00") == 1_795_842_000.0  # 05:00 UTC (+01:00)
    for bad in ("0", "nan", "inf", "yesterday", ""):
        with pytest.raises(main.CliError):
            main.parse_time(bad)


def test_every_view_is_drawn_at_the_shot_size(qapp: Any, qtbot: Any) -> None:
    """A view in a dock was laid back to the dock's size as it was grabbed: the image was a
    small one scaled up (labels blown up, the rack map behind its legend)."""
    from widgets.export import SHOT_SIZE, grab_view
    from widgets.main_window import MainWindow

    window = MainWindow("sim://shots", feed=None)
    qtbot.addWidget(window)
    drawn: dict[str, tuple[int, int]] = {}
    for key, view in window.views.items():
        grab = view.grab

        def recording(*args: Any, key: str = key, grab: Any = grab) -> Any:
            pixmap = grab(*args)
            drawn[key] = (pixmap.width(), pixmap.height())
            return pixmap

        view.grab = recording
        before_max = view.maximumSize()
        grab_view(view)
        assert view.maximumSize() == before_max  # the view can be resized again afterwards
    assert drawn and all(size == SHOT_SIZE for size in drawn.values()), drawn


def test_the_packs_power_view_shows_the_forecast_collected(qtbot: Any, tmp_path: Path) -> None:
    """A forecast read with the shift's data reaches the pack's power view (not 'forecast
    absent: none received yet')."""
    from PySide6.QtCore import QSettings

    from console.forecast import decode_forecast
    from console.handover.data import build_handover
    from console.hub.sim import SimulatedHub
    from widgets.export import apply_snapshots
    from widgets.main_window import MainWindow

    hub = SimulatedHub("rack", seed=3)
    window = MainWindow("sim://rack", feed=None,
                        settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    forecast = decode_forecast(hub.forecast(24), now=hub.now)
    shift = ShiftWindow.default(hub.now, live=True)
    apply_snapshots(window, {"site": decode_site(hub.site()), "forecast": forecast},
                    build_handover(shift))
    assert window.views["power"].forecast is forecast
    window.stop()


def test_the_source_is_read_while_the_export_window_is_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The command asks its source before the window is ready (a sim:// hub's build and
    answers pass while Qt and the views load), on a thread of its own."""
    from contextlib import contextmanager

    import console.handover.collect as collect_module
    import widgets.export as export

    asked = threading.Event()
    seen: dict[str, Any] = {}

    def collect(*args: Any, **kwargs: Any) -> Any:
        seen["thread"] = threading.current_thread()
        asked.set()
        raise ExportError("the source stops here")

    @contextmanager
    def window(lang: str | None = None) -> Any:
        seen["asked while the window was built"] = asked.wait(10)
        yield object()

    monkeypatch.setattr(collect_module, "collect", collect)
    monkeypatch.setattr(export, "_export_window", window)
    assert export.run_export(_args(out=str(tmp_path / "p"), source="sim://rack")) == 1
    assert seen["asked while the window was built"]
    assert seen["thread"] is not threading.main_thread()
    assert not (tmp_path / "p").exists()


def test_the_export_window_builds_only_the_views_of_the_pack(qapp: Any) -> None:
    """The window an export renders in builds the views the pack shows and leaves the
    others (maintenance, shift log, steering, tenants, idle GPUs) unbuilt."""
    from console.handover.report import VIEW_TITLES
    from widgets.export import _export_window, unshown_views
    from widgets.main_window import VIEW_SPECS

    shown = [key for key, _ in VIEW_TITLES]
    assert set(unshown_views(VIEW_SPECS)) == {spec[0] for spec in VIEW_SPECS} - set(shown)
    assert "maintenance" in unshown_views(VIEW_SPECS)
    with _export_window() as window:
        assert sorted(window.views) == sorted(shown)


def _sim_window_views(window: Any) -> None:
    """Show a small simulated site in ``window`` (site, racks, GPUs, jobs, power)."""
    from console.decode import decode_jobs
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="rack", seed=3)
    topo = decode_site(hub.site())
    window.apply(topo)
    window.apply(decode_racks(hub.racks(), topo))
    window.apply(decode_unhealthy(hub.unhealthy_gpus()))
    window.apply(decode_jobs(hub.jobs()))
    window.apply(decode_power(hub.power(hub.now - 3 * 3600, hub.now, 10)))


def test_views_grabbed_with_the_layouts_held_leave_the_other_docks_alone(qapp: Any) -> None:
    """While the export grabs one view at the shot's size, the window's docks are not laid
    out again around it (the rack map re-arranged its halls for every view grabbed), and
    the shot is the same as with the layouts free; the layouts work again after."""
    from PySide6.QtCore import QEvent, QObject

    from widgets.export import _export_window, _layouts_held, grab_view

    class Resizes(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.seen = 0

        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt name
            if event.type() == QEvent.Type.Resize:
                self.seen += 1
            return False

    with _export_window() as window:
        _sim_window_views(window)
        free = grab_view(window.views["gpus"])
        rackmap, resizes = window.views["rackmap"], Resizes()
        rackmap.installEventFilter(resizes)
        with _layouts_held(window):
            assert not window.dock_host.layout().isEnabled()
            held = grab_view(window.views["gpus"])
            grab_view(window.views["jobs"])
        rackmap.removeEventFilter(resizes)
        assert resizes.seen == 0
        assert held == free
        assert window.dock_host.layout().isEnabled() and window.layout().isEnabled()


def test_a_view_of_the_commands_own_window_keeps_the_shots_size(qapp: Any) -> None:
    """The command's window is thrown away after its shots: a view grabbed there is not
    laid out again at its old size (a window shown keeps restoring its views)."""
    from widgets.export import SHOT_SIZE, _export_window, grab_view

    with _export_window() as window:
        _sim_window_views(window)
        view = window.views["rackmap"]
        old = view.size()
        grab_view(view)
        assert view.size() == old
        image = grab_view(view, restore=False)
        assert (image.width(), image.height()) == SHOT_SIZE
        assert (view.width(), view.height()) == SHOT_SIZE


def _pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "handover.pdf"
    path.write_bytes(pdf)
    return _pdf_text(path).split("\f")


def test_the_pdfs_report_is_drawn_while_the_views_are_taken(
        qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF was rendered whole after the last view was grabbed (its report's text laid out
    and drawn: half a second of an export on the critical path). Its report's pages are
    now drawn on a thread of their own as soon as the data is known; the views' pages follow
    as each is handed over (a view nothing touches any more), or once :meth:`finish` hands
    the rest while the caller waits (a page reading its view reads a window standing
    still), in the pack's order, with the same pages as a PDF made in one go."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    import widgets.export as export
    from console.handover import HandoverData

    data = HandoverData(shift=ShiftWindow(1_795_986_000.0, 1_796_014_800.0),
                        site_name="Tetouan", source="sim://pdf")
    laid_out = threading.Event()
    report_html = export.report_html

    def recording(d: HandoverData) -> str:
        laid_out.set()
        return report_html(d)

    monkeypatch.setattr(export, "report_html", recording)
    drawn: list[tuple[str, int]] = []

    def page(key: str) -> Any:
        def draw(p: QPainter, rect: QRectF) -> None:
            drawn.append((key, threading.get_ident()))
            p.drawText(rect, f"{key} page")
        return draw

    render = export.PdfRender(data, ("power", "jobs"))
    try:
        assert laid_out.wait(30), "the report is not begun before the views are handed over"
        assert not drawn
        pages = {"jobs": page("jobs"), "power": page("power")}
        render.hand("power", None, pages["power"])  # drawn at once, before finish()
        deadline = time.monotonic() + 30
        while not drawn and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [k for k, _ in drawn] == ["power"]
        pdf = render.finish({}, pages)
    finally:
        render.cancel()
    assert render._thread.isFinished()
    assert [k for k, _ in drawn] == ["power", "jobs"]
    assert all(ident != threading.get_ident() for _, ident in drawn)
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-64:]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    whole = export.pdf_bytes(data, {}, pages)
    ours, theirs = _pdf_pages(pdf, tmp_path), _pdf_pages(whole, tmp_path)
    assert ours == theirs
    assert "power page" in ours[-3] and "jobs page" in ours[-2]


def test_a_pdf_dropped_or_failing_ends_its_thread(qapp: Any) -> None:
    """An export that fails before the PDF's turn drops the PDF begun for it: its thread
    ends (no thread left waiting for views that never come); a view's page that fails
    fails the PDF, as when it was drawn on the caller's thread."""
    import widgets.export as export
    from console.handover import HandoverData

    data = HandoverData(shift=ShiftWindow(1_795_986_000.0, 1_796_014_800.0),
                        site_name="Tetouan", source="sim://pdf")
    dropped = export.PdfRender(data, ("power",))
    dropped.cancel()
    dropped.cancel()
    assert dropped._thread.isFinished()

    def broken(*_: Any) -> None:
        raise OSError(errno.EIO, "page failed")

    failing = export.PdfRender(data, ("power",))
    with pytest.raises(OSError, match="page failed"):
        failing.finish({}, {"power": broken})
    failing.cancel()
    assert failing._thread.isFinished()


def test_the_source_is_closed_while_the_pack_is_made(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The source was closed before the collected data came back (a sim:// hub's process
    ending: ~0.1 s the pack waited for). It is closed on a thread of its own while the pack
    is made, and waited for before the command returns."""
    import widgets.export as export
    from console.sources.sim import SimSource

    making = threading.Event()
    seen: dict[str, Any] = {}
    close, write_from = SimSource.close, export._write_from

    def closing(self: SimSource) -> None:
        seen["closed while the pack was made"] = making.wait(30)
        seen["thread"] = threading.current_thread().name
        close(self)
        seen["process ended"] = not self.process.alive() if self.process else None

    def writing(*args: Any) -> Any:
        making.set()
        return write_from(*args)

    monkeypatch.setattr(SimSource, "close", closing)
    monkeypatch.setattr(export, "_write_from", writing)
    assert export.run_export(_args(out=str(tmp_path / "p"), source="sim://rack")) == 0
    assert seen == {"closed while the pack was made": True, "thread": "export-source-close",
                    "process ended": True}
    assert not [t for t in threading.enumerate() if t.name == "export-source-close"]


def test_the_commands_window_lays_its_views_out_once_at_the_shots_size(
        qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The views of the command's own window are set to the shot's size before they are
    given their data: the rack map is laid out once (not at the window's size, then again
    for its shot), and the pack's pictures are those of views resized as they are grabbed."""
    from console.decode import decode_jobs
    from console.handover.report import VIEW_TITLES
    from console.hub.sim import SimulatedHub
    from widgets import export
    from widgets.rackmap import RackMapView

    hub = SimulatedHub(scale="tetouan", seed=4)
    topo = decode_site(hub.site())
    snapshots = {"site": topo, "racks": decode_racks(hub.racks(), topo),
                 "gpus": decode_unhealthy(hub.unhealthy_gpus()), "jobs": decode_jobs(hub.jobs()),
                 "power": decode_power(hub.power(hub.now - 3 * 3600, hub.now, 10))}
    shift = ShiftWindow(hub.now - 8 * 3600, hub.now)
    data = build_handover(shift, topology=topo, view_time=hub.now)
    layouts: list[int] = []
    lay_out = RackMapView._lay_out

    def counted(self: Any, *args: Any) -> None:
        layouts.append(1)
        lay_out(self, *args)

    monkeypatch.setattr(RackMapView, "_lay_out", counted)

    def pack(out: Path) -> dict[str, bytes]:
        layouts.clear()
        with export._export_window() as window:
            export._write_from(window, out, snapshots, data, "sim://tetouan", False)
        return {p.name: p.read_bytes() for p in out.iterdir() if p.suffix == ".png"}

    ahead = pack(tmp_path / "ahead")
    assert len(layouts) == 1
    monkeypatch.setattr(export, "sized_for_shots", lambda window: [])  # sized as grabbed
    grabbed = pack(tmp_path / "grabbed")
    assert len(layouts) == 2
    assert sorted(ahead) == sorted(grabbed) == sorted(f"{k}.png" for k, _ in VIEW_TITLES)
    assert ahead == grabbed
