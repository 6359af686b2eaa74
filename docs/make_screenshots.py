"""Make every screenshot in docs/screenshots at full scale (offscreen).

    python docs/make_screenshots.py [OUT_DIR] [--skip-backends]

The main window runs live on the simulated site for a while (with a cooling loss
injected on row A-03 so alarms and the map show an incident), then a review window
shows the recorded cache; the views' own scripts add their close-ups, and File → Hand over
shift its dialog and the pack's shift-log page (docs/shots_handover.py). Unless
--skip-backends is given, the real backends follow: the real Slurm's job queue and the
window on a stock site's stack (docs/shots_stock_site.py: stock dcgm-exporter, PDU and
meter stand-ins behind a real Prometheus, and the real Slurm).
"""

from __future__ import annotations

import os
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


def _flush(window: object) -> None:
    for view in [window.summary, *window.views.values()]:  # type: ignore[attr-defined]
        view.flush()
    _spin(0.3)


def shoot_main_and_review(out: Path, live_s: float = 40.0) -> list[Path]:
    from PySide6.QtCore import QSettings

    from console.settings import load_settings
    from widgets.app import live_window, make_app
    from widgets.review import open_review_window

    make_app()
    folder = Path(tempfile.mkdtemp())
    cache = folder / "shift.db"
    settings = load_settings(None, env={}, overrides={"cache": str(cache)})
    settings.poll.update(racks=2.0, gpus=2.0, power=4.0, jobs=6.0, events=2.0)
    qs = QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
    window = live_window(settings, "sim://tetouan", qs)
    window.resize(1920, 1080)
    window.show()
    window.feed.start()
    _spin(20.0)
    _flush(window)
    shots = [out / "main_window.png"]  # the default site in normal operation
    window.grab().save(str(shots[0]))
    source = window.feed._worker.source  # the simulated hub's source (sim://)
    source.inject("cooling_loss", "A-03")  # over the hub API: the hub runs in its own process
    _spin(live_s)
    window.docks["alarms"].raise_()
    _flush(window)
    shots.append(out / "main_window_alarms.png")  # the alarm view during the cooling loss
    window.grab().save(str(shots[-1]))
    if "maintenance" in window.docks:
        window.docks["maintenance"].raise_()
        _flush(window)
        shots.append(out / "maintenance.png")
        window.docks["maintenance"].widget().grab().save(str(shots[-1]))
    window.close()
    _spin(0.5)

    review = open_review_window(str(cache), qs, start=False)
    review.resize(1920, 1080)
    review.show()
    review.feed.start()
    for _ in range(100):
        if review.last_seek_ms is not None:
            break
        _spin(0.2)
    first, last = review.scrubber.first, review.scrubber.last
    review.last_seek_ms = None
    review.scrubber.seek(first + (last - first) * 0.3)
    for _ in range(100):
        if review.last_seek_ms is not None:
            break
        _spin(0.2)
    _flush(review)
    shots.append(out / "review_mode.png")
    review.grab().save(str(shots[-1]))
    review.close()
    shots += shoot_handover_alarm_pages(cache, out)
    return shots


def shoot_handover_alarm_pages(cache: Path, out: Path) -> list[Path]:
    """Export the handover pack from the recorded cache; PNGs of its alarm pages."""
    import shutil
    import subprocess

    pack = Path(tempfile.mkdtemp()) / "pack"
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "export", "--out", str(pack),
         "--review", str(cache)],
        check=True, cwd=ROOT, timeout=600,
    )
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        print("skipped the handover pages: pdftoppm not installed", file=sys.stderr)
        return []
    pdf = pack / "handover.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    first = next((i for i, page in enumerate(text.split("\f")) if "Alarm performance" in page),
                 None)
    pages = [] if first is None else [first + 1, first + 2]  # the KPIs, then the alarm list
    shots = []
    for k, page in enumerate(pages[:2]):
        stem = out / f"handover_alarms_{k + 1}"
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(stem)], check=True)
        shots.append(stem.with_suffix(".png"))
    return shots


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv and not argv[0].startswith("--") else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    made = shoot_main_and_review(out)
    from docs.shots import shoot_rackmap, shoot_rackmap_fit
    from docs.shots_alarms import shoot_alarms
    from docs.shots_power_jobs import shoot_power_jobs

    made += shoot_rackmap(out)
    made += shoot_rackmap_fit(out)
    made.append(shoot_alarms(out))
    made += shoot_power_jobs(out)
    from docs.shots_handover import shoot_handover

    made += shoot_handover(out)
    from docs.shots_shift_log import shoot_shift_log

    made += shoot_shift_log(out)
    if "--skip-backends" not in argv:
        from docs.shots_backends import shoot_slurm_jobs

        try:
            made += shoot_slurm_jobs(out)
        except Exception as exc:  # needs the real Slurm of .ci/services.sh
            print(f"skipped the Slurm screenshot: {exc}", file=sys.stderr)
        from docs.shots_stock_site import shoot_stock_site

        try:  # says why and makes nothing without prometheus or the real Slurm
            made += shoot_stock_site(out)
        except Exception as exc:
            print(f"skipped the stock-site screenshots: {exc}", file=sys.stderr)
    for path in made:
        print(path)
    print(f"{len(made)} screenshots in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
