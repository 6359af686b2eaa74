"""Help → Data sources: the check's table in the window, run on a worker thread."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest


@pytest.fixture(scope="module")
def hub_url() -> Any:
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    server = HubServer(SimulatedHub("rack", seed=4), port=0, tick_s=3600.0).start()
    yield server.url
    server.stop()


def _window(qtbot: Any, factory: Any) -> Any:
    from widgets.main_window import MainWindow

    window = MainWindow("test", feed=None)
    qtbot.addWidget(window)
    window.source_factory = factory
    return window


def test_help_data_sources_shows_the_check_of_the_windows_source(
    qtbot: Any, hub_url: str
) -> None:
    from console.sources.hub import HubApiSource

    threads: list[threading.Thread] = []

    def factory() -> Any:
        threads.append(threading.current_thread())
        return HubApiSource(hub_url)

    window = _window(qtbot, factory)
    assert window.action_data_sources.text().replace("&", "").startswith("Data sources")
    dialog = window.show_data_sources()
    qtbot.addWidget(dialog)
    assert dialog.running and "Asking" in dialog.summary.text()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)
    assert threads and threads[0] is not threading.main_thread()  # never on the GUI thread
    table = dialog.table
    assert table.rowCount() == len(dialog.report.rows) >= 10
    cells = {(table.item(i, 0).text(), table.item(i, 1).text()): table.item(i, 2).text()
             for i in range(table.rowCount())}
    assert cells[("Rack map", "site layout")] == "found"
    assert cells[("Power", "renewable share")] == "found"
    assert cells[("Job queue", "jobs")] == "found"
    assert "0 errors" in dialog.summary.text()
    assert dialog.summary.textFormat().name == "PlainText"
    assert dialog.run() is True  # Run again
    assert dialog.run() is False  # one at a time
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    window.stop()


def test_data_sources_with_nothing_reachable_says_so_in_one_line(qtbot: Any) -> None:
    from console.sources.hub import HubApiSource

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    window = _window(qtbot, lambda: HubApiSource(f"http://127.0.0.1:{port}"))
    dialog = window.show_data_sources()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    text = dialog.summary.text()
    assert text.startswith("Nothing could be read") and "cannot connect" in text
    assert "\n" not in text
    statuses = {dialog.table.item(i, 2).text() for i in range(dialog.table.rowCount())}
    assert statuses == {"error"}
    window.stop()


def test_data_sources_in_review_has_no_source(qtbot: Any) -> None:
    window = _window(qtbot, None)
    dialog = window.show_data_sources()
    qtbot.addWidget(dialog)
    assert not dialog.running and "no live source" in dialog.summary.text()
    window.stop()


def test_a_source_that_cannot_be_built_is_a_row(qtbot: Any) -> None:
    def factory() -> Any:
        raise ValueError("unsupported source URL 'gopher://x'")

    window = _window(qtbot, factory)
    dialog = window.show_data_sources()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    assert "unsupported source URL" in dialog.table.item(0, 3).text()
    window.stop()
