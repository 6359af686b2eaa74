"""The shift log in the handover pack: the shift's entries and every open item carried
forward, read from the cache (and from a live hub), in summary.json, the CSV files and the
PDF; an open item reappears at every handover until it is cleared."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from console.cache import Cache
from console.decode import decode_racks, decode_site
from console.handover import ShiftWindow
from console.handover.collect import collect_from_cache, collect_from_source
from console.handover.pack import write_pack
from console.handover.record import HandoverRecord
from console.handover.report import report_html
from console.shiftlog.model import LogEntry, LogSnapshot

ROOT = Path(__file__).resolve().parents[3]
START = 1_780_000_000.0
FORMULA = '=HYPERLINK("http://evil.example","click")'
MARKUP = "<b>keep</b> row A-03 below 30 °C & <img src=x>"


def _uid(n: int) -> str:
    return f"{n:08d}-1111-4111-8111-111111111111"


@pytest.fixture(scope="module")
def log_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ShiftWindow],
                                                                  HandoverRecord]:
    """A cache over four shifts: an open item written in shift 1 and cleared during shift 3,
    an entry of shift 1 that is no open item, an open item of shift 2 never cleared, and
    the handover of shift 2 journaled after its end."""
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="rack", seed=3, start=START)
    s1 = ShiftWindow.default(hub.now)
    shifts = [s1]
    for _ in range(3):
        shifts.append(ShiftWindow.containing(shifts[-1].end + 1, s1.tz))
    s2, s3 = shifts[1], shifts[2]
    path = tmp_path_factory.mktemp("log") / "shifts.db"
    topo = decode_site(hub.site() | {"time": s1.start - 900}, received=s1.start - 900)
    racks = hub.racks()
    chiller = LogEntry(1, _uid(1), s1.start + 600, "Samira", "safety",
                       f"Chiller CH-3 on manual: {MARKUP}\n{FORMULA}", (("rack", "A-01-01"),),
                       True, rev=1)
    psu = LogEntry(2, _uid(2), s1.start + 1200, "Samira", "maintenance",
                   "-1 PSU on A-01-01, replaced", (), False, rev=2)
    tenant = LogEntry(3, _uid(3), s2.start + 600, "Youssef", "customer",
                      "Tenant Atlas asked for the outage report", (("job", "48213"),), True,
                      rev=3)
    record = HandoverRecord.make("Samira", "Youssef", s2.end - 300, s2.end + 120, s2,
                                 "All quiet.\nWatch A-03 <b>closely</b>.", ("site", "alarms"))
    with Cache.open(path) as cache:
        cache.write_poll([topo])
        t = s1.start - 300
        while t < shifts[-1].end + 600:
            cache.write_poll([decode_racks(racks | {"time": t}, topo, received=t)],
                             topology=topo)
            t += 3600
        cache.write_poll([LogSnapshot(time=s2.start + 700, received=s2.start + 700,
                                      entries=(chiller, psu, tenant), rev=3)])
        cleared = replace(chiller, cleared_by="Omar", cleared_at=s3.start + 3600, rev=4)
        cache.write_poll([LogSnapshot(time=s3.start + 3700, received=s3.start + 3700,
                                      entries=(cleared,), rev=4)])
        cache.append_journal([record.journal_entry()])
    return path, shifts, record


def test_an_open_item_is_carried_forward_until_it_is_cleared(
        log_cache: tuple[Path, list[ShiftWindow], HandoverRecord]) -> None:
    path, shifts, record = log_cache
    seen = []
    for shift in shifts:
        _, data = collect_from_cache(path, shift)
        assert data.log_missing is None
        seen.append(([e.id for e in data.log_entries], [e.id for e in data.open_items],
                     data.handovers))
    assert seen[0] == ([1, 2], [1], ())  # written in shift 1, open at its end
    assert seen[1] == ([3], [1, 3], (record,))  # the next shift's pack carries it forward
    assert seen[2] == ([], [3], ())  # cleared during shift 3: no longer carried
    assert seen[3] == ([], [3], ())  # nor in any pack after
    _, first = collect_from_cache(path, shifts[0])
    assert first.log_entries[0].cleared_at is None  # as it stood at the shift's end


def test_the_pack_files_carry_the_log_as_plain_text(
        log_cache: tuple[Path, list[ShiftWindow], HandoverRecord], tmp_path: Path) -> None:
    path, shifts, record = log_cache
    _, data = collect_from_cache(path, shifts[1])
    out = write_pack(tmp_path / "pack", data)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in summary["shift_log"]["entries"]] == [3]
    items = summary["shift_log"]["open_items"]
    assert [e["id"] for e in items] == [1, 3] and items[0]["text"].endswith(FORMULA)
    assert items[0]["time_local"].endswith("+01:00") and items[0]["open"] is True
    assert summary["handover"] == [record.to_dict()]
    rows = list(csv.DictReader(io.StringIO((out / "open_items.csv").read_text("utf-8-sig"))))
    assert [r["id"] for r in rows] == ["1", "3"]
    assert rows[0]["text"] == f"Chiller CH-3 on manual: {MARKUP}\n{FORMULA}"
    assert rows[0]["links"] == "rack:A-01-01" and rows[0]["author"] == "Samira"
    _, first = collect_from_cache(path, shifts[0])
    out1 = write_pack(tmp_path / "pack1", first)
    cells = [r for r in csv.reader(io.StringIO((out1 / "shift_log.csv").read_text("utf-8-sig")))]
    assert cells[2][8] == "'-1 PSU on A-01-01, replaced"  # never read as a formula
    for row in cells:
        assert not any(c.startswith(("=", "+", "-", "@")) for c in row)


def test_an_item_cleared_in_a_later_shift_is_listed_as_cleared_in_that_shifts_pack(
        log_cache: tuple[Path, list[ShiftWindow], HandoverRecord], tmp_path: Path) -> None:
    """Written in shift 1, cleared in shift 3: shift 3's pack says who cleared it and when
    (it is no longer carried forward, and no entry of shift 3)."""
    path, shifts, _ = log_cache
    s3 = shifts[2]
    cleared = [[e.id for e in collect_from_cache(path, s)[1].cleared_items] for s in shifts]
    assert cleared == [[], [], [1], []]  # in shift 3's pack only
    _, data = collect_from_cache(path, s3)
    (item,) = data.cleared_items
    assert item.cleared_by == "Omar" and item.cleared_at == s3.start + 3600
    assert item.time < s3.start and 1 not in [e.id for e in data.log_entries]
    out = write_pack(tmp_path / "pack3", data)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (told,) = summary["shift_log"]["cleared_items"]
    assert told["id"] == 1 and told["cleared_by"] == "Omar"
    assert told["cleared_at_local"].endswith("+01:00")
    assert "cleared_items.csv" in summary["files"]
    rows = list(csv.DictReader(io.StringIO((out / "cleared_items.csv").read_text("utf-8-sig"))))
    assert [(r["id"], r["cleared_by"]) for r in rows] == [("1", "Omar")]
    assert rows[0]["text"] == f"Chiller CH-3 on manual: {MARKUP}\n{FORMULA}"  # as typed
    html = report_html(data)
    when = s3.local(s3.start + 3600).strftime("%d %b %H:%M")
    section = html[html.index("Items cleared this shift (1)"):html.index("<h2>Shift log")]
    assert "Chiller CH-3 on manual" in section and "Omar" in section and when in section
    assert "&lt;b&gt;keep&lt;/b&gt;" in section and "<b>keep</b>" not in section
    assert "No open item was cleared in the shift." in report_html(
        collect_from_cache(path, shifts[1])[1])


def test_the_report_shows_the_handover_and_the_open_items_first(
        log_cache: tuple[Path, list[ShiftWindow], HandoverRecord]) -> None:
    path, shifts, _ = log_cache
    _, data = collect_from_cache(path, shifts[1])
    html = report_html(data)
    handover, carried = html.index("<h2>Handover</h2>"), html.index("Open items carried forward")
    log, power = html.index("Shift log (1 entry)"), html.index("Power and energy")
    assert handover < carried < log < power
    assert "<b>keep</b>" not in html and "&lt;b&gt;keep&lt;/b&gt;" in html
    assert "<img" not in html and "&lt;b&gt;closely&lt;/b&gt;" in html
    assert "Samira" in html and "Youssef" in html
    _, old = collect_from_cache(path, shifts[0])
    assert "No handover of this shift was recorded" in report_html(old)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_names_both_operators_times_and_the_open_items(
        log_cache: tuple[Path, list[ShiftWindow], HandoverRecord], tmp_path: Path) -> None:
    path, shifts, record = log_cache
    s2 = shifts[1]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = tmp_path / "pack"
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--cache", "off", "export", "--review",
         str(path), "--shift", f"{s2.start:.0f}..{s2.end:.0f}", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out / "handover.pdf"), "-"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    flat = " ".join(text.split())
    t1, t2 = (s2.local(t).strftime("%d %b %H:%M:%S") for t in (record.handed_at,
                                                                record.taken_at))
    assert f"Handed over by Samira at {t1}, taken over by Youssef at {t2}" in flat
    assert "All quiet." in flat and "Watch A-03 <b>closely</b>." in flat
    assert "Open items carried forward (2)" in flat
    assert "Chiller CH-3 on manual" in flat and "Tenant Atlas asked for the outage report" in flat
    assert flat.index("Open items carried forward") < flat.index("Shift log (1 entry)")
    s3 = shifts[2]  # the chiller item, written in shift 1, cleared in shift 3
    out3 = tmp_path / "pack3"
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--cache", "off", "export", "--review",
         str(path), "--shift", f"{s3.start:.0f}..{s3.end:.0f}", "--out", str(out3)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-raw", str(out3 / "handover.pdf"), "-"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    flat = " ".join(text.split())  # -raw: each cell's lines together
    cleared = flat[flat.index("Items cleared this shift (1)"):flat.index("Shift log")]
    assert "Chiller CH-3 on manual" in cleared and "cleared by Omar at" in cleared
    assert s3.local(s3.start + 3600).strftime("%d %b %H:%M") in cleared


def test_a_live_export_reads_the_log_from_the_hub(hub_server: Any) -> None:
    from console.shiftlog.client import LogClient
    from console.sources.hub import HubApiSource

    with LogClient(hub_server.url) as client:
        kept = client.add("Generator G-2 on test run until 16:00", "safety", author="Omar",
                          open=True)
        note = client.add("=1+1 is no formula here", "operations", author="Omar")
        done = client.add("Door A-03 held open", "safety", author="Omar", open=True)
        client.clear(done.uid, "Samira")
    with HubApiSource(hub_server.url, timeout=(1.0, 10.0), retries=0) as source:
        _, data = collect_from_source(source, timeout_s=60)
    assert data.log_missing is None
    assert {e.uid for e in data.open_items} == {kept.uid}  # the cleared one is not carried
    assert {kept.uid, note.uid} <= {e.uid for e in data.log_entries}
    assert [(e.uid, e.cleared_by) for e in data.cleared_items
            if e.uid == done.uid] == [(done.uid, "Samira")]


def test_a_cache_from_before_the_shift_log_says_so(tmp_path: Path) -> None:
    from console.cache import logbook
    from console.hub.sim import SimulatedHub

    path = tmp_path / "old.db"

    hub = SimulatedHub(scale="rack", seed=1, start=START)
    shift = ShiftWindow.default(hub.now)
    site = decode_site(hub.site() | {"time": shift.start - 60}, received=shift.start - 60)
    with Cache.open(path) as cache:
        cache.write_poll([site])
        for t in (shift.start, shift.end - 60):
            cache.write_poll([decode_racks(hub.racks() | {"time": t}, site, received=t)],
                             topology=site)
        cache.conn.execute(f"DROP TABLE {logbook.TABLE}")
    _, data = collect_from_cache(path, shift)
    assert data.log_missing is not None and "schema 9" in data.log_missing
    assert data.to_summary_json()["shift_log"] == {"entries": None, "open_items": None,
                                                   "cleared_items": None,
                                                   "reason": data.log_missing}
    assert "Shift log</h2><p class=\"warn\">Not in this pack: " in report_html(data)
    out = write_pack(tmp_path / "pack", data)
    assert not (out / "shift_log.csv").exists() and not (out / "open_items.csv").exists()
    assert not (out / "cleared_items.csv").exists()


def test_a_live_export_fetches_every_kind_at_once(hub_server: Any) -> None:
    """The kinds were polled one after the other (the hub built each answer while this
    process waited, then this process read it while the hub waited). They are fetched at
    once now, and still taken in order: the site's layout first, the rack map read
    against it, the shift log read whole."""
    import threading

    from console.sources.hub import HubApiSource

    jobs_asked = threading.Event()
    overlapped: list[bool] = []
    taken: list[str] = []

    class Watched(HubApiSource):
        def fetch(self, kind: str, context: Any) -> Any:
            if kind == "jobs":
                jobs_asked.set()
            if kind == "site":  # the site's answer waits until the jobs are asked for
                overlapped.append(jobs_asked.wait(10.0))
            return super().fetch(kind, context)

    with Watched(hub_server.url, timeout=(1.0, 10.0), retries=0) as source:
        snapshots, data = collect_from_source(source, timeout_s=60)
        taken = list(snapshots)
    assert overlapped == [True]
    assert taken[:5] == ["site", "racks", "gpus", "jobs", "power"]
    assert data.missing == {} and data.log_missing is None
    assert snapshots["racks"].time > 0


def test_a_live_export_asks_for_the_shift_log_once_the_jobs_have_come(hub_server: Any) -> None:
    """The shift log's first page was asked with every kind: the hub opened its shift log
    for it while it built the job queue's answer, the longest, and held that up. It is
    asked once the jobs' answer has come, and still read whole."""
    import threading

    from console.sources.hub import HubApiSource

    jobs_came = threading.Event()
    log_asked: list[bool] = []

    class Watched(HubApiSource):
        def fetch(self, kind: str, context: Any) -> Any:
            if kind == "log":
                log_asked.append(jobs_came.is_set())
            answer = super().fetch(kind, context)
            if kind == "jobs":
                jobs_came.set()
            return answer

    with Watched(hub_server.url, timeout=(1.0, 10.0), retries=0) as source:
        _, data = collect_from_source(source, timeout_s=60)
    assert log_asked and all(log_asked)
    assert data.log_missing is None and data.missing == {}
