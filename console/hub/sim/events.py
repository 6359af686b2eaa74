"""The hub's event log: numbered, time-stamped, with a short per-rack index."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from console.hub.params import EVENTS_KEEP, RACK_EVENTS_KEEP

SEVERITIES = ("critical", "high", "medium", "low", "info")


def iso_utc(t: float) -> str:
    """Epoch seconds as ISO 8601 UTC with milliseconds, e.g. ``2026-05-01T02:14:00.000Z``."""
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EventLog:
    """Events with increasing integer ids; the last ``EVENTS_KEEP`` are kept."""

    def __init__(self) -> None:
        self._events: deque[dict[str, Any]] = deque(maxlen=EVENTS_KEEP)
        self._by_rack: dict[str, deque[dict[str, Any]]] = {}
        self.last_id = 0

    def add(
        self,
        when: float,
        kind: str,
        severity: str,
        message: str,
        rack: str | None = None,
        gpu_uuid: str | None = None,
        xid: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Append an event and return it; ``extra`` adds optional fields (``job_id``,
        ``gpus``, ``feed`` in the contract)."""
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        self.last_id += 1
        event = {
            "id": self.last_id,
            "time": round(float(when), 3),
            "time_iso": iso_utc(when),
            "kind": kind,
            "severity": severity,
            "rack": rack,
            "gpu_uuid": gpu_uuid,
            "xid": None if xid is None else int(xid),
            "message": message,
        } | extra
        self._events.append(event)
        if rack is not None:
            per_rack = self._by_rack.get(rack)
            if per_rack is None:
                per_rack = self._by_rack[rack] = deque(maxlen=RACK_EVENTS_KEEP)
            per_rack.append(event)
        return event

    def since(self, since: int) -> list[dict[str, Any]]:
        """Events with id > ``since``, oldest first."""
        if not self._events or since >= self.last_id:
            return []
        first = self._events[0]["id"]
        skip = max(0, since - first + 1)
        return list(islice(self._events, skip, None))

    def for_rack(self, rack: str) -> list[dict[str, Any]]:
        """The rack's recent events, newest first."""
        return list(reversed(self._by_rack.get(rack, ())))
