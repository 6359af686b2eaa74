"""The energy-by-tenant view: read on a worker, tenant names as plain isolated text."""

from __future__ import annotations

from typing import Any

import pytest

import widgets.tenant_energy as tenant_energy
from console.carbon import GRID_CARBON_G_PER_KWH
from console.energy.report import ReportLine, TenantReport
from console.text import FSI, PDI
from widgets.tenant_energy import TenantEnergyView

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
    asked: list[tuple[str, float, str, float]] = []

    def fake(path: str, span: float, by: str, grid: float) -> TenantReport:
        asked.append((path, span, by, grid))
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
