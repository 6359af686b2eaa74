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

from collections.abc import Callable
from datetime import date, datetime

__all__ = ["LANGUAGES", "QT_TRANSLATE_NOOP", "set_date_names", "set_translator", "strftime", "translate"]

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


_names: dict[str, tuple[str, ...]] = {}


def set_date_names(names: dict[str, tuple[str, ...]] | None) -> None:
    """The day and month names of the language: ``{"a": 7 short day names from Monday,
    "A": 7 long ones, "b": 12 short month names from January, "B": 12 long ones}``
    (None: English)."""
    global _names
    _names = {k: tuple(v) for k, v in (names or {}).items()
              if len(v) == {"a": 7, "A": 7, "b": 12, "B": 12}.get(k)}


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
