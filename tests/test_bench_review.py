"""bench.review: the jumps are measured on the review window's default layout, every run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import review

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_each_run_measures_the_default_layout(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window keeps its layout in settings of the bench's own: in the user's, the next
    run came back with the tab the last run brought to the front (other views drawn)."""
    from PySide6.QtCore import QSettings

    from tests.widgets.test_review import record_shift

    monkeypatch.setattr(review, "record", lambda path, hours: record_shift(Path(path), polls=8))
    shown: list[list[str]] = []
    import widgets.review  # the bench imports the window's maker when it runs

    real = widgets.review.open_review_window

    def spy(*args: Any, **kwargs: Any) -> Any:
        window = real(*args, **kwargs)
        window.feed.seeked.connect(lambda *_: shown.append(
            sorted(name for name, view in window.views.items() if view.is_shown())))
        return window

    monkeypatch.setattr(widgets.review, "open_review_window", spy)
    user, key = QSettings(), "window/review/last_screen"  # what a closed window writes
    kept = user.value(key)
    user.setValue(key, "the user's")
    try:
        for _ in range(2):
            figures = review.review_seek_ms(0.1, 2)
            assert figures["review_seek_ms"] > 0
        assert QSettings().value(key) == "the user's"  # the bench's window kept its own
    finally:
        if kept is None:
            user.remove(key)
        else:
            user.setValue(key, kept)
    assert shown[0] == shown[-1] and "power" in shown[0]  # the default layout both runs
