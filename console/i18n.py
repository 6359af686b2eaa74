"""The words the Qt-free core writes for people (the handover report, dates), in the
operator's language.

The core never imports Qt: it marks its words with :func:`translate` ("context", "text"),
which ``pyside6-lupdate`` extracts like Qt's own ``QCoreApplication.translate``. The
windows install Qt's translator here (:func:`set_translator`) once the language is chosen;
until then, and in every headless command without a language, the words are English.

:func:`strftime` writes a date with the day and month names of the language (``%a``,
``%b``, ``%A``, ``%B``, handed over by :func:`set_date_names` from the locale); everything
else as :meth:`datetime.strftime` writes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache

__all__ = ["LANGUAGES", "QT_TRANSLATE_NOOP", "has_names", "number", "say_again", "set_date_names",
           "set_number_marks", "set_translator", "strftime", "translate"]

LANGUAGES = ("en", "fr", "ar")
"""The console's languages (ISO 639-1): English, French, Arabic."""

_translator: Callable[[str, str], str] | None = None


def set_translator(function: Callable[[str, str], str] | None) -> None:
    """Translate the core's words with ``function(context, text)`` (None: English)."""
    global _translator
    _translator = function


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name lupdate reads)
    """Mark ``text`` for translation in ``context`` (translated where it is shown)."""
    return text


def translate(context: str, text: str) -> str:
    """``text`` in the chosen language (``text`` itself when there is no translation)."""
    function = _translator
    if function is None:
        return text
    try:
        out = function(context, text)
    except Exception:  # a translator that fails never hides the words
        return text
    return out if isinstance(out, str) and out else text


_marks: tuple[str, str] | None = None
_NUMERAL = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_PLACE = re.compile(r"\{(\d+)(?::[^{}]*)?\}")


def set_number_marks(marks: tuple[str, str] | None) -> None:
    """The language's thousands separator and decimal mark, e.g. ``(".", ",")`` (None:
    English, ``","`` and ``"."``)."""
    global _marks
    _marks = None if marks is None or tuple(marks) == (",", ".") else (marks[0], marks[1])


def number(text: str) -> str:
    """A numeral written in English (``1,234.5``) with the language's marks; anything else
    as it is."""
    marks = _marks
    if marks is None or not _NUMERAL.fullmatch(text):
        return text
    return text.replace(",", "\0").replace(".", marks[1]).replace("\0", marks[0])


@lru_cache(maxsize=512)
def _pattern(template: str) -> tuple[re.Pattern[str], tuple[int, ...]] | None:
    """The regular expression that reads ``template.format(...)`` back, with the index
    of each placeholder in order; None for a template with a placeholder used twice."""
    out, order, last = [], [], 0
    for m in _PLACE.finditer(template):
        out.append(re.escape(template[last:m.start()]))
        out.append("(.+?)" if m.end() < len(template) else "(.+)")
        order.append(int(m.group(1)))
        last = m.end()
    out.append(re.escape(template[last:]))
    if len(set(order)) != len(order):
        return None
    return re.compile("".join(out), re.DOTALL), tuple(order)


def say_again(context: str, text: str, templates: Iterable[str],
              parts: Iterable[str] | Callable[[str], str] = ()) -> str:
    """``text``, made in English by ``template.format(...)`` of one of ``templates``
    (marked with :func:`QT_TRANSLATE_NOOP` in ``context``), in the chosen language: the
    template translated, each value put back, a value that is itself one of ``parts``
    (or a ``", "`` list of them) said again too (``parts`` a function: each value said
    by it), an English numeral in the language's marks. Text made by none of them (the hub's own words) comes back as it is."""
    if _translator is None and _marks is None:
        return text
    templates = tuple(templates)
    pieces: tuple[str, ...] | Callable[[str], str] = parts if callable(parts) else tuple(parts)
    for template in templates:
        found = _pattern(template)
        if found is None:
            continue
        pattern, order = found
        m = pattern.fullmatch(text)
        if m is None:
            continue
        values: dict[int, str] = {}
        for index, value in zip(order, m.groups(), strict=True):
            values[index] = _value(context, value, pieces)
        said = _PLACE.sub(lambda p: "{" + p.group(1) + "}", translate(context, template))
        try:
            return said.format(*(values.get(i, "") for i in range(max(order, default=-1) + 1)))
        except (IndexError, KeyError, ValueError):
            return text
    return text


def _value(context: str, value: str, parts: tuple[str, ...] | Callable[[str], str]) -> str:
    if callable(parts):
        said = parts(value)
        return said if said != value else number(value)
    if parts:
        said = say_again(context, value, parts)
        if said != value:
            return said
        pieces = value.split(", ")
        if len(pieces) > 1:
            again = [say_again(context, p, parts) for p in pieces]
            if any(a != p for a, p in zip(again, pieces, strict=True)):
                return ", ".join(again)
    return number(value)


_names: dict[str, tuple[str, ...]] = {}


def set_date_names(names: dict[str, tuple[str, ...]] | None) -> None:
    """The day and month names of the language: ``{"a": 7 short day names from Monday,
    "A": 7 long ones, "b": 12 short month names from January, "B": 12 long ones}``
    (None: English)."""
    global _names
    _names = {k: tuple(v) for k, v in (names or {}).items()
              if len(v) == {"a": 7, "A": 7, "b": 12, "B": 12}.get(k)}


def has_names() -> bool:
    """The language has day and month names of its own (not English)."""
    return bool(_names)


def strftime(moment: date | datetime, fmt: str) -> str:
    """``moment`` written in ``fmt`` (:meth:`datetime.strftime` codes) with the day and month
    names of the chosen language."""
    names = _names
    if not names or "%" not in fmt:
        return moment.strftime(fmt)
    index = {"a": moment.weekday(), "A": moment.weekday(), "b": moment.month - 1,
             "B": moment.month - 1}
    out: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            code = fmt[i + 1]
            out.append(names[code][index[code]] if code in names
                       else moment.strftime("%" + code))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)
