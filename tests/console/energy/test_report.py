"""The report's CSV: safe cells (never a formula, no bidirectional controls), its figures."""

from __future__ import annotations

import csv
import io

from console.energy.report import ReportLine, TenantReport, csv_text


def test_csv_cells_are_plain_text() -> None:
    lines = (
        ReportLine("=HYPERLINK(\"http://x\")", "group", "startup", "+MA", 3, 12.5, 100.0,
                   40.0, 50.0),
        ReportLine("Rabat \u202eataD\u202c AI", "group", "research", "MA", 1, 1.0, 60.0, 20.0,
                   30.0),
        ReportLine("unallocated", "unallocated", "", "", 0, 0.0, 40.0, 16.0, 20.0),
    )
    rep = TenantReport(0.0, 3600.0, "tenant", lines, 200.0, 199.0, 3600.0, (0.0, 1.0), 620.0, 0)
    rows = list(csv.reader(io.StringIO(csv_text(rep))))
    assert rows[0] == ["group", "line", "kind", "country", "jobs", "gpu_hours", "energy_kwh",
                       "carbon_kg", "share_pct"]
    assert rows[1][:4] == ["tenant", "'=HYPERLINK(\"http://x\")", "startup", "'+MA"]
    assert rows[1][4:] == ["3", "12.500", "100.000", "40.000", "50.00"]
    assert rows[2][1] == "Rabat ataD AI"  # no control left to reorder the cell
    assert rows[3][:2] == ["", "unallocated"]
