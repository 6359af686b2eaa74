"""Building the application: PySide6's per-module check made on the file's bytes."""

from __future__ import annotations

import inspect
import sys

import pytest


def test_pyside6s_module_check_asks_the_file_and_answers_as_before() -> None:
    import console.model
    import widgets.app
    import widgets.view

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide6 checks no module")
    widgets.app.quicker_feature_check()  # idempotent
    check = feature._mod_uses_pyside
    assert getattr(check, "quicker", False)
    for module in (widgets.view, console.model, widgets.app, inspect):
        assert check(module) == ("PySide6" in inspect.getsource(module))
    assert check(sys) is False  # no source file: asked PySide6's way
