"""Text from outside (tenants, users, job names, hub messages) made safe to show.

The Qt-free core (:func:`isolate`, :func:`clip`, :func:`plain`; bidi isolation, length
bounds, any value as text) is :mod:`console.text`, shared with the handover report; this
module re-exports it and adds what needs Qt:

- Qt guesses rich text from a string's content: a tooltip holding ``<img src=…>`` would
  load the image. :func:`plain_tooltip` escapes text for a tooltip so it shows as typed,
  cut to :data:`TIP_CHARS` with long lines broken, so a 100,000-character id never makes
  a tooltip wider than the screen.
- A table column sized to its contents grows with the longest text in it.
  :func:`bound_columns` caps every column of a table or tree view at a width in font
  metrics and elides what does not fit (the full text is in the cell's tooltip).
- :func:`cell` (from :mod:`console.text`) is the text of one table cell: any value, bidi
  controls dropped, cut to :data:`CELL_CHARS`.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

import numpy as np
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QTableView, QTreeView

from console.text import (
    ELLIPSIS,
    FSI,
    PDI,
    TEXT_CHARS,
    cell,
    clip,
    isolate,
    plain,
    row_cells,
    strip_bidi,
)

__all__ = [
    "CELL_CHARS",
    "COLUMN_CHARS",
    "ELLIPSIS",
    "FSI",
    "PDI",
    "TEXT_CHARS",
    "TIP_CHARS",
    "bound_columns",
    "set_column_widths",
    "cell",
    "row_cells",
    "clip",
    "figure",
    "local_number",
    "set_locale",
    "isolate",
    "missing",
    "plain",
    "plain_tooltip",
    "strip_bidi",
]

CELL_CHARS = TEXT_CHARS
"""Longest text a table cell holds (the view elides it further to the column's width)."""
TIP_CHARS = 1000
"""Longest text a tooltip shows."""
TIP_LINE_CHARS = 100
"""A tooltip line longer than this (an id with no spaces) is broken into lines this long."""
COLUMN_CHARS = 60
"""Widest a table column grows (average character widths of the view's font); a column that
stretches to fill the view is the exception, bounded by the view itself."""


def missing() -> str:
    """What a view shows where a value cannot be shown ('—', translated)."""
    return QCoreApplication.translate("Text", "—")


HUGE = 1e15
"""A figure at least this large is shown in scientific notation ('1e+308'), never as the
309 digits of a hub's 1e308."""


_NA = "n/a"
_LOCALE: QLocale | None = None
"""The locale figures are written in (None: as Python writes them, the English of the
console); set with the language (:func:`widgets.i18n.install_language`)."""
_SPEC = re.compile(r"(,?)(?:\.(\d+))?([fd])")


def set_locale(locale: QLocale | None) -> None:
    """Write figures in ``locale``'s digits and separators (None: Python's, English); the
    words :func:`translated` read in the language before are forgotten."""
    global _LOCALE
    _LOCALE = locale
    _TRANSLATED.clear()
    _TRANSLATED_WORDS.clear()
    _LAST_WORDS.clear()


_TRANSLATED: dict[tuple[str, str], str] = {}
_TRANSLATED_WORDS: dict[tuple[str, type, tuple[str, ...]], tuple[str, ...]] = {}
_LAST_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
"""By context: the sources last asked for and their words (the same sources asked again
and again: no tuple of them hashed and compared each time)."""
_Words = TypeVar("_Words", bound=NamedTuple)


def translated(context: str, source: str) -> str:
    """``QCoreApplication.translate(context, source)``, asked of Qt once per language: for
    the words of text made at every mouse move (a tooltip that follows it). Mark ``source``
    for the translation files with ``QT_TRANSLATE_NOOP(context, ...)``. Installing a
    language (:func:`widgets.i18n.install_language`, which sets the locale) forgets them."""
    key = (context, source)
    text = _TRANSLATED.get(key)
    if text is None:
        text = _TRANSLATED[key] = QCoreApplication.translate(context, source)
    return text


def translated_words(context: str, sources: _Words) -> _Words:
    """:func:`translated` of each field of ``sources`` (a named tuple of source texts), in
    one look-up: the same named tuple of their words in the chosen language."""
    last = _LAST_WORDS.get(context)
    if last is not None and last[0] is sources:
        return last[1]  # type: ignore[return-value]
    key = (context, type(sources), sources)
    words = _TRANSLATED_WORDS.get(key)
    if words is None:
        words = _TRANSLATED_WORDS[key] = type(sources)._make(
            QCoreApplication.translate(context, source) for source in sources)
    _LAST_WORDS[context] = (sources, words)
    return words  # type: ignore[return-value]


def local_number(value: float, spec: str) -> str | None:
    """``value`` in format ``spec`` (``,.1f``, ``.0f``, ``,d``, ``d``) written in the
    chosen locale; None when no locale is set or the spec is another one."""
    locale = _LOCALE
    if locale is None:
        return None
    match = _SPEC.fullmatch(spec)
    if match is None:
        return None
    group, digits, kind = match.groups()
    if kind == "d" and not float(value).is_integer():
        return None
    loc = QLocale(locale)
    loc.setNumberOptions(QLocale.NumberOption.DefaultNumberOptions if group
                         else QLocale.NumberOption.OmitGroupSeparator)
    if kind == "d":
        return loc.toString(int(value))
    return loc.toString(float(value), "f", int(digits or 6))


def figure(value: object, spec: str = ",.1f", unit: str = "", none: str | None = None) -> str:
    """A number as text in format ``spec`` followed by ``unit``; ``none`` for what is no finite
    number (NaN, inf, text, a list, a bool; default 'n/a', translated); a huge one in
    scientific notation. Written in the chosen locale (:func:`set_locale`) for the specs it
    knows."""
    if none is None:
        none = _NA if _LOCALE is None else QCoreApplication.translate("Text", "n/a")
    if _LOCALE is not None and isinstance(value, int | float | np.integer | np.floating) \
            and not isinstance(value, bool | np.bool_):
        v = float(value)
        if math.isfinite(v) and abs(v) < HUGE:
            text = local_number(value if isinstance(value, int | np.integer) else v, spec)
            if text is not None:
                return text + unit
    if type(value) is float and -HUGE < value < HUGE:  # the common case (NaN fails the range)
        try:
            return f"{value:{spec}}{unit}"
        except ValueError:  # 'd' for a float: said below
            pass
    if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating):
        return none
    try:
        v = float(value)
    except OverflowError:  # an int beyond any float: no figure
        return none
    if not math.isfinite(v):
        return none
    if abs(v) >= HUGE:
        return f"{v:.3g}{unit}"
    try:
        return f"{v if isinstance(value, np.floating) else value:{spec}}{unit}"
    except ValueError:  # 'd' for a float: the count it reads as, or the number as it is
        return f"{int(v):{spec}}{unit}" if v.is_integer() else f"{v:g}{unit}"


def _wrap(line: str) -> list[str]:
    if len(line) <= TIP_LINE_CHARS:
        return [line]
    return textwrap.wrap(line, TIP_LINE_CHARS, break_long_words=True, break_on_hyphens=False,
                         replace_whitespace=False, drop_whitespace=False) or [line]


def plain_tooltip(text: object) -> str:
    """A tooltip that shows ``text`` exactly as typed (escaped; line breaks kept), cut to
    :data:`TIP_CHARS` characters with lines longer than :data:`TIP_LINE_CHARS` broken;
    '' for empty text."""
    s = clip(text, TIP_CHARS)
    if not s:
        return ""
    if len(s) > TIP_LINE_CHARS:  # a shorter text has no line to break
        s = "\n".join(part for line in s.split("\n") for part in _wrap(line))
    return "<p style='white-space:pre-wrap'>" + html.escape(s, quote=False) + "</p>"


def bound_columns(view: QTableView | QTreeView, chars: int = COLUMN_CHARS,
                  elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> int:
    """Cap every column of ``view`` at ``chars`` average character widths of its font
    (sized to contents or by ``resizeColumnsToContents`` included) and elide text that does
    not fit; returns the cap in pixels. A stretching column still fills the view."""
    header: QHeaderView = (view.horizontalHeader() if isinstance(view, QTableView)
                           else view.header())
    cap = max(1, chars) * max(1, view.fontMetrics().averageCharWidth())
    header.setMaximumSectionSize(max(cap, header.minimumSectionSize()))
    view.setTextElideMode(elide)
    view.setWordWrap(False)
    return header.maximumSectionSize()


LRI = "\u2066"
"""Left-to-right isolate: a figure with its brackets and unit kept in reading order inside
right-to-left text (closed by PDI, U+2069)."""


def left_to_right(text: str) -> str:
    """``text`` (a figure and its unit, "12 (0,50 %)") kept left to right in a mirrored
    (Arabic) window; as it is in a left-to-right one."""
    if QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft:
        return f"{LRI}{text}\u2069"
    return text


def set_column_widths(view: QTableView | QTreeView, widths: Sequence[int | str]) -> None:
    """Size each column from font metrics: an int is that many average characters (names,
    words), a str is a sample of the widest value it shows ("99,999,999", "29 Nov 23:59"),
    measured as drawn, since digits are wider than the average character and a cut number
    reads as a different one."""
    header: QHeaderView = (view.horizontalHeader() if isinstance(view, QTableView)
                           else view.header())
    metrics = view.fontMetrics()
    char = max(1, metrics.averageCharWidth())
    pad = 3 * char  # cell margins and the sort indicator
    model = view.model()
    titles = header.fontMetrics()
    for col, width in enumerate(widths):
        size = metrics.horizontalAdvance(width) + pad if isinstance(width, str) else width * char
        title = (model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                 if model is not None else None)
        if isinstance(title, str) and title:  # the header's words, in any language, whole
            size = max(size, titles.horizontalAdvance(title) + pad)
        header.resizeSection(col, size)
