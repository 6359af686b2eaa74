"""Old import path of :mod:`console.handover.collect` (the windows' File → Export handover
still reads it from here); new code imports :mod:`console.handover.collect`."""

from __future__ import annotations

from console.handover.collect import collect_from_cache, collect_from_source
from console.handover.request import ExportError

__all__ = ["ExportError", "collect_from_cache", "collect_from_source"]
