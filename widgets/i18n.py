"""The console's languages: English, French and Arabic, through Qt's translation system.

The language is the one asked for (``--lang``), else the config file's (``[ui] lang``),
else the system locale's when it is one of :data:`LANGUAGES`, else English
(:func:`choose_language`). :func:`install_language` installs the console's translation
(``resources/i18n/console_<lang>.qm``) and Qt's own (``qtbase_<lang>.qm``, so standard
dialog buttons are translated too), sets the default :class:`QLocale` (numbers and dates,
:func:`widgets.text.figure`), hands the translation to the Qt-free core
(:func:`console.i18n.set_translator`: the handover report) and, for Arabic, mirrors the
layout (right to left). Geometry that means something (the rack map's halls, charts, time
axes, the review timeline) keeps its orientation: :func:`keep_left_to_right`.

The ``.ts`` sources are made by ``pyside6-lupdate`` over :data:`TS_SOURCES` and the ``.qm``
files by ``pyside6-lrelease``; ``python -m widgets.i18n`` runs both (the ``.qm`` files are
committed, so an installed copy needs no Qt tools).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    Qt,
    QTranslator,
)
from PySide6.QtWidgets import QApplication, QWidget

from console import i18n as core_i18n

__all__ = [
    "LANGUAGES",
    "TS_SOURCES",
    "choose_language",
    "current_language",
    "install_language",
    "keep_left_to_right",
    "locale_of",
    "qm_path",
    "system_language",
]

LANGUAGES = core_i18n.LANGUAGES
"""The console's languages (ISO 639-1)."""
LOCALES = {"en": "en_US", "fr": "fr_MA", "ar": "ar_MA"}
"""The locale of each language: its numbers and dates, as written in Morocco (Western
digits, '.' between thousands, ',' before decimals; Moroccan month names in Arabic)."""
TS_SOURCES = ("main.py", "widgets", "console/i18n.py", "console/handover/report.py",
              "console/gpu_health.py", "console/maintenance.py", "console/alarms/phrases.py",
              "console/alarms/rules.py", "console/jobs.py", "console/steering.py")
"""What ``pyside6-lupdate`` reads for the console's words (relative to the project root)."""
ROOT = Path(__file__).resolve().parent.parent
I18N_DIR = ROOT / "resources" / "i18n"

_installed: list[QTranslator] = []
_language = "en"


def qm_path(lang: str) -> Path:
    """The console's compiled translation for ``lang``."""
    from resources import i18n_dir

    return i18n_dir() / f"console_{lang}.qm"


def locale_of(lang: str) -> QLocale:
    return QLocale(LOCALES.get(lang, "en_US"))


def system_language(locale: QLocale | None = None) -> str:
    """The language of the system locale when the console has it, else English."""
    name = (locale or QLocale.system()).name()  # "fr_MA", "ar_SA", "C"
    lang = name.split("_", 1)[0].lower()
    return lang if lang in LANGUAGES else "en"


def choose_language(cli: str | None, config: str | None,
                    system: QLocale | None = None) -> str:
    """The language to use: ``cli`` (``--lang``), else ``config`` (``[ui] lang``), else the
    system locale's. ValueError (one line) for a value that is no language of the console."""
    for value, where in ((cli, "--lang"), (config, "[ui] lang")):
        if value is None or value == "":
            continue
        lang = str(value).strip().lower()
        if lang not in LANGUAGES:
            raise ValueError(f"{where}: unknown language {value!r}; choose "
                             + ", ".join(LANGUAGES))
        return lang
    return system_language(system)


def current_language() -> str:
    """The language installed last (English before any)."""
    return _language


def install_language(lang: str, app: QCoreApplication | None = None) -> list[QTranslator]:
    """Install ``lang`` in the application (the translators of an earlier call removed):
    the console's words, Qt's own, the default locale, the core's translator and, for
    Arabic, the right-to-left layout. Returns the translators installed."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose {', '.join(LANGUAGES)}")
    app = app or QCoreApplication.instance()
    for old in _installed:
        QCoreApplication.removeTranslator(old)
    _installed.clear()
    locale = locale_of(lang)
    QLocale.setDefault(locale)
    if lang != "en":
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"qtbase_{lang}", qt_dir), (f"console_{lang}", str(qm_path(lang).parent))):
            translator = QTranslator(app)
            if translator.load(name, folder):
                QCoreApplication.installTranslator(translator)
                _installed.append(translator)
    core_i18n.set_translator(None if lang == "en" else QCoreApplication.translate)
    core_i18n.set_date_names(None if lang == "en" else date_names(locale))
    core_i18n.set_number_marks(None if lang == "en"
                               else (locale.groupSeparator(), locale.decimalPoint()))
    if isinstance(app, QApplication):
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if lang == "ar"
                               else Qt.LayoutDirection.LeftToRight)
    from widgets import text

    text.set_locale(None if lang == "en" else locale)
    _language = lang
    return list(_installed)


def date_names(locale: QLocale) -> dict[str, tuple[str, ...]]:
    """The day names (Monday first) and month names of ``locale``, short and long."""
    short, long = QLocale.FormatType.ShortFormat, QLocale.FormatType.LongFormat
    return {"a": tuple(locale.dayName(d, short) for d in range(1, 8)),
            "A": tuple(locale.dayName(d, long) for d in range(1, 8)),
            "b": tuple(locale.monthName(m, short) for m in range(1, 13)),
            "B": tuple(locale.monthName(m, long) for m in range(1, 13))}


def keep_left_to_right(*widgets: QWidget) -> None:
    """Keep these widgets' geometry left to right in a mirrored (Arabic) layout: the rack
    map's halls, charts and time axes mean their orientation."""
    for widget in widgets:
        widget.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def _run(args: Sequence[str]) -> None:
    subprocess.run(list(args), check=True, cwd=ROOT)


def update(languages: Sequence[str] = ("fr", "ar")) -> None:
    """Refresh the ``.ts`` sources from the code (``pyside6-lupdate``, no obsolete words)
    and build the ``.qm`` files (``pyside6-lrelease``)."""
    sources = [str(ROOT / s) for s in TS_SOURCES]
    files = [p for s in sources for p in (sorted(Path(s).rglob("*.py")) if Path(s).is_dir()
                                         else [Path(s)])]
    for lang in languages:
        ts = I18N_DIR / f"console_{lang}.ts"
        _run(["pyside6-lupdate", *map(str, files), "-no-obsolete", "-locations", "none",
              "-target-language", LOCALES[lang], "-ts", str(ts)])
        _run(["pyside6-lrelease", "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))])


if __name__ == "__main__":
    update(sys.argv[1:] or ("fr", "ar"))
