"""``main.py report tenants``: energy and carbon per tenant (kind, country) as CSV.

Reads the history cache (never writes it). A period the cache does not hold, a cache
that cannot be read or a file that cannot be written: :class:`ReportError` with one
line saying why (the command exits 2).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from console.carbon import GRID_CARBON_G_PER_KWH
from console.energy import report
from console.energy.history import PeriodError, attribute_period


class ReportError(Exception):
    """The report cannot be made; ``str(err)`` says why in one line."""


def grid_intensity(settings: Any) -> float:
    """The grid's carbon intensity of the config (``[carbon] grid_g_per_kwh``), else the
    cited default of :mod:`console.carbon`."""
    from console.carbon import configured_intensity

    table = getattr(settings, "carbon", None)
    return configured_intensity(table if isinstance(table, dict) else {})


def tenant_report(cache_path: str | Path, start: float, end: float, by: str = "tenant",
                  grid_g_per_kwh: float = GRID_CARBON_G_PER_KWH) -> report.TenantReport:
    """The report of ``[start, end]`` from the cache file at ``cache_path``."""
    from console.cache import Cache, CacheError

    try:
        cache = Cache.open(cache_path, readonly=True)
    except CacheError as exc:
        raise ReportError(str(exc)) from None
    except OSError as exc:
        raise ReportError(f"cannot open the cache {cache_path}: {exc}") from None
    try:
        period = attribute_period(cache, start, end, grid_g_per_kwh)
        return report.build(period, by, grid_g_per_kwh)
    except (PeriodError, CacheError) as exc:
        raise ReportError(str(exc)) from None
    finally:
        cache.close()


def write_report(rep: report.TenantReport, out: str | Path, err: TextIO | None = None) -> None:
    """Write the CSV and say on ``err`` what it holds (lines, energy, the check of the
    attribution against the site's IT meter)."""
    err = sys.stderr if err is None else err
    try:
        report.write_csv(rep, out)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from None
    site = rep.site_it_kwh
    gap = f"{100.0 * (rep.metered_it_kwh - site) / site:+.2f} %" if site > 0 else "n/a"
    print(f"{out}: {len(rep.groups)} {rep.by} line(s), {rep.metered_it_kwh:,.0f} kWh IT "
          f"metered by the racks (site IT meter: {site:,.0f} kWh, {gap}), "
          f"{rep.covered_s / 3600.0:.1f} h of telemetry", file=err)
    first, last = rep.held
    if rep.start < first or rep.end > last:
        from console.energy.history import stamp

        print(f"{out}: the cache holds {stamp(first)} to {stamp(last)}, part of the period "
              "asked: the report covers that part only", file=err)
