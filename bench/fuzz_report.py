"""What the fault fuzz counts: its report, the distinct failures, and two watchers.

:class:`FuzzReport` holds the counts and the distinct failures (exception type and innermost
project frame, each with the first case that caused it); :class:`LogCatcher` hands on the
exceptions the console's catch-alls log; :class:`ModelWatch` counts item models' open
begin/end pairs and notes the models that changed.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROJECT_DIRS = tuple(str(ROOT / d) for d in ("console", "widgets"))


@dataclass
class Failure:
    """One distinct failure: what kind, where, how often, the first case that caused it."""

    counter: str
    key: str
    count: int
    case: str
    frames: list[str]


@dataclass
class FuzzReport:
    """The fuzz's counts (see :mod:`bench.fuzz_pipeline`) and its distinct failures."""

    cases: int = 0
    unexpected: int = 0
    view_errors: int = 0
    out_of_range: int = 0
    qt_warnings: int = 0
    cache_failures: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """This process's CPU time (on a shared machine, wall time says little)."""
    failures: dict[str, Failure] = field(default_factory=dict)

    def add(self, counter: str, key: str, case: str, frames: list[str], n: int = 1) -> None:
        setattr(self, counter, getattr(self, counter) + n)
        found = self.failures.get(f"{counter}: {key}")
        if found is None:
            self.failures[f"{counter}: {key}"] = Failure(counter, key, n, case, frames)
        else:
            found.count += n

    def summary_line(self) -> str:
        return (
            f"FAULTS fuzz cases={self.cases} unexpected={self.unexpected} "
            f"view_errors={self.view_errors} out_of_range={self.out_of_range} "
            f"qt_warnings={self.qt_warnings} cache_failures={self.cache_failures} "
            f"seconds={self.seconds:.1f} cpu_seconds={self.cpu_seconds:.1f}"
        )

    def details(self) -> str:
        """The distinct failures, one paragraph each (for a failing test's message)."""
        out = []
        for f in sorted(self.failures.values(), key=lambda f: (f.counter, -f.count)):
            out.append(f"[{f.counter}] x{f.count} {f.key}\n    first: {f.case}")
            out.extend(f"    {line}" for line in f.frames)
        return "\n".join(out)

    def figures(self) -> dict[str, Any]:
        return {
            "fuzz_cases": self.cases,
            "fuzz_unexpected": self.unexpected,
            "fuzz_view_errors": self.view_errors,
            "fuzz_out_of_range_stored": self.out_of_range,
            "fuzz_qt_warnings": self.qt_warnings,
            "fuzz_cache_failures": self.cache_failures,
            "fuzz_s": round(self.seconds, 1),
            "fuzz_cpu_s": round(self.cpu_seconds, 1),
        }


def project_frames(tb: Any, limit: int = 4) -> list[str]:
    """The innermost ``limit`` frames of a traceback in console/ or widgets/ (else the
    innermost frames at all), innermost first, as ``path:line in function``."""
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if f.filename.startswith(PROJECT_DIRS)] or frames
    return [f"{os.path.relpath(f.filename, ROOT)}:{f.lineno} in {f.name}"
            for f in reversed(ours[-limit:])]


def exception_key(exc: BaseException) -> tuple[str, list[str]]:
    frames = project_frames(exc.__traceback__)
    return f"{type(exc).__name__} at {frames[0] if frames else '?'}", frames


class LogCatcher(logging.Handler):
    """Hands on the exceptions the console logs at WARNING or above: its catch-alls (the
    poller's "unexpected error", a view that could not draw) log them with their traceback."""

    def __init__(self, found: Callable[[str, BaseException], None]) -> None:
        super().__init__(logging.WARNING)
        self.found = found

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.found(record.name, record.exc_info[1])


class ModelWatch:
    """Counts each item model's open begin/end pairs and notes models that changed."""

    PAIRS = (("modelAboutToBeReset", "modelReset"), ("rowsAboutToBeInserted", "rowsInserted"),
             ("rowsAboutToBeRemoved", "rowsRemoved"), ("layoutAboutToBeChanged", "layoutChanged"),
             ("columnsAboutToBeInserted", "columnsInserted"),
             ("columnsAboutToBeRemoved", "columnsRemoved"))

    def __init__(self) -> None:
        self.models: dict[int, Any] = {}
        self.open: dict[int, dict[str, int]] = {}
        self.changed: set[int] = set()

    def watch(self, model: Any) -> None:
        """Count ``model``'s open begin/end pairs and note when it changes (once each)."""
        key = id(model)
        if key in self.models:
            return
        self.models[key] = model
        self.open[key] = {}
        self.changed.add(key)
        for begin, end in self.PAIRS:
            getattr(model, begin).connect(self._opener(key, begin, +1))
            getattr(model, end).connect(self._opener(key, begin, -1))
        model.dataChanged.connect(lambda *_a, k=key: self.changed.add(k))

    def _opener(self, key: int, name: str, step: int) -> Callable[..., None]:
        def note(*_args: Any) -> None:
            counts = self.open[key]
            counts[name] = counts.get(name, 0) + step
            self.changed.add(key)

        return note

    def left_open(self) -> list[str]:
        """Models inside a begin/end pair now (and forget it, to count each once)."""
        out = []
        for key, counts in self.open.items():
            for name, n in counts.items():
                if n:
                    out.append(f"{type(self.models[key]).__name__} inside {name}")
            counts.clear()
        return out
