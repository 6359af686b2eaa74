"""The energy-by-tenant view: read on a worker, tenant names as plain isolated text; a
custom range over a recorded cache gives the CLI's figures, and Save CSV writes its CSV."""

from __future__ import annotations

import importlib.util
import math
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import main
import widgets.tenant_energy as tenant_energy
from console.cache import Cache
from console.carbon import GRID_CARBON_G_PER_KWH
from console.energy.cli import tenant_report
from console.energy.report import ReportLine, TenantReport, csv_text
from console.text import FSI, PDI
from widgets.tenant_energy import PERIODS, TenantEnergyView

EVIL = "<b>Evil</b> \u202eCorp"


def _report(by: str = "tenant") -> TenantReport:
    lines = (
        ReportLine(EVIL, "group", "startup", "MA", 4, 100.0, 1500.0, 600.0, 60.0),
        ReportLine("Rabat School of Data Science", "group", "research", "MA", 2, 50.0, 500.0,
                   200.0, 20.0),
        ReportLine("unallocated", "unallocated", "", "", 0, 0.0, 300.0, 120.0, 12.0),
        ReportLine("facility overhead", "overhead", "", "", 0, 0.0, 200.0, 80.0, 8.0),
    )
    return TenantReport(1_780_000_000.0, 1_780_086_400.0, by, lines, 2300.0, 2290.0, 86400.0,
                        (1_779_000_000.0, 1_780_086_400.0), 620.0, 0)


@pytest.fixture
def view(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> TenantEnergyView:
    asked: list[tuple[Any, ...]] = []

    def fake(path: str, span: float, by: str, grid: float, **period: float) -> TenantReport:
        asked.append((path, span, by, grid, *period.values()))
        return _report(by)

    monkeypatch.setattr(tenant_energy, "read_report", fake)
    w = TenantEnergyView()
    w.asked = asked  # type: ignore[attr-defined]
    qtbot.addWidget(w)
    w.set_history_path(lambda: "/data/cache.db")
    return w


def test_report_shown_with_tenant_names_as_plain_isolated_text(view: TenantEnergyView,
                                                              qtbot: Any) -> None:
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.refresh()
    view.task.wait()
    table = view.table
    assert table.rowCount() == 4
    name = table.item(0, 0).text()
    assert name == FSI + "<b>Evil</b> Corp" + PDI  # markup shown as typed, override dropped
    assert table.item(0, 4).text() == "1,500"
    assert table.item(2, 0).text() == "Unallocated (no job)"
    assert table.item(3, 0).text().startswith("Facility overhead")
    assert "2,300 kWh of IT energy" in view.summary.text()
    asked = view.asked  # type: ignore[attr-defined]
    assert asked == [("/data/cache.db", 7 * 86400.0, "tenant", GRID_CARBON_G_PER_KWH)]


def test_period_and_grouping_choices_read_again(view: TenantEnergyView, qtbot: Any) -> None:
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.group_box.setCurrentIndex(2)  # by country
    view.task.wait()
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.period_box.setCurrentIndex(2)  # last 30 days
    view.task.wait()
    asked = view.asked  # type: ignore[attr-defined]
    assert asked[-1][1:3] == (30 * 86400.0, "country")


def test_failure_and_no_cache_are_said(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: Any) -> None:
        raise ValueError("the cache holds 2026-05-28 20:26 UTC to 2026-05-29 20:26 UTC")

    monkeypatch.setattr(tenant_energy, "read_report", fail)
    w = TenantEnergyView()
    qtbot.addWidget(w)
    w.refresh()
    w.flush()
    assert "No history cache" in w.summary.text()
    w.set_history_path(lambda: "/x.db")
    with qtbot.waitSignal(w.task.failed, timeout=10_000):
        w.refresh()
    w.task.wait()
    assert w.summary.text().startswith("No report: the cache holds 2026-05-28")


# -- the custom range and Save CSV over a recorded cache ------------------------------------

CUSTOM = len(PERIODS)


def _record(path: Path) -> None:
    """The energy tests' recorded cache (tests/console/energy/conftest.py: 3 h of the
    simulated hall, racks and power every minute, jobs every 5 minutes, rolled up)."""
    source = Path(__file__).resolve().parent.parent / "console" / "energy" / "conftest.py"
    spec = importlib.util.spec_from_file_location("energy_cache_recording", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.record(path)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float, float]:
    """The cache file and the first and last time it holds."""
    path = tmp_path_factory.mktemp("tenants") / "hall.db"
    _record(path)
    with Cache.open(path, readonly=True) as cache:
        held = cache.time_range()
    assert held is not None
    return path, float(held[0]), float(held[1])


@pytest.fixture
def cached_view(qtbot: Any, recorded: tuple[Path, float, float],
                monkeypatch: pytest.MonkeyPatch) -> TenantEnergyView:
    """The view over the recorded cache, counting its reads (``view.reads``)."""
    reads: list[tuple[Any, ...]] = []
    real = tenant_energy.read_report

    def counted(*args: Any, **period: float) -> Any:
        reads.append((*args, *period.values()))
        return real(*args, **period)

    monkeypatch.setattr(tenant_energy, "read_report", counted)
    w = TenantEnergyView()
    w.reads = reads  # type: ignore[attr-defined]
    qtbot.addWidget(w)
    w.set_history_path(lambda: str(recorded[0]))
    return w


def _read(view: TenantEnergyView, qtbot: Any, button: Any = None) -> None:
    with qtbot.waitSignal(view.task.done, timeout=60_000):
        (button or view.show_button).click()
    view.task.wait()


def _secs(edit: Any) -> float:
    return float(edit.dateTime().toSecsSinceEpoch())


def test_custom_range_gives_the_cli_figures_in_the_site_zone(
        cached_view: TenantEnergyView, qtbot: Any, recorded: tuple[Path, float, float]) -> None:
    view = cached_view
    path, first, last = recorded
    view.set_topology(SimpleNamespace(timezone="Asia/Tokyo"))  # type: ignore[arg-type]
    assert view.save_button.isEnabled() is False  # no report shown yet
    view.period_box.setCurrentIndex(3)  # whole cache: the fields follow it, bounded to it
    view.group_box.blockSignals(True)
    view.group_box.setCurrentIndex(1)  # by kind
    view.group_box.blockSignals(False)
    _read(view, qtbot, view.refresh_button)
    assert (_secs(view.start_edit), _secs(view.end_edit)) == (first, last)
    assert view.start_edit.minimumDateTime().toSecsSinceEpoch() == math.ceil(first)
    assert view.end_edit.maximumDateTime().toSecsSinceEpoch() == math.floor(last)
    assert view.range_bar.isHidden()
    reads = view.reads  # type: ignore[attr-defined]
    n = len(reads)
    view.period_box.setCurrentIndex(CUSTOM)
    assert not view.range_bar.isHidden() and not view.task.running
    assert len(reads) == n  # choosing the custom range reads nothing until Show range
    start, end = first + 1800.0, last - 1200.0
    view.set_range(start, end)
    # the fields say the site's wall time (Tokyo, UTC+9), whatever the workstation's zone
    assert view.start_edit.timeZone().id() == b"Asia/Tokyo"
    assert view.start_edit.text() == datetime.fromtimestamp(start, view.site_clock.zone
                                                            ).strftime("%Y-%m-%d %H:%M")
    _read(view, qtbot)
    rep = view.report
    assert (rep.start, rep.end, rep.by) == (start, end, "kind")
    cli = tenant_report(path, start, end, "kind", GRID_CARBON_G_PER_KWH)
    assert csv_text(rep) == csv_text(cli)  # the same figures as main.py report tenants
    assert view.table.rowCount() == len(cli.lines)
    assert view.table.item(0, 4).text() == f"{cli.lines[0].energy_kwh:,.0f}"
    said = view.summary.text()
    assert f"{cli.metered_it_kwh:,.0f} kWh of IT energy" in said
    assert "part of the period" not in said
    # a range typed outside what the cache holds stays inside it (the fields are bounded)
    view.set_range(first - 86_400.0, last + 86_400.0)
    assert (_secs(view.start_edit), _secs(view.end_edit)) == (math.ceil(first), math.floor(last))
    # another file that holds none of it: said, and the fields take any period again
    view.set_history_path(lambda: str(path.with_name("elsewhere.db")))
    with qtbot.waitSignal(view.task.failed, timeout=60_000):
        view.show_button.click()
    view.task.wait()
    assert view.summary.text().startswith("No report: ")
    view.set_range(first - 86_400.0, last)
    assert _secs(view.start_edit) == first - 86_400.0


def test_range_outside_the_cache_names_what_it_holds(
        cached_view: TenantEnergyView, qtbot: Any, recorded: tuple[Path, float, float]) -> None:
    view = cached_view
    view.period_box.setCurrentIndex(CUSTOM)  # before any report: the fields are not bounded
    view.set_range(datetime(2020, 1, 1, tzinfo=UTC).timestamp(),
                   datetime(2020, 1, 2, tzinfo=UTC).timestamp())
    with qtbot.waitSignal(view.task.failed, timeout=60_000):
        view.show_button.click()
    view.task.wait()
    said = view.summary.text()
    assert said.startswith("No report: the cache holds 2026-05-28 ")
    assert "(2020-01-01 00:00 UTC to 2020-01-02 00:00 UTC) is outside it" in said
    assert view.table.rowCount() == 0 and not view.save_button.isEnabled()
    # part of it: read, and the summary says which part the figures cover
    _path, first, last = recorded
    assert view.held is None  # a failed read leaves the fields unbounded
    view.set_range(first - 86_400.0, last)
    _read(view, qtbot)
    said = view.summary.text()
    clock = view.site_clock
    assert ("The cache holds " + clock.clock(first, "%Y-%m-%d %H:%M") + " to "
            + clock.clock(last, "%Y-%m-%d %H:%M") + ", part of the period asked") in said
    assert view.table.rowCount() > 2 and view.save_button.isEnabled()


def test_from_after_to_is_refused_and_nothing_read(view: TenantEnergyView, qtbot: Any) -> None:
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.refresh()
    view.task.wait()
    asked = view.asked  # type: ignore[attr-defined]
    view.period_box.setCurrentIndex(CUSTOM)
    assert len(asked) == 1  # choosing the custom range reads nothing yet
    t = 1_780_040_000.0
    for start, end in ((t, t - 3600.0), (t, t)):
        view.set_range(start, end)
        view.show_button.click()
        assert not view.task.running and len(asked) == 1  # nothing read
        said = view.summary.text()
        assert said.startswith("Not read: the period must end after it starts")
        assert "2,300 kWh of IT energy" in said  # the report shown stays, and says its period
        assert view.table.rowCount() == 4
    view.set_range(t - 3600.0, t)
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.show_button.click()
    view.task.wait()
    assert asked[-1] == ("/data/cache.db", math.inf, "tenant", GRID_CARBON_G_PER_KWH,
                         t - 3600.0, t)
    assert not view.summary.text().startswith("Not read")


def test_save_csv_writes_the_cli_csv(cached_view: TenantEnergyView, qtbot: Any, tmp_path: Path,
                                     recorded: tuple[Path, float, float],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    view = cached_view
    path, first, last = recorded
    view.period_box.setCurrentIndex(CUSTOM)
    start, end = first + 3600.0, last
    view.set_range(start, end)
    _read(view, qtbot)
    offered: list[str] = []
    out = tmp_path / "saved.csv"

    def choose(name: str) -> str:
        offered.append(name)
        return str(out)

    monkeypatch.setattr(view, "choose_csv_path", choose)
    assert view.save_button.isEnabled()
    view.save_button.click()
    assert offered and offered[0].startswith("tenants-by-tenant_") and offered[0].endswith(".csv")
    assert out.read_text(encoding="utf-8") == csv_text(view.report)
    cli_out = tmp_path / "cli.csv"
    iso = [datetime.fromtimestamp(t, UTC).isoformat() for t in (start, end)]
    assert main.main(["report", "tenants", "--cache", str(path), "--from", iso[0], "--to",
                      iso[1], "--out", str(cli_out)]) == 0
    assert out.read_bytes() == cli_out.read_bytes()  # byte for byte the CLI's file
    assert view.summary.text().startswith(f"Saved {out}\n")
    # cancelled: nothing written, nothing said
    monkeypatch.setattr(view, "choose_csv_path", lambda _name: None)
    assert view.save_csv() is False


def test_failed_save_is_said_and_the_table_stays(view: TenantEnergyView, qtbot: Any,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        view.refresh()
    view.task.wait()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file", encoding="utf-8")
    target = blocked / "tenants.csv"  # a folder that cannot be: the write fails
    monkeypatch.setattr(view, "choose_csv_path", lambda _name: str(target))
    assert view.save_csv() is False
    said = view.summary.text()
    assert said.startswith(f"Not saved: cannot write {target}: ")
    assert "2,300 kWh of IT energy" in said
    assert view.table.rowCount() == 4 and view.save_button.isEnabled()
    assert view.report is not None and not target.exists()


def test_the_name_column_fills_the_table(qtbot: Any) -> None:
    """The figures are sized to their contents, the names take the rest of the width."""
    from types import SimpleNamespace

    view = TenantEnergyView()
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    line = SimpleNamespace(name="Office Chérifien Agritech", role="group", kind="enterprise",
                           country="MA", gpu_hours=16564.6, energy_kwh=27702.0,
                           carbon_kg=1810.0, share_pct=4.2)
    view._fill(SimpleNamespace(lines=[line]))
    table, header = view.table, view.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() >= table.viewport().width() - 1)
    assert header.sectionSize(0) > sum(header.sectionSize(c) for c in range(1, 7))


def test_a_view_behind_a_tab_reads_when_raised(view: TenantEnergyView, qtbot: Any) -> None:
    """Shown in a dock behind another's tab, the view reads nothing (its read would land
    on what is on screen, a review's first jump); brought to the front, it reads."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QLabel("map"))
    front, back = QDockWidget("front"), QDockWidget("tenants")
    front.setWidget(QLabel("front"))
    back.setWidget(view)
    for dock in (back, front):
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(back, front)
    front.raise_()
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: front.widget().visibleRegion().isEmpty() is False)
    with qtbot.assertNotEmitted(view.task.done, wait=200):
        pass
    assert view.isVisible() and not view.is_shown()
    assert view.asked == []  # type: ignore[attr-defined]
    with qtbot.waitSignal(view.task.done, timeout=10_000):
        back.raise_()
    view.task.wait()
    assert len(view.asked) == 1  # type: ignore[attr-defined]
    assert view.table.rowCount() == 4
    view.setParent(None)  # the fixture's to close, not the window's
