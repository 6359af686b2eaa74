"""Text from outside (the hub, tenants, operators) made safe to show: Qt-free.

Three hazards, whatever shows the text (a table, a label, the handover PDF):

- bidi: right-to-left letters or bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE) in a
  tenant's or a site's name reorder the text around it ("job 42 of <RTL name> on A-07-04"
  read with the rack id inside the name). :func:`isolate` wraps such text in Unicode
  first-strong isolates (U+2068 … U+2069) after removing the explicit bidi controls it
  carries, so its direction never leaks into the line around it.
- length: a 100,000-character rack id quoted in a message pushes everything after it out of
  sight and costs a text layout of its whole length. :func:`clip` cuts it to a bound, with
  an ellipsis where the cut is.
- type: a list, a dict, None or a float where a name belongs. :func:`plain` makes any value
  a string and never raises.

``widgets/text.py`` re-exports these for the views and adds what needs Qt (tooltips,
column widths); the handover report uses them directly.

Speed: the views clean every cell of every row on each poll and a tooltip on each hover, so
each helper first takes the common case at no cost: a ``str`` that ``str.isascii()`` (a flag
CPython keeps on the string: no scan) holds no bidi control, and one within the limit needs
no cut. Only other text pays for ``translate`` and slicing.
"""

from __future__ import annotations

from collections.abc import Iterable

FSI = "\u2068"
"""FIRST STRONG ISOLATE: the isolated text takes its direction from its own first letter."""
PDI = "\u2069"
"""POP DIRECTIONAL ISOLATE: ends the isolate."""
ELLIPSIS = "…"
BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)
"""Explicit embeddings, overrides, isolates and marks (LRE … RLO, LRI … PDI, LRM, RLM, ALM)."""

TEXT_CHARS = 300
"""Longest outside text shown in one place (a cell, a label, a line of a message)."""
SHORT_INT = 10**15
SHORT_INT_CHARS = 16
"""An int closer to 0 than :data:`SHORT_INT` is at most this many characters long."""


def plain(value: object) -> str:
    """``value`` as a string ('' for None); never raises (a broken ``__str__`` reads as
    its type's name)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - an object from outside may fail in any way
        return f"<{type(value).__name__}>"


def clip(value: object, limit: int = TEXT_CHARS, middle: bool = False) -> str:
    """``value`` as text of at most ``limit`` characters: cut at the end (or, with
    ``middle``, in the middle, keeping both ends of an id) with an ellipsis where the cut is."""
    s = value if type(value) is str else plain(value)
    if len(s) <= limit:
        return s
    if limit <= 1:
        return ELLIPSIS[:limit]
    if middle:
        head = (limit - 1) // 2
        tail = limit - 1 - head
        return s[:head] + ELLIPSIS + (s[-tail:] if tail else "")
    return s[: limit - 1] + ELLIPSIS


def strip_bidi(value: object) -> str:
    """``value`` as text without explicit bidi controls (overrides, embeddings, isolates,
    marks)."""
    s = value if type(value) is str else plain(value)
    return s if s.isascii() else s.translate(BIDI_CONTROLS)  # ASCII: no control to drop


def isolate(value: object, limit: int | None = TEXT_CHARS) -> str:
    """``value`` as a bidi-isolated run, cut to ``limit`` characters (None: no cut).

    Explicit bidi controls inside it are dropped first, so an unmatched PDI or an
    override in a tenant's name cannot end the isolate early or flip what follows.
    '' for empty text.
    """
    s = strip_bidi(value)
    if limit is not None and len(s) > limit:
        s = clip(s, limit)
    return FSI + s + PDI if s else ""


def cell(value: object, limit: int = TEXT_CHARS) -> str:
    """The text of a table cell (or of a value in a line): any value as text without explicit
    bidi controls (an override in a name would show it backwards), cut to ``limit``
    characters."""
    if type(value) is str and len(value) <= limit and value.isascii():
        return value  # the common case (an id, a name): nothing to drop, nothing to cut
    if type(value) is int and -SHORT_INT < value < SHORT_INT and limit > SHORT_INT_CHARS:
        return str(value)  # a count, a slot
    return clip(strip_bidi(value), limit)


def row_cells(values: Iterable[object], limit: int = TEXT_CHARS) -> list[str]:
    """:func:`cell` of each value (a table row's text in one call)."""
    return [v if type(v) is str and len(v) <= limit and v.isascii() else cell(v, limit)
            for v in values]
