"""The shift log as CSV text that no spreadsheet reads as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
taken for a formula by Excel, LibreOffice or Google Sheets (CSV injection): such a cell is
written with a leading ``'``, which those programs show as text. Entry text stays plain
text: line feeds inside a cell are quoted as CSV quotes them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from console.shiftlog.model import LogEntry

COLUMNS = ("id", "time_utc", "author", "category", "open", "cleared_by", "cleared_at_utc",
           "links", "text", "uid")
"""The columns of ``main.py log list --csv``, in order."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                         "\u2066\u2067\u2068\u2069"))


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet takes for a formula (text starting with one
    of ``FORMULA_STARTS`` gets a leading ``'``) and no bidirectional control can reorder
    (they are left out: a spreadsheet shows a cell's text as written); numbers and None as
    they are."""
    if not isinstance(value, str):
        return value
    value = value.translate(_BIDI_CONTROLS)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _utc(t: float | None) -> str:
    if t is None:
        return ""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_row(entry: LogEntry) -> list[Any]:
    """One entry as the cells of :data:`COLUMNS` (made safe)."""
    links = "; ".join(f"{kind}:{ref}" for kind, ref in entry.links)
    cells = [entry.id, _utc(entry.time), entry.author, entry.category,
             "yes" if entry.open else "no", entry.cleared_by or "", _utc(entry.cleared_at),
             links, entry.text, entry.uid]
    return [safe_cell(c) for c in cells]


def entries_csv(entries: Iterable[LogEntry]) -> str:
    """The entries as CSV text (a header row, then one row an entry; line ends CRLF)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(entry_row(entry))
    return out.getvalue()
