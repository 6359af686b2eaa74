"""The shift log view's screenshot, from the real window on the simulated hub.

    python docs/shots_shift_log.py [OUT_DIR]

The live console runs on the simulated hall (its hub in this process, its shift log in a
fresh file), a few entries are written through the window's feed as an operator would
(one of them an open item, another an open item cleared since), and the Shift log dock
is grabbed with its filters: ``shift_log.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _spin(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _until(done: Any, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        _spin(0.1)


def shoot_shift_log(out_dir: str | Path) -> list[Path]:
    """``shift_log.png``: the Shift log dock of a live window with a few entries."""
    folder = Path(tempfile.mkdtemp())
    os.environ["XDG_DATA_HOME"] = str(folder / "data")  # the simulated hub's log: a new file
    from PySide6.QtCore import QSettings

    from console.settings import load_settings
    from console.shiftlog.model import validate_new
    from widgets.app import live_window, make_app

    make_app()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settings = load_settings(None, env={}, overrides={"cache": str(folder / "cache.db")})
    settings.poll.update(log=1.0)
    qs = QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
    window = live_window(settings, "sim://hall?process=0", qs)
    window.resize(1600, 1000)
    window.show()
    window.feed.start()
    view = window.views["log"]
    reports: list[Any] = []
    window.feed.logWritten.connect(reports.append)
    try:
        _until(lambda: window.topology is not None and "jobs" in window.latest
               and view._loaded)
        jobs = window.latest["jobs"]
        job = str(jobs.row(0)["id"]) if len(jobs) else "48213"
        entries = [
            ("Shift started: 3 standing alarms, row A-03 inlet shelved until 16:00. "
             "Nothing else carried over.", "operations", (), "Amina El Idrissi", False),
            ("PDU A-07-12 feed B breaker tripped; load on feed A only. Site electrician "
             "called.", "maintenance", [("rack", "A-07-12")], "Amina El Idrissi", True),
            ("Chiller CH-2 on standby after a pump seal leak: row A-03 is cooled by CH-1 and "
             "CH-3 only. Hold large jobs off A-03 until the seal is replaced.\n"
             "Vendor visit booked for 07:30.", "maintenance",
             [("rack", "A-03-07"), ("rack", "A-03-08")], "Amina El Idrissi", True),
            (f"Tenant acme-ma asks for the GPU fault report of job {job} by Friday.",
             "customer", [("job", job)], "Youssef Benali", False),
            ("Hot-aisle door A-05 held open for the contractor until 18:00; escort on site.",
             "safety", (), "Youssef Benali", False),
        ]
        for text, category, links, author, is_open in entries:
            window.feed.add_log_entry(validate_new(text, category, links, author, is_open))
        def answered() -> list[Any]:
            return [w for r in reports for w in r.writes if w.requested and w.outcome != "queued"]

        _until(lambda: len(answered()) >= len(entries))
        breaker = next(w.entry for w in answered()
                       if w.entry is not None and "breaker" in w.entry.text)
        window.feed.clear_log_entry(breaker.uid, "Youssef Benali")
        _until(lambda: len(answered()) > len(entries))
        _until(lambda: view.model.open_count() == 1 and len(view.model.rows) == len(entries))
        dock = window.docks["log"]
        dock.show()
        dock.setFloating(True)  # as an operator floats it onto another monitor
        dock.resize(1600, 640)
        view.set_filters(category="", open_only=False, search="")
        view.select_entry(next(e.uid for e in view.visible_entries() if e.is_open))
        view.flush()
        _spin(0.5)
        view.flush()
        path = out / "shift_log.png"
        dock.grab().save(str(path))
        return [path]
    finally:
        window.close()
        _spin(0.5)


if __name__ == "__main__":
    made = shoot_shift_log(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
    print("\n".join(str(p) for p in made))
