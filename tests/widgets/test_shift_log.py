"""The shift log in the window: the view (filters, plain text, site time, state), its links
jumping to the rack, alarm, job and incident, the Add entry dialog (refusals in words), Clear
item, what became of writes, a live window writing through a hub, and a review at a time."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from console.cache import Cache
from console.decode import decode_site
from console.hub.server import HubServer
from console.hub.sim import SimulatedHub
from console.poller import PollResult
from console.shiftlog.model import MAX_TEXT, LogEntry, LogSnapshot, NewEntry
from console.shiftlog.writer import QUEUED, REFUSED, SENT, LogWrite, LogWriteReport
from console.sources.hub import HubApiSource
from widgets.feed import Feed
from widgets.live import LiveFeed
from widgets.log_entry_dialog import LogEntryDialog
from widgets.main_window import MainWindow
from widgets.shift_log import ShiftLogView
from widgets.shift_log_model import STATE, TEXT, TIME

T0 = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC: 21:26 in Tétouan (UTC+1)
ZONE = ZoneInfo("Africa/Casablanca")
MARKUP = "<b>Pump P-3</b> noisy <img src='http://x/y.png'> =HYPERLINK(\"x\")"


def _entry(n: int, text: str, category: str = "operations", **fields: Any) -> LogEntry:
    return LogEntry(id=n, uid=f"00000000-0000-4000-8000-{n:012d}", time=T0 + 60 * n,
                    author=fields.pop("author", "Amina"), category=category, text=text,
                    rev=n, **fields)


OPEN = _entry(1, MARKUP, "maintenance", open=True, links=(("rack", "A-01-01"), ("job", "42")))
CLEARED = _entry(2, "Door A-03 held open\nsecond line", "safety", open=True,
                 cleared_by="Bilal", cleared_at=T0 + 3600)
NOTE = _entry(3, "Customer acme asked about job 42", "customer", links=(("alarm", "inlet:A-01"),))


def _topology() -> Any:
    return decode_site(SimulatedHub("rack", seed=1, start=T0).site())


def _polled(snapshot: LogSnapshot) -> PollResult:
    return PollResult("log", snapshot, None, time.time(), 0.0)


class _Feed(Feed):
    """Records what the window asks of a live feed."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, Any]] = []

    def add_log_entry(self, entry: Any) -> None:
        self.asked.append(("add", entry))

    def clear_log_entry(self, uid: str, who: str) -> None:
        self.asked.append(("clear", (uid, who)))

    def request_rack(self, rack_id: str) -> None:
        self.asked.append(("rack", rack_id))


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Any:
    feed = _Feed()
    win = MainWindow("sim://test", feed=feed,
                     settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.apply(_topology())
    win.on_polled(_polled(LogSnapshot(time=T0 + 7200, entries=(OPEN, CLEARED, NOTE), rev=3)))
    view = win.views["log"]
    view.flush()
    yield win
    win.close()


def _cell(view: ShiftLogView, row: int, col: int, role: Any = Qt.ItemDataRole.DisplayRole) -> Any:
    return view.proxy.index(row, col).data(role)


def test_the_view_shows_entries_newest_first_as_plain_text_in_site_time(window: Any) -> None:
    view: ShiftLogView = window.views["log"]
    assert [e.uid for e in view.visible_entries()] == [NOTE.uid, CLEARED.uid, OPEN.uid]
    assert _cell(view, 2, TEXT) == MARKUP  # shown as typed, never read as markup
    assert "&lt;b&gt;" in _cell(view, 2, TEXT, Qt.ItemDataRole.ToolTipRole)
    site = datetime.fromtimestamp(OPEN.time, ZONE)
    assert _cell(view, 2, TIME) == site.strftime("%d %b %H:%M")  # the site's wall time
    assert _cell(view, 2, STATE) == "open"
    cleared_at = datetime.fromtimestamp(T0 + 3600, ZONE).strftime("%H:%M")
    assert "Bilal" in _cell(view, 1, STATE) and _cell(view, 1, STATE).endswith(cleared_at)
    assert _cell(view, 1, TEXT) == "Door A-03 held open …"  # first line; all of it below
    view.select_entry(CLEARED.uid)
    assert "second line" in view.detail.toPlainText()
    assert view.status.text().startswith("3 of 3 entries shown · open items: 1")
    # the window's link state is the site's: the log's polls are not counted in it
    assert "log" not in [k for k, h in window.link.kinds.items() if h.last_ok is not None]


def test_filters_category_open_items_and_search(window: Any) -> None:
    view: ShiftLogView = window.views["log"]
    view.set_filters(category="safety")
    assert [e.uid for e in view.visible_entries()] == [CLEARED.uid]
    view.set_filters(category="", open_only=True)
    assert [e.uid for e in view.visible_entries()] == [OPEN.uid]  # cleared is no open item
    view.set_filters(open_only=False, search="JOB 42")
    assert {e.uid for e in view.visible_entries()} == {OPEN.uid, NOTE.uid}  # text and links
    view.set_filters(search="acme customer")
    assert [e.uid for e in view.visible_entries()] == [NOTE.uid]
    view.set_filters(search="nothing like it")
    view.flush()
    assert view.empty.isVisible() and "3 hidden" in view.empty.text()


def test_links_jump_to_rack_alarm_job_and_incident(window: Any) -> None:
    view: ShiftLogView = window.views["log"]
    feed: _Feed = window.feed
    view.select_entry(OPEN.uid)
    assert view.open_first_link()  # double-click or Enter
    assert ("rack", "A-01-01") in feed.asked  # the rack in depth, as the alarm view's jump
    assert window.views["rackmap"].selected_rack() == "A-01-01"
    menu = view.context_menu(view.table.visualRect(view.table.currentIndex()).center())
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert "Go to rack \u2068A-01-01\u2069" in texts and "Go to job \u206842\u2069" in texts
    menu.actions()[1].trigger()
    assert window.views["jobs"].wanted_job == 42
    menu.deleteLater()
    view.linkActivated.emit("job", "42")
    assert window.views["jobs"].wanted_job == 42  # selected when it arrives
    assert "Job 42" in window.statusBar().currentMessage()
    view.linkActivated.emit("alarm", "inlet:A-01")
    assert "not in the alarm list" in window.statusBar().currentMessage()
    view.linkActivated.emit("incident", "7")
    assert "open the cache for review" in window.statusBar().currentMessage()


def test_add_entry_links_the_selection_and_refuses_in_words(window: Any, qtbot: Any) -> None:
    assert window.action_add_log.shortcut().toString() == "Ctrl+L"
    window.operator_name = "Amina"
    window.views["rackmap"].select_rack("A-01-01")
    dialog: LogEntryDialog = window.add_log_entry()  # the window's: deleted once closed
    assert dialog.author.text() == "Amina" and dialog.chosen_links() == [("rack", "A-01-01")]
    dialog.text.setPlainText("x" * (MAX_TEXT + 1))
    assert "4001 of 4000" in dialog.count.text()
    assert not dialog.write() and dialog.isVisible()
    assert dialog.error.text() == "Not written: entry text is 4001 characters long; at most 4000"
    dialog.text.setPlainText(MARKUP)
    dialog.set_category("safety")
    dialog.open_item.setChecked(True)
    assert dialog.write()
    (asked,) = window.feed.asked
    assert asked[0] == "add" and isinstance(asked[1], NewEntry)
    assert asked[1].text == MARKUP and asked[1].category == "safety" and asked[1].open
    assert asked[1].links == (("rack", "A-01-01"),)
    # a link left out, and a rack the site does not have, refused in the dialog
    other = LogEntryDialog("Amina", [("rack", "Z-99-99"), ("job", "42")],
                           window.topology.rack_index)
    qtbot.addWidget(other)
    other.text.setPlainText("note")
    assert not other.write() and "no rack 'Z-99-99'" in other.error.text()
    other.links.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert other.write() and other.entry is not None
    assert other.entry.links == (("job", "42"),)


def test_clear_item_and_what_became_of_writes(window: Any, qtbot: Any) -> None:
    view: ShiftLogView = window.views["log"]
    view.select_entry(CLEARED.uid)
    assert not view.clear_button.isEnabled()  # cleared already
    view.select_entry(OPEN.uid)
    assert view.clear_button.isEnabled()
    assert view.clear_selected("Bilal")
    assert window.feed.asked[-1] == ("clear", (OPEN.uid, "Bilal"))
    assert window.operator_name == "Bilal"
    # a second clear refused: who cleared it and when, in the site's time
    window.on_log_written(LogWriteReport((LogWrite(
        "clear", OPEN.uid, REFUSED, True, who="Bilal", reason="entry 1 already cleared",
        cleared_by="Chen", cleared_at=T0 + 7000),)))
    when = datetime.fromtimestamp(T0 + 7000, ZONE).strftime("%d %b %H:%M")
    assert window.statusBar().currentMessage() == (
        f"Not cleared: Chen cleared it already at {when} (site time).")
    # an entry kept while the hub does not answer: shown greyed on top until it is sent
    draft = NewEntry("Amina", "operations", "Chiller 2 on standby", (), True)
    uid = "00000000-0000-4000-8000-000000000099"
    window.on_log_written(LogWriteReport((LogWrite(
        "add", uid, QUEUED, True, draft=draft, reason="connection refused"),), pending=1))
    view.flush()
    assert "kept and sent when it answers" in window.statusBar().currentMessage()
    assert _cell(view, 0, STATE) == "waiting for the hub"
    view.select_entry(uid)
    assert not view.clear_button.isEnabled()  # not on the hub yet
    sent = LogEntry(id=9, uid=uid, time=T0 + 7300, author="Amina", category="operations",
                    text="Chiller 2 on standby", open=True, rev=9)
    window.on_log_written(LogWriteReport((LogWrite("add", uid, SENT, False, entry=sent),)))
    assert "1 kept shift-log write(s) sent" in window.statusBar().currentMessage()
    assert _cell(view, 0, STATE) == "open" and len(view.model.rows) == 4


def test_a_live_window_writes_through_the_hub_and_reads_it_back(
    qtbot: Any, tmp_path: Path
) -> None:
    intervals = {"site": 60.0, "log": 0.3}
    with HubServer(SimulatedHub("rack", seed=2), port=0, tick_s=5.0,
                   log_db=tmp_path / "log.db") as hub:
        feed = LiveFeed(lambda: HubApiSource(hub.url, timeout=(0.5, 1.0), retries=0),
                        lambda: Cache.open(tmp_path / "cache.db"), intervals)
        window = MainWindow(hub.url, feed=feed, intervals=intervals, settings=QSettings(
            str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.show()
        feed.start()
        try:
            view: ShiftLogView = window.views["log"]
            qtbot.waitUntil(lambda: window.topology is not None and view._loaded, timeout=20_000)
            dialog = window.add_log_entry()
            dialog.author.setText("Amina")
            dialog.text.setPlainText(MARKUP)
            dialog.open_item.setChecked(True)
            with qtbot.waitSignal(feed.logWritten, timeout=20_000) as written:
                assert dialog.write()
            write = written.args[0].requested
            assert write.outcome == SENT and write.entry.text == MARKUP
            qtbot.waitUntil(lambda: view.model.open_count() == 1, timeout=20_000)
            assert window.docks["log"].isVisible()
            assert "entry written" in window.statusBar().currentMessage()
        finally:
            window.close()


def test_review_shows_the_log_as_it_stood_and_writes_nothing(
    qtbot: Any, tmp_path: Path
) -> None:
    from tests.widgets.test_review import record_shift
    from widgets.review import open_review_window

    path = tmp_path / "shift.db"
    times = record_shift(path, polls=8)
    item = LogEntry(id=1, uid=OPEN.uid, time=times[2], author="Amina", category="safety",
                    text="Hot aisle A-03 door held open", open=True, rev=1)
    with Cache.open(path) as cache:
        cache.write_poll([LogSnapshot(time=times[2], entries=(item,), rev=1)])
        cache.write_poll([LogSnapshot(time=times[6], entries=(LogEntry(
            id=1, uid=OPEN.uid, time=times[2], author="Amina", category="safety",
            text=item.text, open=True, cleared_by="Bilal", cleared_at=times[6], rev=2),),
            rev=2)])
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    window.show()
    view: ShiftLogView = window.views["log"]
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.feed.start()
    qtbot.waitUntil(lambda: len(view.model.rows) == 1, timeout=10_000)
    assert view.model.rows[0].cleared_by == "Bilal"  # at the end of the file: cleared
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.scrubber.seek(times[4])
    qtbot.waitUntil(lambda: view.at == pytest.approx(times[4]), timeout=10_000)
    (shown,) = view.model.rows
    assert shown.is_open  # open at T, cleared later
    view.flush()
    assert "as it stood at" in view.status.text()
    assert not view.add_button.isEnabled() and "review" in view.add_button.toolTip()
    view.select_entry(shown.uid)
    assert not view.clear_button.isEnabled() and not window.action_add_log.isEnabled()
    assert window.add_log_entry() is None
    with qtbot.waitSignal(window.feed.logWriteRefused, timeout=1000):
        window.feed.add_log_entry(None)
    assert "live console" in window.statusBar().currentMessage()
    window.close()


def test_the_clear_dialog_asks_who(qtbot: Any, window: Any, monkeypatch: Any) -> None:
    from widgets import shift_log

    view: ShiftLogView = window.views["log"]
    window.operator_name = "Chen"
    seen: dict[str, Any] = {}

    def answer(dialog: Any) -> int:
        seen["name"] = dialog.who.text()
        seen["what"] = dialog.findChildren(type(view.status))[0].text()
        dialog.who.setText("  Dana  ")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(shift_log.ClearItemDialog, "exec", answer)
    view.select_entry(OPEN.uid)
    assert view.clear_selected()
    assert seen == {"name": "Chen", "what": MARKUP}
    assert window.feed.asked[-1] == ("clear", (OPEN.uid, "Dana"))


def test_a_poll_that_brings_nothing_new_leaves_the_table_alone(window: Any, qtbot: Any) -> None:
    view: ShiftLogView = window.views["log"]
    view.select_entry(CLEARED.uid)
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    window.on_polled(_polled(LogSnapshot(time=T0 + 7300, entries=(), rev=3)))
    window.on_polled(_polled(LogSnapshot(time=T0 + 7310, entries=(CLEARED,), rev=3)))
    assert resets == [] and view.selected_entry() == CLEARED
    # an older copy of a cleared entry never takes its clear back
    window.on_polled(_polled(LogSnapshot(time=T0 + 7320, entries=(
        _entry(2, CLEARED.text, "safety", open=True),), rev=3)))
    assert view.model.entries[CLEARED.uid].cleared_by == "Bilal"
    # a poll that failed is said in the view, not as the site's comm loss
    window.on_polled(PollResult("log", None, "shift log: connection refused", time.time(), 0.0))
    view.flush()
    assert "log not read: shift log: connection refused" in view.status.text()
    assert not window.comm_banner.isVisible() and window.link.last_error is None
    assert len(view.model.rows) == 3  # the entries shown stay


def test_both_feeds_declare_the_log_signals_once(qtbot: Any) -> None:
    from widgets.review import ReviewFeed

    live = LiveFeed(lambda: HubApiSource("http://127.0.0.1:9"))
    review = ReviewFeed("cache:///nowhere.db")
    for feed in (live, review):
        for name in ("logWritten", "logWriteRefused", "shiftLogAt"):
            assert getattr(type(feed), name) is getattr(Feed, name), name
    with qtbot.waitSignal(review.logWriteRefused, timeout=1000) as refused:
        review.clear_log_entry(OPEN.uid, "Amina")
    assert "review" in refused.args[0]
    live.stop()
    review.stop()


@pytest.fixture
def far_workstation(monkeypatch: Any) -> Any:
    """A workstation whose own clock is far from the site's (UTC+14)."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_are_the_sites_before_the_layout_and_for_an_unknown_zone(
    qtbot: Any, far_workstation: Any
) -> None:
    from dataclasses import replace

    view = ShiftLogView()
    qtbot.addWidget(view)
    view.apply(LogSnapshot(time=T0 + 7200, entries=(OPEN,), rev=1))
    site = datetime.fromtimestamp(OPEN.time, ZONE).strftime("%d %b %H:%M")
    assert _cell(view, 0, TIME) == site  # the default site's, not the workstation's
    view.set_topology(replace(_topology(), timezone="Mars/Olympus_Mons"))
    utc = datetime.fromtimestamp(OPEN.time, ZoneInfo("UTC")).strftime("%d %b %H:%M")
    assert _cell(view, 0, TIME) == utc  # a zone unknown here reads as UTC
    view.set_topology(replace(_topology(), timezone="Asia/Tokyo"))
    tokyo = datetime.fromtimestamp(OPEN.time, ZoneInfo("Asia/Tokyo")).strftime("%d %b %H:%M")
    assert _cell(view, 0, TIME) == tokyo


def test_a_kept_write_is_said_in_whole_translated_sentences(
    qtbot: Any, monkeypatch: Any
) -> None:
    view = ShiftLogView()
    qtbot.addWidget(view)
    asked: list[str] = []

    def tr(text: str, *args: Any) -> str:
        asked.append(text)
        return text

    monkeypatch.setattr(view, "tr", tr)
    draft = NewEntry("Amina", "operations", "Chiller 2 on standby", (), True)
    words = view.take_report(LogWriteReport((
        LogWrite("add", OPEN.uid, QUEUED, True, draft=draft, reason="connection refused"),
        LogWrite("clear", CLEARED.uid, QUEUED, True, who="Bilal", reason="timed out"),
    ), pending=2))
    assert ("The hub does not answer: the entry is kept and sent when it answers (%1)."
            in asked)
    assert ("The hub does not answer: the clearing of the item is kept and sent when it "
            "answers (%1)." in asked)
    assert "entry" not in asked and "clear" not in asked  # no piece translated alone
    assert "the entry is kept and sent when it answers (connection refused)." in words
    assert "the clearing of the item is kept and sent when it answers (timed out)." in words


def test_review_of_a_file_from_before_the_shift_log_says_it_was_not_recorded(
    qtbot: Any, tmp_path: Path
) -> None:
    import sqlite3

    from tests.widgets.test_review import record_shift
    from widgets.review import open_review_window

    path = tmp_path / "old.db"
    record_shift(path, polls=4)
    with sqlite3.connect(path) as conn:  # as a file recorded before schema 9
        conn.execute("DROP TABLE log_entries")
        conn.execute("DROP TABLE log_outbox")
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    window.show()
    view: ShiftLogView = window.views["log"]
    with qtbot.waitSignal(window.feed.shiftLogAt, timeout=20_000) as told:
        window.feed.start()
    assert told.args[1] is None
    view.flush()
    assert not view.recorded and view.empty.isVisible()
    assert view.empty.text() == (
        "This file holds no shift log (recorded before the console kept one).")
    assert "empty" not in view.empty.text()
    assert view.status.text().startswith("shift log not recorded in this file")
    window.close()
