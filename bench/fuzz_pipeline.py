"""The fault fuzz: spoiled hub answers through the console's whole data path.

Each case serves one recorded answer of the simulated hub, spoiled one way
(:mod:`bench.fuzz_answers`), on 127.0.0.1 to a real :class:`HubApiSource`; the
:class:`Poller` polls it into a real :class:`Cache`, the :class:`AlarmService` takes the
outcome, and the main window hands it to every view, as the live feed does (views redraw,
one tab of each dock group is painted, every item model that changed is read cell by cell).
When the console took the spoiled answer, the same answer unspoiled follows, so each case
starts from a sane console. Counted:

- ``unexpected``: polls failed with the poller's catch-all "unexpected error", and
  exceptions escaping the source, poller, cache or alarm service;
- ``view_errors``: exceptions raised in views (directly, or by Qt in their virtual
  methods and slots: ``sys.excepthook``) and item models left inside a begin/end pair;
- ``out_of_range``: values read back from the cache outside the limit tables of
  :mod:`console.model` (``*_LIMITS``), times that are not finite, text fields holding
  something else or longer than their limit (:mod:`bench.fuzz_checks`).

Also counted, apart: Qt warnings (the test suite fails on them), cache failures (the
cache's own CacheError: it then records nothing until retried, which the fuzz does at
once). Python warnings are raised as errors, as in the test suite.

``run_fuzz(cases)`` returns a :class:`FuzzReport` with the distinct failures (exception
type and innermost project frame), each with the first case that caused it.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.fuzz_answers import (  # noqa: E402
    ENDPOINTS,
    RECORD_START,
    AnswerServer,
    Recorded,
    mutate,
    record_answers,
    shift_at,
    time_paths,
)
from bench.fuzz_checks import StoredChecks  # noqa: E402
from bench.fuzz_report import FuzzReport, LogCatcher, ModelWatch, exception_key  # noqa: E402

CASE_KINDS = ("site", "racks", "racks", "gpus", "gpus", "power", "jobs", "jobs_changes",
              "events", "rack")
"""Answers a case spoils (racks and GPUs, the busiest views, twice as often)."""
QT_IGNORED = ("This plugin does not support propagateSizeHints",
              "This plugin does not support raise")
MODEL_ROWS = 150
"""Rows of an item model read (every column, the usual roles) after a case changed it."""
HISTORY_S = 5.0
"""Rack history read for the rack in depth. The live feed reads an hour (1,800 polls at most,
mostly of one layout); the fuzz stores a poll every few cases, a new layout every few dozen,
and the read decodes each layout its polls name: a short window keeps later cases fast."""


class FuzzRun:
    """One console (source, poller, cache, alarm service, main window) and its fuzz cases."""

    def __init__(self, folder: Path, recorded: Recorded, seed: int) -> None:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from console.alarms.service import AlarmService
        from console.cache.store import Cache
        from console.poller import Poller
        from console.sources.hub import HubApiSource
        from widgets.main_window import MainWindow

        self.app = QApplication.instance() or QApplication([])
        self.recorded = recorded
        self.rng = random.Random(seed)
        self.report = FuzzReport()
        self.server = AnswerServer().__enter__()
        self._last_now = 0.0
        self.source = HubApiSource(self.server.url, timeout=(2.0, 10.0), retries=0)
        self.cache = Cache.open(folder / "fuzz.db")
        self.cache_errors: list[BaseException] = []
        self._wrap_cache_writes()
        self.poller = Poller(self.source, self.cache)
        self.alarms = AlarmService(cache=self.cache)
        settings = QSettings(str(folder / "fuzz.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(self.server.url, settings=settings)
        self.window.resize(1024, 700)
        self.window.show()
        self.models = ModelWatch()
        self.checks = StoredChecks(recorded)
        self.case = "setup"
        self.logged = 0
        self._tab = 0
        self._time_paths: dict[str, list[tuple]] = {}

    def _wrap_cache_writes(self) -> None:
        """Note every exception of the cache's writes (the poller turns them into a line)."""
        write = self.cache.write_poll

        def write_poll(*args: Any, **kwargs: Any) -> Any:
            try:
                return write(*args, **kwargs)
            except Exception as exc:
                self.cache_errors.append(exc)
                raise

        self.cache.write_poll = write_poll  # type: ignore[method-assign]

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        self.source.close()
        self.cache.close()
        self.server.__exit__(None, None, None)
        self.app.processEvents()

    # -- one case -------------------------------------------------------------------------
    def now(self) -> float:
        self._last_now = max(time.time(), self._last_now + 0.01)
        return round(self._last_now, 3)

    def answer(self, name: str, now: float) -> Any:
        """A recorded answer, its times moved to ``now`` (as a hub would send it now)."""
        doc = json.loads(self.recorded.answers[name])
        if name not in self._time_paths:
            self._time_paths[name] = time_paths(doc)
        shift_at(doc, self._time_paths[name], now - RECORD_START)
        return doc

    def serve(self, name: str, body: bytes | None) -> None:
        path = ENDPOINTS[name] + (self.recorded.rack_id if name == "rack" else "")
        if body is None:
            self.server.bodies.pop(path, None)
        else:
            self.server.bodies[path] = body

    def serve_clean(self, name: str) -> None:
        if name == "jobs_changes":
            self.serve("jobs_changes", None)
            name = "jobs"
        doc = self.answer(name, self.now())
        self.serve(name, json.dumps(doc, separators=(",", ":")).encode())

    def start(self) -> None:
        """Every answer served clean and polled once (the console as an operator finds it)."""
        for name in ENDPOINTS:
            if name != "jobs_changes":
                self.serve_clean(name)
        for name in ("site", "racks", "gpus", "power", "jobs", "events", "rack"):
            self.poll(name)
            self.check_stored(name)
        self.power_history()
        self.settle()

    def run_case(self, k: int) -> None:
        """Serve one answer spoiled, poll it, draw and read back what it left; then, when the
        console took it, the answer unspoiled (so the next case starts from a sane console)."""
        name = self.rng.choice(CASE_KINDS)
        doc = self.answer(name, self.now())
        body, what = mutate(doc, self.rng)
        self.case = f"#{k} {ENDPOINTS[name]}: {what}"
        kind = "jobs" if name == "jobs_changes" else name
        rackmap = self.window.views["rackmap"]
        if name != "rack" and hasattr(rackmap, "hide_detail"):
            with self.in_view():
                rackmap.hide_detail()  # the floor map again, drawn with what comes next
        if name == "jobs_changes":
            self.serve_clean("jobs")  # the changes apply to the version the console holds
            self.poll("jobs")
        self.serve(name, body)
        taken = self.poll(name)
        if kind == "power":
            self.power_history()
        self.settle(kind)
        self.check_stored(kind)
        if taken or kind == "jobs":  # a refused job queue drops the one the console held
            case = self.case
            self.case = f"{case} (then the clean answer)"
            self.serve_clean(name)
            self.poll(kind)  # the views draw it with the next case's answer
            self.check_stored(kind)
            self.case = case
        self.report.cases += 1

    # -- the data path ----------------------------------------------------------------------
    def unexpected(self, exc: BaseException) -> None:
        key, frames = exception_key(exc)
        self.report.add("unexpected", key, self.case, frames)

    def view_error(self, exc: BaseException) -> None:
        key, frames = exception_key(exc)
        self.report.add("view_errors", key, self.case, frames)

    @contextmanager
    def in_view(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            self.view_error(exc)

    def poll(self, name: str) -> bool:
        """Poll ``name`` and hand the outcome on as the live feed does; True when the
        console took the answer."""
        if name == "rack":
            return self.poll_rack()
        kind = "jobs" if name == "jobs_changes" else name
        self.logged = 0
        self.cache_errors.clear()
        try:
            result = self.poller.poll(kind)
        except Exception as exc:
            self.unexpected(exc)
            return False
        if result.error and "unexpected error" in result.error and not self.logged:
            self.report.add("unexpected", result.error, self.case, [])  # no traceback logged
        self.note_cache_errors()
        try:
            update = self.alarms.on_poll(kind, result.snapshot, result.ok, time.time())
        except Exception as exc:
            self.unexpected(exc)
            update = None
        with self.in_view():
            self.window.on_polled(result)
        if update is not None:
            with self.in_view():
                self.window.on_alarms(update)
        return result.ok

    def note_cache_errors(self) -> None:
        from console.cache.schema import CacheError

        for exc in self.cache_errors:
            if isinstance(exc, CacheError):
                key, frames = exception_key(exc)
                self.report.add("cache_failures", f"{key}: {str(exc)[:120]}", self.case, frames)
                try:
                    self.cache.retry()
                except CacheError:
                    pass
            elif not (isinstance(exc, ValueError) and "telemetry" in str(exc)):
                self.unexpected(exc)  # the cache's documented refusals are ValueErrors
        self.cache_errors.clear()

    def power_history(self) -> None:
        """The cached power history to the views, as the live feed hands it at start-up."""
        from widgets.live import HISTORY_S as POWER_HISTORY_S

        now = time.time()
        try:
            series = self.cache.power(now - POWER_HISTORY_S, now + 3600)
        except Exception as exc:
            self.unexpected(exc)
            return
        with self.in_view():
            self.window.on_power_history(series)

    def poll_rack(self) -> bool:
        """One rack in depth, with its cached history, to the rack map (as on a double-click)."""
        from console.sources.base import SourceError
        from widgets.live import HISTORY_FIELDS

        rack_id = self.recorded.rack_id
        try:
            detail = self.source.fetch_rack(rack_id)
        except SourceError:
            return False
        except Exception as exc:
            self.unexpected(exc)
            return False
        with self.in_view():
            self.window.focus_rack(rack_id)
            self.window.on_rack_detail(detail)
        end = time.time()
        history: dict[str, Any] = {}
        for name in HISTORY_FIELDS:
            try:
                history[name] = self.cache.rack_history(rack_id, name, end - HISTORY_S, end)
            except Exception as exc:
                self.unexpected(exc)
        with self.in_view():
            self.window.on_rack_history(rack_id, history)
        return True

    # -- views --------------------------------------------------------------------------------
    def settle(self, kind: str = "") -> None:
        """Redraw every view, bring forward the tab that shows ``kind`` (else the next one)
        of each dock group, paint, and read the item models that changed of the views that
        show ``kind`` (all of them for the site layout; the alarm list's always)."""
        from PySide6.QtCore import QAbstractItemModel
        from PySide6.QtWidgets import QAbstractItemView

        from widgets.view import LiveView

        window = self.window
        with self.in_view():
            window.refresh_ages()
        for view in [window.summary, *window.views.values()]:
            with self.in_view():
                view.flush()
        self._tab += 1
        for group in (("gpus", "alarms", "maintenance"), ("power", "jobs")):
            showing = [key for key in group if kind in window.views[key].kinds]
            window.docks[(showing or group)[self._tab % len(showing or group)]].raise_()
        self.app.processEvents()
        for model in window.findChildren(QAbstractItemModel):
            self.models.watch(model)
        readable = set()
        for item_view in window.findChildren(QAbstractItemView):
            model = item_view.model()
            if model is None:
                continue
            self.models.watch(model)
            owner = item_view.parentWidget()
            while owner is not None and not isinstance(owner, LiveView):
                owner = owner.parentWidget()
            kinds = getattr(owner, "kinds", ())
            if kind in ("", "site") or not kinds or kind in kinds or (
                    kind == "rack" and owner is window.views["rackmap"]):
                readable.add(id(model))
        for what in self.models.left_open():
            self.report.add("view_errors", f"model left open: {what}", self.case, [])
        for key in sorted(self.models.changed & readable):
            with self.in_view():
                self.read_model(self.models.models[key])
            self.models.changed.discard(key)

    def read_model(self, model: Any) -> None:
        from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

        roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        top = QModelIndex()
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(top)
        for col in range(columns):
            model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for row in range(min(model.rowCount(top), MODEL_ROWS)):
            for col in range(columns):
                index = model.index(row, col)
                for role in roles:
                    model.data(index, role)

    # -- the cache -----------------------------------------------------------------------------
    def check_stored(self, kind: str) -> None:
        try:
            found = self.checks.check(self.cache, kind)
        except Exception as exc:
            self.unexpected(exc)
            return
        for key in found:
            self.report.add("out_of_range", key, self.case, [])

    # -- hooks ---------------------------------------------------------------------------------
    @contextmanager
    def hooks(self) -> Iterator[None]:
        """Qt's exceptions and warnings, and the console's logged exceptions, noted; Python
        warnings raised as errors (as the test suite runs)."""
        from PySide6.QtCore import QtMsgType, qInstallMessageHandler

        def excepthook(kind: type, exc: BaseException, tb: Any) -> None:
            exc.__traceback__ = tb
            self.view_error(exc)

        def messages(mode: Any, context: Any, text: str) -> None:
            if mode in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
                return
            if any(text.startswith(ignored) for ignored in QT_IGNORED):
                return
            self.report.add("qt_warnings", text[:160], self.case, [])

        def logged(logger: str, exc: BaseException) -> None:
            self.logged += 1
            if logger.startswith("widgets"):
                self.view_error(exc)
            else:
                self.unexpected(exc)

        catcher = LogCatcher(logged)
        loggers = [logging.getLogger(name) for name in ("console", "widgets")]
        propagate = [lg.propagate for lg in loggers]
        for lg in loggers:
            lg.addHandler(catcher)
            lg.propagate = False  # counted and reported here, not printed 1,000 times
        old_hook, sys.excepthook = sys.excepthook, excepthook
        old_handler = qInstallMessageHandler(messages)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # as the test suite runs: a warning is a fault
                yield
        finally:
            qInstallMessageHandler(old_handler)
            sys.excepthook = old_hook
            for lg, was in zip(loggers, propagate, strict=True):
                lg.propagate = was
                lg.removeHandler(catcher)


def run_fuzz(
    cases: int = 1000,
    seed: int = 20_260_601,
    folder: str | Path | None = None,
    scale: str = "hall",
    progress: Callable[[int, FuzzReport], None] | None = None,
) -> FuzzReport:
    """Run ``cases`` fuzz cases (seeded) through one console; the report of what broke."""
    import tempfile

    t0, cpu0 = time.perf_counter(), time.process_time()
    recorded = record_answers(scale)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        run = FuzzRun(Path(folder or tmp), recorded, seed)
        try:
            with run.hooks():
                run.start()
                for k in range(cases):
                    run.run_case(k)
                    if progress is not None:
                        progress(k, run.report)
        finally:
            run.close()
    run.report.seconds = time.perf_counter() - t0
    run.report.cpu_seconds = time.process_time() - cpu0
    return run.report

