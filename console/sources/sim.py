"""``sim://SCALE[?seed=N][&process=0]``: the simulated hub on a loopback port.

By default the hub runs in a process of its own (:class:`console.hub.process.HubProcess`):
its numpy work and JSON encoding never hold the console's interpreter lock. ``process=0``
(or ``SimSource(..., in_process=True)``) runs it on threads of the console's own process,
for tests and tools that need the :class:`~console.hub.sim.SimulatedHub` object itself.
Either way the console reads it over HTTP, exactly as it reads a real hub.
"""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from console.hub.params import SCALES
from console.hub.process import START_TIMEOUT_S, HubProcess, HubProcessError
from console.sources.base import SourceError
from console.sources.http import fetch
from console.sources.hub import HubApiSource

if TYPE_CHECKING:
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

log = logging.getLogger(__name__)

_NO = ("0", "false", "no", "off")
_YES = ("1", "true", "yes", "on")
_PENDING = "http://127.0.0.1:0"
"""The hub's address until a child process says on which port it listens."""


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


_Key = tuple[str, int, float, str | None]
_prestarted: dict[_Key, HubProcess] = {}
_prestarted_lock = threading.Lock()


def _key(scale: str, seed: int, tick_s: float, log_db: str | Path | None) -> _Key:
    return scale, seed, float(tick_s), None if log_db is None else str(Path(log_db).resolve())


def prestart(url: str, tick_s: float = 2.0, log_db: str | Path | None = None) -> bool:
    """Run the hub process of ``url`` now, before its source exists: the console calls
    this before it builds its window, so that the child's imports and the site's build run
    beside the window's instead of after it. The :class:`SimSource` made later for the
    same URL, tick and shift-log file takes the process over (:meth:`SimSource.start`
    waits for it); one nobody takes over is stopped when this process exits. False, and
    nothing started, for a URL that is not ``sim://``, is not valid, or keeps the hub in
    this process."""
    if urlsplit(url).scheme.lower() != "sim":
        return False
    try:
        scale, seed = parse_sim_url(url)
        if sim_in_process(url):
            return False
    except ValueError:
        return False
    key = _key(scale, seed, tick_s, log_db)
    with _prestarted_lock:
        if key in _prestarted:
            return True
        process = HubProcess(scale, seed, tick_s, log_db)
        try:
            process.spawn()
        except HubProcessError as exc:
            log.info("the simulated hub was not started ahead: %s", exc)
            return False
        if not _prestarted:
            atexit.register(_stop_prestarted)
        _prestarted[key] = process
    return True


def _take_prestarted(key: _Key) -> HubProcess | None:
    with _prestarted_lock:
        return _prestarted.pop(key, None)


def _stop_prestarted() -> None:
    with _prestarted_lock:
        left = list(_prestarted.values())
        _prestarted.clear()
    for process in left:
        process.stop()


class SimSource(HubApiSource):
    """Starts a :class:`SimulatedHub` behind a real HTTP server on 127.0.0.1.

    ``in_process`` (default: what the URL says, else False) runs the hub on threads of
    this process, with :attr:`hub` and :attr:`server` at hand; otherwise it runs in a
    child process started by :meth:`start` and ended by :meth:`close`. Faults and
    outages are injected over the hub API in both cases (:meth:`inject`,
    :meth:`clear_fault`, :meth:`set_outage`). ``log_db``: the hub's shift-log file
    (default: ``shiftlog-sim.sqlite`` in the user's data folder).
    """

    backend = "simulated hub"

    def __init__(
        self,
        url: str = "sim://tetouan",
        tick_s: float = 2.0,
        *,
        in_process: bool | None = None,
        log_db: str | Path | None = None,
        start_timeout_s: float = START_TIMEOUT_S,
        **options: Any,
    ) -> None:
        scale, seed = parse_sim_url(url)
        if in_process is None:
            in_process = sim_in_process(url)
        self._hub: SimulatedHub | None = None
        self.server: HubServer | None = None
        self.process: HubProcess | None = None
        if in_process:
            from console.hub.server import HubServer
            from console.hub.sim import SimulatedHub

            self._hub = SimulatedHub(scale=scale, seed=seed)
            self.server = HubServer(self._hub, port=0, tick_s=tick_s, log_db=log_db)
            base = self.server.url
        else:
            self.process = (_take_prestarted(_key(scale, seed, tick_s, log_db))
                            or HubProcess(scale, seed, tick_s, log_db))
            self.process.start_timeout_s = start_timeout_s
            base = _PENDING
        options.pop("token", None)
        super().__init__(base, **options)
        self.url = url

    @property
    def hub(self) -> SimulatedHub:
        """The simulator itself (only with ``in_process``; else AttributeError)."""
        if self._hub is None:
            raise AttributeError(
                f"{self.url} runs its hub in a process of its own: open it with "
                "in_process=True (or ?process=0) for the hub object, or use inject(), "
                "clear_fault() and set_outage()")
        return self._hub

    @property
    def in_process(self) -> bool:
        return self.process is None

    @property
    def display_url(self) -> str:
        return self.url

    def start(self) -> None:
        if self.server is not None:
            self.server.start()
            return
        assert self.process is not None
        try:
            base = self.process.start()
        except HubProcessError as exc:
            raise SourceError(self.backend, f"the simulated hub did not start: {exc}") from None
        self._base = base.rstrip("/")

    def close(self) -> None:
        super().close()
        if self.server is not None:
            self.server.stop()
        if self.process is not None:
            self.process.stop()

    # -- faults, over the hub API ----------------------------------------------------------------
    def _post(self, path: str, body: dict[str, Any]) -> Any:
        if self._base == _PENDING:
            raise SourceError(self.backend, "the simulated hub is not started")
        response = fetch(self.session, f"{self._base}{path}", backend=self.backend,
                         what=f"POST {path}", limits=self.limits, method="POST", json=body)
        if response.status_code >= 400:
            raise SourceError(self.backend, f"HTTP {response.status_code} on POST {path}: "
                                            f"{response.text[:200]}")
        return response.json()

    def inject(self, kind: str, target: str | None = None, **params: Any) -> dict[str, Any]:
        """Start a fault of ``kind`` (at ``target``): the hub's answer."""
        answer = self._post("/api/v1/sim/faults",
                            {"kind": kind, "target": target, "params": params})
        return dict(answer)

    def clear_fault(self, kind: str, target: str | None = None) -> None:
        self._post("/api/v1/sim/faults", {"kind": kind, "target": target, "clear": True})

    def set_outage(self, on: bool) -> None:
        """The hub API answers 503 (``on``) or serves again."""
        self._post("/api/v1/sim/outage", {"on": bool(on)})
