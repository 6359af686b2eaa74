"""The shift window of a handover: :class:`ShiftWindow` and the one strict :func:`parse_time`.

Qt-free. :class:`ShiftWindow` parses ``START..END`` (ISO 8601 in site local time or with an
offset, or epoch seconds) and picks the default shift (site local shifts 06–14, 14–22,
22–06). :func:`parse_time` is the program's only reader of a time typed by an operator
(``main.py review --at``, ``main.py export --at/--shift``).
"""

from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from console.contract import DEFAULT_SITE_TZ
from console.i18n import strftime
from console.power import SHIFTS, shift_bounds

__all__ = ["MAX_SHIFT_S", "ShiftWindow", "figure", "parse_time"]

MAX_SHIFT_S = 7 * 86_400.0
"""The longest window a handover covers (the hub keeps 7 days of power history)."""


def figure(value: float | int | None, unit: str, reason: str | None = None) -> dict[str, Any]:
    """One figure with its unit; NaN and None become JSON null (with ``reason``, when
    known, saying why: nothing is invented)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return {"value": None, "unit": unit} | ({"reason": reason} if reason else {})
    if isinstance(value, (int, np.integer)):
        return {"value": int(value), "unit": unit}
    return {"value": round(float(value), 4), "unit": unit}


# -- shift window ------------------------------------------------------------------------
def parse_time(text: str, tz: str = DEFAULT_SITE_TZ) -> float:
    """Epoch seconds of ``text``: epoch seconds, or ISO 8601 (site local time when naive)."""
    text = text.strip()
    if not text:
        raise ValueError("empty time")
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(value) or not 946_684_800 <= value <= 4_102_444_800:
            raise ValueError(f"epoch time {text!r} is not a plausible date")
        return value
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise ValueError(
            f"cannot read the time {text!r}: use ISO 8601 (2026-11-28T06:00, "
            "2026-11-28T06:00+01:00) or epoch seconds"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.timestamp()


@dataclass(frozen=True, slots=True)
class ShiftWindow:
    """A span of hub time ``[start, end)`` in epoch seconds, shown in ``tz`` and UTC.

    ``nominal_end`` is the planned end of a shift still in progress (``end`` is then the
    time the data reaches); it equals ``end`` for a complete window.
    """

    start: float
    end: float
    tz: str = DEFAULT_SITE_TZ
    nominal_end: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start) and math.isfinite(self.end)):
            raise ValueError("shift times must be finite")
        if self.end <= self.start:
            raise ValueError("the shift must end after it starts")
        if self.end - self.start > MAX_SHIFT_S:
            raise ValueError(f"a handover covers at most {MAX_SHIFT_S / 86400:g} days")
        ZoneInfo(self.tz)  # raises for an unknown zone

    @classmethod
    def parse(cls, text: str, tz: str = DEFAULT_SITE_TZ) -> ShiftWindow:
        """Parse ``START..END``; ValueError with a message an operator can act on."""
        start, sep, end = text.partition("..")
        if not sep or not start.strip() or not end.strip():
            raise ValueError(f"shift {text!r} must be START..END, e.g. 2026-11-28T06:00..14:00")
        t0 = parse_time(start, tz)
        end = end.strip()
        if len(end) <= 8 and ":" in end and "T" not in end:  # "..14:00": same day as START
            day = datetime.fromtimestamp(t0, ZoneInfo(tz)).date()
            t1 = parse_time(f"{day.isoformat()}T{end}", tz)
            if t1 <= t0:
                t1 = parse_time(f"{(day + timedelta(days=1)).isoformat()}T{end}", tz)
        else:
            t1 = parse_time(end, tz)
        return cls(t0, t1, tz)

    @classmethod
    def default(cls, now: float | None = None, tz: str = DEFAULT_SITE_TZ, live: bool = False) -> ShiftWindow:
        """The last complete shift before ``now``, or (``live``) the shift in progress up to now."""
        now = _time.time() if now is None else float(now)
        start, end = shift_bounds(now, tz, SHIFTS)
        if live:
            if now - start < 1.0:
                start, end = shift_bounds(start - 1.0, tz, SHIFTS)
                return cls(start, end, tz)
            return cls(start, now, tz, nominal_end=end)
        start, end = shift_bounds(start - 1.0, tz, SHIFTS)
        return cls(start, end, tz)

    @classmethod
    def containing(cls, t: float, tz: str = DEFAULT_SITE_TZ) -> ShiftWindow:
        """The shift holding ``t``."""
        start, end = shift_bounds(t, tz, SHIFTS)
        return cls(start, end, tz)

    @property
    def hours(self) -> float:
        """Length of the window in hours."""
        return (self.end - self.start) / 3600.0

    @property
    def partial(self) -> bool:
        """True while the shift is still in progress (data end before the planned end)."""
        return self.nominal_end is not None and self.nominal_end > self.end

    def local(self, t: float) -> datetime:
        """``t`` as an aware datetime in the site's time zone."""
        return datetime.fromtimestamp(t, ZoneInfo(self.tz))

    def label_local(self) -> str:
        """'Sat 28 Nov 2026 06:00 – 14:00 (+01:00, Africa/Casablanca)' (day and month names
        in the chosen language)."""
        s, e = self.local(self.start), self.local(self.end)
        end = f"{e:%H:%M}" if e.date() == s.date() else strftime(e, "%a %d %b %Y %H:%M")
        offset = s.isoformat()[19:] or "+00:00"
        return f"{strftime(s, '%a %d %b %Y %H:%M')} – {end} (UTC{offset}, {self.tz})"

    def label_utc(self) -> str:
        """'Sat 28 Nov 2026 05:00 – 13:00 UTC'."""
        s = datetime.fromtimestamp(self.start, ZoneInfo("UTC"))
        e = datetime.fromtimestamp(self.end, ZoneInfo("UTC"))
        end = f"{e:%H:%M}" if e.date() == s.date() else strftime(e, "%a %d %b %Y %H:%M")
        return f"{strftime(s, '%a %d %b %Y %H:%M')} – {end} UTC"

    def to_dict(self) -> dict[str, Any]:
        """The window for summary.json: epoch, site-local and UTC times, length, status."""
        utc = ZoneInfo("UTC")
        return {
            "start": self.start,
            "end": self.end,
            "start_local": self.local(self.start).isoformat(),
            "end_local": self.local(self.end).isoformat(),
            "start_utc": datetime.fromtimestamp(self.start, utc).isoformat(),
            "end_utc": datetime.fromtimestamp(self.end, utc).isoformat(),
            "timezone": self.tz,
            "duration": figure(self.hours, "h"),
            "in_progress": self.partial,
            "planned_end": self.nominal_end if self.partial else self.end,
        }
