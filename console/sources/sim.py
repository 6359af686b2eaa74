"""``sim://SCALE[?seed=N][&process=0]``: the simulated hub on a loopback port.

By default the hub runs in a process of its own (:class:`console.hub.process.HubProcess`):
its numpy work and JSON encoding never hold the console's interpreter lock. ``process=0``
(or ``SimSource(..., in_process=True)``) runs it on threads of the console's own process,
for tests and tools that need the :class:`~console.hub.sim.SimulatedHub` object itself.
Either way the console reads it over HTTP, exactly as it reads a real hub.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.hub.prestart import key, parse_sim_url, prestart, sim_in_process, take
from console.hub.process import START_TIMEOUT_S, HubProcess, HubProcessError
from console.sources.base import SourceError
from console.sources.http import fetch
from console.sources.hub import HubApiSource

if TYPE_CHECKING:
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

log = logging.getLogger(__name__)

__all__ = ["SimSource", "parse_sim_url", "prestart", "sim_in_process"]

_PENDING = "http://127.0.0.1:0"
"""The hub's address until a child process says on which port it listens."""


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
            self.process = (take(key(scale, seed, tick_s, log_db))
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
