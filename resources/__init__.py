"""Packaged resources: the control-room theme."""

from __future__ import annotations

from importlib import resources


def theme_qss() -> str:
    """The dark control-room style sheet."""
    return resources.files(__name__).joinpath("theme.qss").read_text(encoding="utf-8")
