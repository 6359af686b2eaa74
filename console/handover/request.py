"""What an export is asked to do (:class:`ExportRequest`) and how it fails (:class:`ExportError`).

Qt-free. ``main.py export`` builds the request from its arguments; the headless export
(:func:`widgets.export.run_export`) reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_TIMEOUT_S", "ExportError", "ExportRequest"]

DEFAULT_TIMEOUT_S = 30.0
"""Seconds an export waits for valid data from a live source."""


class ExportError(Exception):
    """An export that cannot be made; ``str(err)`` is one line saying why."""


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """One handover export: where to write it and what to read it from.

    ``source`` (a live source URL) and ``review`` (a cache file) exclude each other; neither:
    the configured source. ``shift`` is ``START..END`` and ``at`` a time, both as typed
    (read by :func:`console.handover.shift.parse_time`); ``notes`` is the path of a plain
    text file; ``settings`` the loaded :class:`console.settings.Settings` (None: loaded
    from the environment with ``source`` as override).
    """

    out: str | None
    source: str | None = None
    review: str | None = None
    shift: str | None = None
    at: str | None = None
    notes: str | None = None
    force: bool = False
    timeout: float = DEFAULT_TIMEOUT_S
    settings: Any = None
    lang: str | None = None
    """The pack's language (en, fr, ar; None: the config file's ``[ui] lang``, else the
    system locale's)."""

    @classmethod
    def from_namespace(cls, args: Any) -> ExportRequest:
        """The request of parsed ``main.py export`` arguments (absent ones take defaults)."""
        get = args.__dict__.get if hasattr(args, "__dict__") else dict(args).get
        return cls(
            out=get("out"), source=get("source"), review=get("review"), shift=get("shift"),
            at=get("at"), notes=get("notes"), force=bool(get("force")),
            timeout=float(get("timeout") or DEFAULT_TIMEOUT_S), settings=get("settings"),
            lang=get("lang"),
        )
