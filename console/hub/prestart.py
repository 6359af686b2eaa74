"""The simulated hub's process started ahead of its source (``sim://`` URLs), with nothing
heavier than the standard library: the console calls :func:`prestart` first thing, so that
the child's imports and the site's build run beside the console's own start-up (its imports,
its window) instead of after it.

The :class:`console.sources.sim.SimSource` made later for the same scale, seed, tick and
shift-log file takes the process over (:func:`take`); one nobody takes over is stopped when
this process exits, or by :func:`stop_all` (a configuration that reads other backends).
"""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from console.hub.process import HubProcess, HubProcessError
from console.hub.scales import SCALES  # not the hub's parameters: the hub process's

log = logging.getLogger(__name__)

_NO = ("0", "false", "no", "off")
_YES = ("1", "true", "yes", "on")


def parse_sim_url(url: str) -> tuple[str, int]:
    """``sim://tetouan?seed=3`` -> ("tetouan", 3). ValueError on an unknown scale, a seed
    that is not an integer or a ``process`` that is neither 0 nor 1."""
    parts = urlsplit(url)
    scale = parts.netloc or parts.path.strip("/") or "tetouan"
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r} in {url!r}; choose {', '.join(SCALES)}")
    sim_in_process(url)
    seed = parse_qs(parts.query).get("seed", ["7"])[0]
    try:
        return scale, int(seed)
    except ValueError:
        raise ValueError(f"seed must be an integer in {url!r}") from None


def sim_in_process(url: str) -> bool:
    """True when ``url`` asks for the hub on the console's own threads (``process=0``)."""
    value = parse_qs(urlsplit(url).query).get("process", ["1"])[0].strip().lower()
    if value not in _NO + _YES:
        raise ValueError(f"process must be 1 (a process of its own) or 0 in {url!r}")
    return value in _NO


Key = tuple[str, int, float, str | None]
_started: dict[Key, HubProcess] = {}
_lock = threading.Lock()


def key(scale: str, seed: int, tick_s: float, log_db: str | Path | None) -> Key:
    """What a started process is found by: the hub it serves and how it serves it."""
    return scale, seed, float(tick_s), None if log_db is None else str(Path(log_db).resolve())


def prestart(url: str, tick_s: float = 2.0, log_db: str | Path | None = None) -> bool:
    """Run the hub process of ``url`` now, before its source exists. False, and nothing
    started, for a URL that is not ``sim://``, is not valid, or keeps the hub in this
    process."""
    if urlsplit(url).scheme.lower() != "sim":
        return False
    try:
        scale, seed = parse_sim_url(url)
        if sim_in_process(url):
            return False
    except ValueError:
        return False
    found = key(scale, seed, tick_s, log_db)
    with _lock:
        if found in _started:
            return True
        process = HubProcess(scale, seed, tick_s, log_db)
        try:
            process.spawn()
        except HubProcessError as exc:
            log.info("the simulated hub was not started ahead: %s", exc)
            return False
        if not _started:
            atexit.register(stop_all)
        _started[found] = process
    return True


def take(found: Key) -> HubProcess | None:
    """The process started ahead for ``found``, now the caller's to start and stop."""
    with _lock:
        return _started.pop(found, None)


def started() -> dict[Key, HubProcess]:
    """The processes started ahead that nobody took over yet."""
    with _lock:
        return dict(_started)


def stop_all() -> None:
    """Stop every process started ahead that nobody took over."""
    with _lock:
        left = list(_started.values())
        _started.clear()
    for process in left:
        process.stop()
