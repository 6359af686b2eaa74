"""Alarm system performance figures (EEMUA 191; ISA-18.2 / IEC 62682), from the alarm journal.

:func:`alarm_kpis` reads journal entries (dicts with the keys of
:data:`console.alarms.journal.JOURNAL_FIELDS`, oldest first or not) and returns an
:class:`AlarmKpis` for the window ``[start, min(end, now))``. Definitions:

* **raised** — an annunciation: a transition into ``UNACK`` from ``NORMAL`` or
  ``RTN_UNACK`` (or with no previous state): the condition became active. A shelved,
  suppressed or out-of-service alarm coming back (``SHELVED -> UNACK``) is the same
  occurrence returning, not a new alarm, and is not counted. Transitions into
  ``SHELVED``, ``SUPPRESSED`` and ``OUT_OF_SERVICE`` are operator actions. Entries whose
  ``alarm_id`` starts with ``plan:`` record planned shelves, not alarms: they are ignored.
* **alarms per 10 min** — the average is raised / (window length / 600 s); the maximum is
  over a *sliding* 10-minute window (the most alarms raised within any 600 s, i.e. the
  window starting at each raise).
* **flood** — starts at the raise that makes more than 10 alarms raised in the trailing
  10 minutes, ends when the trailing-10-minute count falls below 5 (an older raise ages
  out); a flood still on at the window's end ends there (``ongoing``).
* **chattering** — an alarm raised 3 or more times within 60 s.
* **standing** — alarms active at the window's end (``UNACK`` or ``ACKED``: the condition
  is still there; returned-unacknowledged ones count as unacknowledged, shelved ones as
  shelved); **stale** — standing for more than 24 h then (since their last raise; for an
  alarm raised before the journal begins, since its first entry).
* **time to acknowledge** — from a raise inside the window to the operator's
  acknowledgement (a transition out of ``UNACK``/``RTN_UNACK`` into ``ACKED``/``NORMAL``
  with an operator name) before the window's end; **unacknowledged** — alarms waiting for
  an acknowledgement at the window's end.
* **shelved** — shelve actions (transitions into ``SHELVED``) inside the window;
  ``shelved_at_end`` the alarms shelved at its end.

Targets (:data:`TARGETS`): about one alarm per 10 minutes per operator in steady state
(at most 150 a day), never more than 10 in 10 minutes, about 5 % critical and 15 % high,
no chattering and no stale alarm. A day's journal (10,000 entries) takes a few
milliseconds. Plain Python, no Qt.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.alarms.rules import (
    ACKED,
    NORMAL,
    PRIORITIES,
    RTN_UNACK,
    SHELVED,
    UNACK,
    UNACKED_STATES,
)

RATE_WINDOW_S = 600.0
FLOOD_START = 10
"""More than this many alarms raised in ``RATE_WINDOW_S`` starts a flood."""
FLOOD_END = 5
"""A flood ends when the trailing count falls below this."""
CHATTER_COUNT = 3
CHATTER_WINDOW_S = 60.0
STALE_S = 86_400.0
TOP_N = 10
PLAN_PREFIX = "plan:"

_RAISE_FROM = frozenset({NORMAL, RTN_UNACK, "", None})
ACTIVE_STATES = frozenset({UNACK, ACKED})
"""States of a standing alarm: its condition is active and it is in the operator's list."""
_ACK_TO = frozenset({ACKED, NORMAL})

MIX_MIN_ALARMS = 20
"""Fewer alarms than this in a window: the priority mix is shown but not judged."""
_MIX_KEYS = frozenset({"critical_pct", "high_pct", "medium_low_pct"})

TARGETS: Mapping[str, tuple[str, float]] = {
    "alarms_per_10min_avg": ("<=", 1.0),
    "alarms_per_10min_max": ("<=", 10.0),
    "alarms_per_day": ("<=", 150.0),
    "critical_pct": ("<=", 5.0),
    "high_pct": ("<=", 15.0),
    "medium_low_pct": (">=", 80.0),
    "flood_count": ("<=", 0.0),
    "chattering_count": ("<=", 0.0),
    "stale_count": ("<=", 0.0),
    "standing_at_end": ("<=", 5.0),
}
"""Figure -> (comparison, limit): EEMUA 191 / ISA-18.2 targets for one operator."""


@dataclass(frozen=True, slots=True)
class Flood:
    """One alarm flood: ``start``/``end`` epoch s; ``alarms`` raised during it, counting the
    ones in the 10 minutes before its start that made it a flood."""

    start: float
    end: float
    alarms: int
    ongoing: bool = False

    @property
    def duration_s(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class AlarmCount:
    """An alarm (or a rule, with ``alarm_id`` empty) and how often it was raised."""

    alarm_id: str
    rule: str
    priority: str
    count: int


@dataclass(frozen=True, slots=True)
class StandingAlarm:
    alarm_id: str
    rule: str
    priority: str
    state: str
    since: float


@dataclass(frozen=True, slots=True)
class AlarmKpis:
    """Alarm performance over ``[start, end)`` (epoch s). See the module docstring."""

    start: float
    end: float
    raised: int = 0
    raised_by_priority: Mapping[str, int] = field(default_factory=dict)
    per_10min_max: int = 0
    per_10min_max_at: float | None = None
    """Start of the busiest 10-minute window (a raise time); None without raises."""
    floods: tuple[Flood, ...] = ()
    top_alarms: tuple[AlarmCount, ...] = ()
    top_rules: tuple[AlarmCount, ...] = ()
    chattering: tuple[AlarmCount, ...] = ()
    """Chattering alarms; ``count`` is the most raises within 60 s."""
    standing: tuple[StandingAlarm, ...] = ()
    stale: tuple[StandingAlarm, ...] = ()
    ack_times_s: tuple[float, ...] = ()
    unacknowledged: int = 0
    shelved: int = 0
    shelved_at_end: int = 0
    raise_times: tuple[float, ...] = ()
    """Every raise in the window, in time order (for rates over other windows)."""

    # -- derived figures ----------------------------------------------------------------
    @property
    def span_s(self) -> float:
        return max(0.0, self.end - self.start)

    @property
    def per_10min_avg(self) -> float:
        """Alarms raised per 10 minutes, averaged over the window (NaN for an empty one)."""
        return self.raised / (self.span_s / RATE_WINDOW_S) if self.span_s > 0 else math.nan

    @property
    def per_day(self) -> float:
        return self.raised / (self.span_s / 86_400.0) if self.span_s > 0 else math.nan

    def priority_pct(self, *priorities: str) -> float:
        """Share of the raised alarms with these priorities, % (NaN without raises)."""
        if not self.raised:
            return math.nan
        return 100.0 * sum(self.raised_by_priority.get(p, 0) for p in priorities) / self.raised

    @property
    def priority_mix_pct(self) -> dict[str, float]:
        """Critical, high and medium-or-lower shares of the raised alarms, %."""
        return {
            "critical": self.priority_pct("critical"),
            "high": self.priority_pct("high"),
            "medium_low": self.priority_pct("medium", "low", "diagnostic"),
        }

    @property
    def flood_s(self) -> float:
        return sum(f.duration_s for f in self.floods)

    @property
    def longest_flood_s(self) -> float:
        return max((f.duration_s for f in self.floods), default=0.0)

    @property
    def standing_by_priority(self) -> dict[str, int]:
        counts = dict.fromkeys(PRIORITIES, 0)
        for a in self.standing:
            counts[a.priority] = counts.get(a.priority, 0) + 1
        return counts

    def ack_percentile_s(self, q: float) -> float:
        """The ``q``-th percentile (0-100, linear interpolation) of the ack times; NaN if none."""
        times = self.ack_times_s
        if not times:
            return math.nan
        pos = (len(times) - 1) * q / 100.0
        lo = math.floor(pos)
        hi = min(lo + 1, len(times) - 1)
        return times[lo] + (times[hi] - times[lo]) * (pos - lo)

    def figure(self, key: str) -> float:
        """The figure a :data:`TARGETS` key names."""
        mix = self.priority_mix_pct
        values = {
            "alarms_per_10min_avg": self.per_10min_avg,
            "alarms_per_10min_max": float(self.per_10min_max),
            "alarms_per_day": self.per_day,
            "critical_pct": mix["critical"],
            "high_pct": mix["high"],
            "medium_low_pct": mix["medium_low"],
            "flood_count": float(len(self.floods)),
            "chattering_count": float(len(self.chattering)),
            "stale_count": float(len(self.stale)),
            "standing_at_end": float(len(self.standing)),
        }
        return values[key]

    def within_target(self, key: str) -> bool | None:
        """Whether a :data:`TARGETS` figure meets its target (None when it is unknown).

        The priority mix is judged only over :data:`MIX_MIN_ALARMS` alarms or more: one
        alarm in a quiet shift is 100 % of something, which says nothing of the mix."""
        op, limit = TARGETS[key]
        if key in _MIX_KEYS and self.raised < MIX_MIN_ALARMS:
            return None
        value = self.figure(key)
        if not math.isfinite(value):
            return None
        return value <= limit if op == "<=" else value >= limit

    def outside_target(self) -> list[str]:
        """Keys of :data:`TARGETS` whose figure misses its target."""
        return [k for k in TARGETS if self.within_target(k) is False]

    def as_dict(self) -> dict[str, Any]:
        """The figures for summary.json, units in the key names; NaN becomes null."""

        def num(v: float, digits: int = 3) -> float | None:
            return round(float(v), digits) if math.isfinite(v) else None

        def counted(items: Iterable[AlarmCount]) -> list[dict[str, Any]]:
            return [{"alarm_id": c.alarm_id, "rule": c.rule, "priority": c.priority,
                     "count": c.count} for c in items]

        def standing(items: Iterable[StandingAlarm]) -> list[dict[str, Any]]:
            return [{"alarm_id": a.alarm_id, "rule": a.rule, "priority": a.priority,
                     "state": a.state, "since_epoch_s": a.since,
                     "standing_h": num((self.end - a.since) / 3600.0, 2)} for a in items]

        return {
            "window": {"start_epoch_s": self.start, "end_epoch_s": self.end,
                       "span_h": num(self.span_s / 3600.0)},
            "raised_alarms": self.raised,
            "raised_by_priority_alarms": {p: self.raised_by_priority.get(p, 0)
                                          for p in PRIORITIES},
            "priority_mix_pct": {k: num(v, 2) for k, v in self.priority_mix_pct.items()},
            "alarms_per_10min_avg": num(self.per_10min_avg),
            "alarms_per_10min_max": self.per_10min_max,
            "alarms_per_10min_max_window_start_epoch_s": self.per_10min_max_at,
            "alarms_per_day": num(self.per_day, 1),
            "rate_window": "sliding 600 s",
            "flood_count": len(self.floods),
            "flood_total_s": num(self.flood_s, 1),
            "longest_flood_s": num(self.longest_flood_s, 1),
            "floods": [{"start_epoch_s": f.start, "end_epoch_s": f.end, "alarms": f.alarms,
                        "duration_s": num(f.duration_s, 1), "ongoing": f.ongoing}
                       for f in self.floods],
            "top_alarms": counted(self.top_alarms),
            "top_rules": counted(self.top_rules),
            "chattering_count": len(self.chattering),
            "chattering": counted(self.chattering),
            "standing_at_end_alarms": len(self.standing),
            "standing_by_priority_alarms": self.standing_by_priority,
            "stale_count": len(self.stale),
            "stale": standing(self.stale),
            "acknowledged_count": len(self.ack_times_s),
            "ack_time_median_s": num(self.ack_percentile_s(50.0), 1),
            "ack_time_p90_s": num(self.ack_percentile_s(90.0), 1),
            "ack_time_max_s": num(max(self.ack_times_s, default=math.nan), 1),
            "unacknowledged_count": self.unacknowledged,
            "shelved_count": self.shelved,
            "shelved_at_end_count": self.shelved_at_end,
            "targets": {k: {"op": op, "limit": limit} for k, (op, limit) in TARGETS.items()},
            "outside_target": self.outside_target(),
        }


# -- rates and floods over raise times ----------------------------------------------------------
def max_in_window(
    times: Sequence[float],
    window_s: float = RATE_WINDOW_S,
    exclude: Sequence[tuple[float, float]] = (),
) -> tuple[int, float | None]:
    """The most ``times`` (sorted) within any ``window_s``, and where that window starts.

    Windows start at each time; a window ``[t, t + window_s)`` overlapping one of the
    ``exclude`` spans ``(a, b)`` is skipped (its count is not considered).
    """
    best, at = 0, None
    j = 0
    n = len(times)
    for i, t in enumerate(times):
        if j < i:
            j = i
        while j < n and times[j] < t + window_s:
            j += 1
        if exclude and any(t < b and t + window_s > a for a, b in exclude):
            continue
        if j - i > best:
            best, at = j - i, t
    return best, at


def floods(times: Sequence[float], end: float) -> list[Flood]:
    """Floods among sorted raise ``times`` (see the module docstring), up to ``end``."""
    out: list[Flood] = []
    n = len(times)
    if n <= FLOOD_START:
        return out
    i = 0  # next raise to enter the trailing window
    k = 0  # oldest raise still inside it
    start: float | None = None
    first = 0
    while i < n or (start is not None and k < n):
        enter = times[i] if i < n else math.inf
        leave = times[k] + RATE_WINDOW_S
        if enter < leave:
            i += 1
            if start is None and i - k > FLOOD_START:
                start, first = enter, k
        else:
            if leave > end:
                break
            k += 1
            if start is not None and i - k < FLOOD_END:
                out.append(Flood(start, leave, i - first))
                start = None
            elif start is None and i >= n:
                break
    if start is not None:
        out.append(Flood(start, end, i - first, ongoing=True))
    return out


def _chatter(times: Sequence[float]) -> int:
    """The most raises within ``CHATTER_WINDOW_S`` (0 when fewer than ``CHATTER_COUNT``)."""
    if len(times) < CHATTER_COUNT:
        return 0
    return max_in_window(times, CHATTER_WINDOW_S + 1e-9)[0]


def _entries(entries: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The entries in time order, each with every key read here (times as float)."""
    out: list[Mapping[str, Any]] = []
    ordered = True
    prev = -math.inf
    for e in entries:
        t = e.get("time")
        if (not isinstance(t, float) or "alarm_id" not in e or "state_to" not in e
                or "state_from" not in e or type(e["alarm_id"]) is not str):
            t = float(t or 0.0)
            e = {**e, "time": t, "alarm_id": str(e.get("alarm_id") or ""),
                 "state_to": e.get("state_to"), "state_from": e.get("state_from")}
        if t < prev:
            ordered = False
        prev = t
        out.append(e)
    if not ordered:
        out.sort(key=lambda e: e["time"])
    return out


# -- the figures -------------------------------------------------------------------------
def alarm_kpis(
    journal_entries: Iterable[Mapping[str, Any]],
    start: float,
    end: float,
    now: float | None = None,
) -> AlarmKpis:
    """Alarm performance of ``[start, min(end, now))`` from journal entries.

    ``journal_entries`` should hold every entry up to the window's end; earlier ones give
    the state of alarms raised before the window (standing and stale alarms at its end),
    later ones are ignored. ``now`` (default ``end``) cuts a window still in progress.
    """
    start = float(start)
    stop = float(end) if now is None else min(float(end), float(now))
    stop = max(stop, start)
    entries = _entries(journal_entries)
    raises: list[float] = []
    raised_by_priority = dict.fromkeys(PRIORITIES, 0)
    per_alarm: dict[str, list[float]] = {}
    info: dict[str, tuple[str, str]] = {}
    state: dict[str, str] = {}
    since: dict[str, float] = {}
    pending_raise: dict[str, float] = {}
    ack_times: list[float] = []
    shelved = 0
    unacked, to_ack = UNACKED_STATES, _ACK_TO
    for e in entries:
        t = e["time"]
        if t >= stop:
            break
        alarm_id = e["alarm_id"]
        if not alarm_id or alarm_id.startswith(PLAN_PREFIX):
            continue
        to = e["state_to"]
        frm = e["state_from"]
        if to == UNACK and frm in _RAISE_FROM:
            since[alarm_id] = t
            priority = e.get("priority") or "low"
            info[alarm_id] = (e.get("source") or alarm_id.split(":", 1)[0], priority)
            if t >= start:
                raises.append(t)
                raised_by_priority[priority] = raised_by_priority.get(priority, 0) + 1
                times = per_alarm.get(alarm_id)
                if times is None:
                    per_alarm[alarm_id] = [t]
                else:
                    times.append(t)
                pending_raise[alarm_id] = t
            state[alarm_id] = to
            continue
        if frm in unacked and to in to_ack and e.get("operator"):
            raised_at = pending_raise.pop(alarm_id, None)
            if raised_at is not None:
                ack_times.append(t - raised_at)
        elif to == SHELVED and t >= start:
            shelved += 1
        if to not in unacked:
            pending_raise.pop(alarm_id, None)
        if to == NORMAL:
            state.pop(alarm_id, None)
            since.pop(alarm_id, None)
            continue
        state[alarm_id] = to
        if alarm_id not in since:
            since[alarm_id] = t
        if alarm_id not in info:
            info[alarm_id] = (e.get("source") or alarm_id.split(":", 1)[0],
                              e.get("priority") or "low")
    # per-alarm and per-rule counts
    by_rule: dict[str, int] = {}
    rule_priority: dict[str, str] = {}
    counts: list[AlarmCount] = []
    chattering: list[AlarmCount] = []
    for alarm_id, times in per_alarm.items():
        rule, priority = info[alarm_id]
        counts.append(AlarmCount(alarm_id, rule, priority, len(times)))
        by_rule[rule] = by_rule.get(rule, 0) + len(times)
        rule_priority.setdefault(rule, priority)
        most = _chatter(times)
        if most >= CHATTER_COUNT:
            chattering.append(AlarmCount(alarm_id, rule, priority, most))
    counts.sort(key=lambda c: (-c.count, c.alarm_id))
    rules = sorted((AlarmCount("", r, rule_priority[r], n) for r, n in by_rule.items()),
                   key=lambda c: (-c.count, c.rule))
    chattering.sort(key=lambda c: (-c.count, c.alarm_id))
    standing = []
    for alarm_id, st in state.items():
        if st in ACTIVE_STATES:
            rule, priority = info.get(alarm_id, (alarm_id.split(":", 1)[0], "low"))
            standing.append(StandingAlarm(alarm_id, rule, priority, st, since.get(alarm_id, stop)))
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    standing.sort(key=lambda a: (rank.get(a.priority, 9), a.since, a.alarm_id))
    most, most_at = max_in_window(raises)
    return AlarmKpis(
        start=start,
        end=stop,
        raised=len(raises),
        raised_by_priority=raised_by_priority,
        per_10min_max=most,
        per_10min_max_at=most_at,
        floods=tuple(floods(raises, stop)),
        top_alarms=tuple(counts[:TOP_N]),
        top_rules=tuple(rules[:TOP_N]),
        chattering=tuple(chattering),
        standing=tuple(standing),
        stale=tuple(a for a in standing if stop - a.since > STALE_S),
        ack_times_s=tuple(sorted(ack_times)),
        unacknowledged=sum(1 for s in state.values() if s in UNACKED_STATES),
        shelved=shelved,
        shelved_at_end=sum(1 for s in state.values() if s == SHELVED),
        raise_times=tuple(raises),
    )


def raised_within(kpis: AlarmKpis, a: float, b: float) -> int:
    """How many of the window's alarms were raised in ``[a, b)``."""
    times = kpis.raise_times
    return bisect_left(times, b) - bisect_left(times, a)


def first_raise_after(kpis: AlarmKpis, t: float) -> float | None:
    """The first raise at or after ``t`` (None when none)."""
    times = kpis.raise_times
    i = bisect_right(times, t - 1e-9)
    return times[i] if i < len(times) else None


def shift_kpis(
    journal: Sequence[Mapping[str, Any]],
    t: float,
    tz: str | None = None,
    lookback_s: float = 2 * STALE_S,
) -> tuple[AlarmKpis, tuple[float, float]]:
    """The figures of the shift holding ``t``, up to ``t``, and the shift's (start, end).

    ``journal`` is oldest first (as the cache returns it); only entries from
    ``lookback_s`` before the shift's start are read, so a week's journal costs no more
    than a few days'.
    """
    from console.contract import DEFAULT_SITE_TZ
    from console.power import SHIFTS, shift_bounds

    start, end = shift_bounds(t, tz or DEFAULT_SITE_TZ, SHIFTS)
    lo = bisect_left(journal, start - lookback_s, key=lambda e: float(e.get("time") or 0.0))
    hi = bisect_right(journal, t, key=lambda e: float(e.get("time") or 0.0))
    return alarm_kpis(journal[lo:hi], start, end, now=t), (start, end)
