"""Screenshots of the power balance (24 h, 7 d) and the job queue at full scale ('tetouan')."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _dark(widget: object) -> None:
    """The control-room palette (dark grey floor, light text) on one widget tree."""
    from PySide6.QtGui import QColor, QPalette

    pal = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#1e2126"),
        (QPalette.ColorRole.Base, "#1a1d21"),
        (QPalette.ColorRole.AlternateBase, "#23272d"),
        (QPalette.ColorRole.Button, "#2b3037"),
        (QPalette.ColorRole.WindowText, "#d0d4da"),
        (QPalette.ColorRole.Text, "#d0d4da"),
        (QPalette.ColorRole.ButtonText, "#d0d4da"),
        (QPalette.ColorRole.Highlight, "#3d5a80"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
    ):
        pal.setColor(role, QColor(colour))
    widget.setPalette(pal)  # type: ignore[attr-defined]
    widget.setAutoFillBackground(True)  # type: ignore[attr-defined]


def shoot_power_jobs(out_dir: str | Path) -> list[Path]:
    """Save power_24h.png, power_7d.png, jobs_pending.png and jobs_queue.png; return the paths."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from console.decode import decode_jobs, decode_power, decode_site, decode_unhealthy
    from console.hub.sim import SimulatedHub
    from widgets.jobs import COLUMN_KEYS, JobQueueView
    from widgets.power_chart import PowerBalanceChart

    app = QApplication.instance() or QApplication([])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    hub = SimulatedHub("tetouan", seed=7)
    power = decode_power(hub.power(hub.now - 7 * 86400, hub.now, 10))
    paths = []

    chart = PowerBalanceChart()
    _dark(chart)
    chart.resize(1600, 950)
    chart.show()
    app.processEvents()
    chart.set_span(86400.0)
    chart.set_history(power)
    chart.show_cursor(float(power.t[-1]) - 5 * 3600)
    app.processEvents()
    paths.append(out / "power_24h.png")
    chart.grab().save(str(paths[-1]))
    chart.set_span(7 * 86400.0)
    chart.flush()
    chart.mark_dirty()
    chart.flush()
    chart.show_cursor(float(power.t[-1]) - 3.5 * 86400)
    app.processEvents()
    paths.append(out / "power_7d.png")
    chart.grab().save(str(paths[-1]))
    chart.stop()
    chart.close()

    view = JobQueueView()
    _dark(view)
    view.resize(1800, 950)
    view.show()
    view.set_topology(decode_site(hub.site()))
    view.apply(decode_unhealthy(hub.unhealthy_gpus()))
    view.apply(decode_jobs(hub.jobs()))
    view.flush()
    view.state_box.setCurrentIndex(view.state_box.findData("PENDING"))
    view.table.sortByColumn(COLUMN_KEYS.index("wait"), Qt.SortOrder.DescendingOrder)
    view.table.selectRow(0)
    app.processEvents()
    paths.append(out / "jobs_pending.png")
    view.grab().save(str(paths[-1]))
    view.state_box.setCurrentIndex(view.state_box.findData("RUNNING"))
    view.table.sortByColumn(COLUMN_KEYS.index("flag"), Qt.SortOrder.DescendingOrder)
    view.table.selectRow(0)
    app.processEvents()
    paths.append(out / "jobs_queue.png")
    view.grab().save(str(paths[-1]))
    view.stop()
    view.close()
    return paths


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    for p in shoot_power_jobs(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"):
        print(p)
