"""Link state: how fresh each kind of data is, and whether the source is reachable.

After one missed poll the status bar says so; after two consecutive misses the
data is stale (views grey it and show its age) and a comm-loss banner appears;
the first good poll recovers everything.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class LinkState(enum.Enum):
    CONNECTING = "connecting"
    LIVE = "live"
    MISSED = "missed poll"
    STALE = "comm loss"


@dataclass
class KindHealth:
    """Freshness of one kind of data."""

    last_ok: float | None = None
    last_source_time: float | None = None
    misses: int = 0
    last_error: str | None = None
    interval: float = 2.0


@dataclass
class LinkMonitor:
    """Tracks poll outcomes per kind and derives the link state (Qt-free)."""

    intervals: dict[str, float]
    stale_after_misses: int = 2
    kinds: dict[str, KindHealth] = field(default_factory=dict)
    last_error: str | None = None
    auth_failed: bool = False

    def __post_init__(self) -> None:
        for kind, interval in self.intervals.items():
            self.kinds.setdefault(kind, KindHealth(interval=interval))

    def record(self, kind: str, ok: bool, now: float, error: str | None = None,
               source_time: float | None = None, auth_failed: bool = False) -> None:
        health = self.kinds.setdefault(kind, KindHealth())
        if ok:
            health.last_ok = now
            health.last_source_time = source_time
            health.misses = 0
            health.last_error = None
            self.auth_failed = False
            if all(h.misses == 0 for h in self.kinds.values()):
                self.last_error = None
        else:
            health.misses += 1
            health.last_error = error
            self.last_error = error
            self.auth_failed = auth_failed

    def age(self, kind: str, now: float) -> float | None:
        health = self.kinds.get(kind)
        if health is None or health.last_ok is None:
            return None
        return max(0.0, now - health.last_ok)

    def is_stale(self, kind: str, now: float) -> bool:
        """Stale after N missed polls, or when no poll succeeded for N+1 intervals."""
        health = self.kinds.get(kind)
        if health is None:
            return False
        if health.misses >= self.stale_after_misses:
            return True
        if health.last_ok is None:
            return False
        return now - health.last_ok > (self.stale_after_misses + 1) * health.interval

    @property
    def state_kind(self) -> str:
        return "racks" if "racks" in self.kinds else next(iter(self.kinds), "racks")

    def state(self, now: float) -> LinkState:
        key = self.kinds.get(self.state_kind)
        if key is None or (key.last_ok is None and key.misses < self.stale_after_misses):
            return LinkState.CONNECTING
        worst = max((h.misses for h in self.kinds.values()), default=0)
        if any(self.is_stale(k, now) for k in self.kinds):
            return LinkState.STALE
        if worst >= 1:
            return LinkState.MISSED
        return LinkState.LIVE

    def since_any_ok(self, now: float) -> float | None:
        """Seconds since the last successful poll of any kind; None before the first."""
        times = [h.last_ok for h in self.kinds.values() if h.last_ok is not None]
        return max(0.0, now - max(times)) if times else None

    def oldest_age(self, now: float) -> float | None:
        ages = [self.age(k, now) for k in self.kinds]
        known = [a for a in ages if a is not None]
        return max(known) if known else None
