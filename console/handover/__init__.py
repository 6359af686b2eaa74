"""The shift handover (Qt-free): everything but the rendering of views and the PDF.

- :mod:`console.handover.shift`: the shift window (:class:`ShiftWindow`) and the program's
  one strict :func:`parse_time`;
- :mod:`console.handover.kpis`: the shift's power, GPU, job, alarm and incident figures;
- :mod:`console.handover.data`: :class:`HandoverData` and :func:`build_handover`;
- :mod:`console.handover.collect`: what a live source or a cache holds for a shift;
- :mod:`console.handover.report`: the report (HTML) the PDF shows;
- :mod:`console.handover.request`: :class:`ExportRequest` and :class:`ExportError`;
- :mod:`console.handover.pack`: the pack writer (temporary folder renamed into place,
  ``summary.json``, the messages for a read-only, full or forbidden folder).

The package imports ``collect`` and ``pack`` only when asked for, so reading a shift's
figures never pulls in the sources.
"""

from __future__ import annotations

from console.handover.data import SUMMARY_FORMAT, HandoverData, build_handover
from console.handover.kpis import ENERGY_SOURCES, GPU_STATES, alarm_kpis, job_kpis, power_kpis
from console.handover.request import ExportError, ExportRequest
from console.handover.shift import MAX_SHIFT_S, ShiftWindow, figure, parse_time

__all__ = [
    "ENERGY_SOURCES", "GPU_STATES", "MAX_SHIFT_S", "SUMMARY_FORMAT", "ExportError",
    "ExportRequest", "HandoverData", "ShiftWindow", "alarm_kpis", "build_handover", "figure",
    "job_kpis", "parse_time", "power_kpis",
]
