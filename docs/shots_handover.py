"""Screenshots of File → Hand over shift on the simulated Tétouan hub, and of the pack's
shift-log page.

    python docs/shots_handover.py [OUT_DIR]

The live window runs on ``sim://tetouan`` with a cache that already holds shift-log
entries (open items of this shift and of earlier ones); an alarm is acknowledged, one
shelved and work planned, so every checklist item has something to say. The dialog is
filled in (``handover_dialog.png``), the shift handed over, its pack exported, and the
PDF's page with the open items and the shift log saved as ``handover_shift_log.png``
(pdftoppm).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _spin(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _log_entries(now: float) -> tuple:
    """Shift-log entries as two workstations wrote them over the last day."""
    from console.shiftlog.model import LogEntry, new_uid

    rows = (
        (now - 26 * 3600, "Karim", "safety",
         "Chiller CH-3 on manual control after the controller fault; keep row A-03 inlet "
         "below 30 °C and call facilities (ext. 214) if it rises.", (("rack", "A-03-07"),),
         True),
        (now - 9 * 3600, "Nadia", "operations",
         "Temporary: PDU feed B of E-07-12 bypassed until the breaker is replaced; the rack "
         "runs on feed A alone (limit 36 kW).", (("rack", "E-07-12"),), True),
        (now - 5 * 3600, "Samira", "maintenance",
         "Replaced the PSU of B-04-09 node 3; node back in service.", (("rack", "B-04-09"),),
         False),
        (now - 3 * 3600, "Samira", "customer",
         "Atlas Vision asked for the outage report of job 48213 by Monday.",
         (("job", "48213"),), True),
        (now - 40 * 60, "Samira", "operations",
         "Grid import capped at 9 MW by the utility until 23:00.", (), True),
    )
    return tuple(LogEntry(i + 1, new_uid(), t, who, cat, text, links, is_open, rev=i + 1)
                 for i, (t, who, cat, text, links, is_open) in enumerate(rows))


def shoot_handover(out: Path, live_s: float = 25.0) -> list[Path]:
    from PySide6.QtCore import QSettings

    from console.cache import Cache
    from console.handover import ShiftWindow
    from console.settings import load_settings
    from console.shiftlog.model import LogSnapshot
    from widgets.app import live_window, make_app
    from widgets.export_dialog import ExportDialog
    from widgets.handover_dialog import HandoverDialog, export_after_handover

    make_app()
    folder = Path(tempfile.mkdtemp())
    # The simulated hub keeps its shift log in the user's data folder: a folder of its own
    # here, so the shots never write into it (nor read what earlier runs wrote).
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    cache_path = folder / "shift.db"
    now = time.time()
    with Cache.open(cache_path) as cache:
        cache.write_poll([LogSnapshot(time=now, received=now, entries=_log_entries(now),
                                      rev=5)])
    settings = load_settings(None, env={}, overrides={"cache": str(cache_path)})
    settings.poll.update(racks=2.0, gpus=2.0, power=4.0, jobs=6.0, events=2.0)
    qs = QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
    window = live_window(settings, "sim://tetouan", qs)
    window.resize(1920, 1080)
    window.show()
    window.feed.start()
    deadline = time.monotonic() + 120
    while window.latest_alarms is None or "power" not in window.latest:
        if time.monotonic() > deadline:
            raise RuntimeError("the simulated hub sent no alarms or power in 2 minutes")
        _spin(0.5)
    window.feed._worker.source.inject("cooling_loss", "A-03")  # alarms to hand over
    window.feed._worker.source.inject("xid", "B-04-09", xid=79)
    window.feed._worker.source.inject("pdu_trip", "E-07-12")
    window.feed._worker.source.inject("thermal", "C-11-05")
    _spin(live_s)
    alarms = sorted(window.latest_alarms.alarms, key=lambda a: a.priority_rank)
    if alarms:
        window.feed.acknowledge(alarms[0].id, "Samira", "checked on the floor")
    if len(alarms) > 1:
        window.feed.shelve(alarms[-1].id, time.time() + 2 * 3600, "Samira",
                           "known, crew on it")
    start = time.time() + 2 * 3600
    window.feed.plan_shelf("A-03", start, start + 3 * 3600, "Omar",
                           "chiller CH-3 controller replacement")
    _spin(4.0)
    dialog = HandoverDialog(window)
    dialog.shift = ShiftWindow.default(time.time(), dialog.tz, live=True)
    dialog.outgoing.setText("Samira")
    dialog.summary.setPlainText(
        "Quiet shift. Chiller CH-3 still on manual: watch row A-03 inlets.\n"
        "E-07-12 on one PDU feed until the breaker is replaced (see the log).")
    for box in dialog.checks.values():
        box.setChecked(True)
    dialog.incoming.setText("Youssef")
    lines = dialog.fontMetrics().lineSpacing()
    dialog.resize(dialog.fontMetrics().averageCharWidth() * 120, lines * 66)
    dialog.show()
    _spin(0.5)
    shots = [out / "handover_dialog.png"]
    dialog.grab().save(str(shots[0]))
    if not dialog.hand_over() or dialog.record is None:
        raise RuntimeError(f"not handed over: {dialog.status.text()}")
    pack = folder / "pack"

    def export(win: object, collect: object = None, **kwargs: object) -> None:
        export_dialog = ExportDialog(win, collect, **kwargs)  # type: ignore[arg-type]
        export_dialog.folder.setText(str(pack))
        if not export_dialog.export_now():
            raise RuntimeError(f"pack not written: {export_dialog.error}")

    window.export_dialog = export
    export_after_handover(window, dialog.record, dialog.shift)
    window.close()
    _spin(0.5)
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        print("skipped the pack's shift-log page: pdftoppm not installed", file=sys.stderr)
        return shots
    pdf = pack / "handover.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    page = next((i + 1 for i, p in enumerate(text.split("\f"))
                 if "Open items carried forward" in p), 1)
    stem = out / "handover_shift_log"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True)
    shots.append(stem.with_suffix(".png"))
    return shots


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for path in shoot_handover(out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
