"""Packaged resources: the control-room theme, the translations (``i18n/``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def theme_qss() -> str:
    """The dark control-room style sheet."""
    return resources.files(__name__).joinpath("theme.qss").read_text(encoding="utf-8")


def i18n_dir() -> Path:
    """The folder of the compiled translations (``console_<lang>.qm``) and their sources."""
    return Path(str(resources.files(__name__).joinpath("i18n")))
