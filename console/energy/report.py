"""Energy and carbon per tenant, kind of tenant or country, and the report's CSV.

Lines of a :class:`TenantReport`: one per group of jobs (tenant, kind or country), then
``unallocated`` (rack energy no job held: free GPUs, the racks' own draw beside them)
and ``facility overhead`` (cooling and losses beyond the IT load, by the site's meter).
The groups and ``unallocated`` add up to the racks' metered IT energy; shares are of
everything listed.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.energy.history import Period
from console.shiftlog.csvtext import safe_cell as csv_cell

GROUPINGS: dict[str, str] = {"tenant": "tenant", "kind": "tenant_kind", "country": "tenant_country"}
"""Report grouping -> the job column it groups by."""
UNALLOCATED = "unallocated"
OVERHEAD = "facility overhead"
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class ReportLine:
    """One line of the report."""

    name: str
    role: str
    """"group" (jobs of a tenant, kind or country), "unallocated" or "overhead"."""
    kind: str
    country: str
    jobs: int
    gpu_hours: float
    energy_kwh: float
    carbon_kg: float
    share_pct: float


@dataclass(frozen=True)
class TenantReport:
    """Energy and carbon of a period by tenant (or kind, or country)."""

    start: float
    end: float
    by: str
    lines: tuple[ReportLine, ...]
    metered_it_kwh: float
    """The racks' metered energy over the period (groups + unallocated)."""
    site_it_kwh: float
    """The site meter's IT energy over the same intervals."""
    covered_s: float
    """Seconds of the period with rack telemetry."""
    held: tuple[float, float]
    grid_g_per_kwh: float
    jobs_unplaced: int

    @property
    def groups(self) -> tuple[ReportLine, ...]:
        return tuple(line for line in self.lines if line.role == "group")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def build(period: Period, by: str = "tenant", grid_g_per_kwh: float = math.nan) -> TenantReport:
    """Group a period's attribution ``by`` tenant, kind or country."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {by!r}")
    a = period.attribution
    cols = a.jobs.columns
    keys = [_text(v) or UNKNOWN for v in cols[GROUPINGS[by]].tolist()]
    kinds = [_text(v) for v in cols["tenant_kind"].tolist()]
    countries = [_text(v) for v in cols["tenant_country"].tolist()]
    names, inverse = np.unique(np.array(keys, dtype=object), return_inverse=True) if keys else (
        np.zeros(0, object), np.zeros(0, np.int64))
    m = len(names)
    kwh = np.bincount(inverse, a.energy_kwh, minlength=m)
    kg = np.bincount(inverse, a.carbon_kg, minlength=m)
    gpu_h = np.bincount(inverse, a.gpu_hours, minlength=m)
    counted = (a.energy_kwh > 0) | (a.gpu_hours > 0)
    n_jobs = np.bincount(inverse, counted.astype(np.float64), minlength=m)
    first: dict[int, int] = {}
    for i, g in enumerate(inverse.tolist()):
        first.setdefault(g, i)
    overhead_kwh, overhead_kg = period.overhead_kwh, period.overhead_carbon_kg
    total = a.metered_kwh + overhead_kwh

    def share(x: float) -> float:
        return 100.0 * x / total if total > 0 else 0.0

    lines = []
    for g in range(m):
        if n_jobs[g] == 0:
            continue
        i = first[g]
        kind = kinds[i] if by in ("tenant", "kind") else ""
        country = countries[i] if by in ("tenant", "country") else ""
        lines.append(ReportLine(str(names[g]), "group", kind, country, int(n_jobs[g]),
                                float(gpu_h[g]), float(kwh[g]), float(kg[g]),
                                share(float(kwh[g]))))
    lines.sort(key=lambda line: (-line.energy_kwh, line.name))
    lines.append(ReportLine(UNALLOCATED, "unallocated", "", "", 0, 0.0, a.unallocated_kwh,
                            a.unallocated_carbon_kg, share(a.unallocated_kwh)))
    lines.append(ReportLine(OVERHEAD, "overhead", "", "", 0, 0.0, overhead_kwh, overhead_kg,
                            share(overhead_kwh)))
    e = period.energy
    return TenantReport(
        start=period.start, end=period.end, by=by, lines=tuple(lines),
        metered_it_kwh=a.metered_kwh, site_it_kwh=period.site_it_kwh,
        covered_s=float((e.end - e.begin).sum()), held=period.held,
        grid_g_per_kwh=grid_g_per_kwh, jobs_unplaced=a.jobs_unplaced,
    )


CSV_HEADER = ("group", "line", "kind", "country", "jobs", "gpu_hours", "energy_kwh",
              "carbon_kg", "share_pct")


def csv_text(report: TenantReport) -> str:
    """The report as CSV: a header, one row a line. Text cells are made safe for
    spreadsheets (never a formula; no bidirectional controls)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for line in report.lines:
        writer.writerow([
            report.by if line.role == "group" else "",
            csv_cell(line.name), csv_cell(line.kind), csv_cell(line.country),
            line.jobs, f"{line.gpu_hours:.3f}", f"{line.energy_kwh:.3f}",
            f"{line.carbon_kg:.3f}", f"{line.share_pct:.2f}",
        ])
    return out.getvalue()


def write_csv(report: TenantReport, path: str | Path) -> None:
    """Write :func:`csv_text` to ``path`` (UTF-8)."""
    Path(path).write_text(csv_text(report), encoding="utf-8")
