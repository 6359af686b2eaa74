"""A pyqtgraph time axis for epoch seconds, labelled in the site's time zone (or UTC).

Ticks fall on whole local minutes, hours and days (zoneinfo, so the Ramadan change
of offset in Africa/Casablanca is honoured); midnight ticks show the date.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg

from console.contract import DEFAULT_SITE_TZ
from console.i18n import strftime

HOUR, DAY = 3600.0, 86400.0
TICK_STEPS = (
    10,
    30,
    60,
    300,
    600,
    900,
    1800,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
)


MAX_TICKS = 1000
"""More ticks than this on an axis means a range no clock shows: none are drawn."""


class SiteTimeAxis(pg.AxisItem):
    """Bottom axis for epoch seconds, labelled in a zoneinfo time zone (site or UTC)."""

    def __init__(self, tz: str = DEFAULT_SITE_TZ, **kwargs: object) -> None:
        super().__init__(orientation="bottom", **kwargs)
        self.tz = tz

    def set_tz(self, tz: str) -> None:
        """Relabel in ``tz``."""
        self.tz = tz
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802
        with np.errstate(all="ignore"):
            span = maxVal - minVal
        if not np.isfinite(span) or span <= 0:
            return []
        want = max(2.0, size / 110.0)
        step = next((s for s in TICK_STEPS if span / s <= want), TICK_STEPS[-1])
        if span / step > MAX_TICKS:  # a range no clock shows (a time of -1e308): no ticks
            return []
        try:
            offset = datetime.fromtimestamp(minVal, ZoneInfo(self.tz)).utcoffset()
        except (ValueError, OverflowError, OSError):
            return []
        off = offset.total_seconds() if offset else 0.0
        first = np.ceil((minVal + off) / step) * step - off
        ticks = np.arange(first, maxVal, step)
        return [(step, ticks.tolist())]

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:  # noqa: N802
        zone = ZoneInfo(self.tz)
        fmt = "%a %d %b" if spacing >= DAY else "%H:%M:%S" if spacing < 60 else "%H:%M"
        out = []
        for v in values:
            try:
                d = datetime.fromtimestamp(v, zone)
            except (TypeError, ValueError, OverflowError, OSError):
                out.append("")
                continue
            text = strftime(d, fmt)  # day and month names in the chosen language
            if spacing < DAY and d.hour == 0 and d.minute == 0 and d.second == 0:
                text = strftime(d, "%d %b")
            out.append(text)
        return out
