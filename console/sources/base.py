"""The Source interface and the scheme registry (one plug-in per URL scheme)."""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from console.model import RackDetailSnapshot, SiteTopology, Snapshot


class SourceError(Exception):
    """A fetch that failed; ``str(err)`` is one line naming the backend and the reason."""

    def __init__(self, backend: str, reason: str, *, auth: bool = False) -> None:
        super().__init__(f"{backend}: {reason}")
        self.backend = backend
        self.reason = reason
        self.auth = auth


@dataclass
class FetchContext:
    """What a poll needs to know from earlier polls (owned by the poller)."""

    topology: SiteTopology | None = None
    last_event_id: int = 0
    """Fetch events after this id (of the hub lifetime ``event_lifetime``)."""
    event_lifetime: str | None = None
    """The hub lifetime the event cursor counts in (what events are stored under); None
    until the first events answer."""
    event_instance: str | None = None
    """The hub's own name for that lifetime (``instance``); None when it sends none."""
    recent_events: dict[int, float] = field(default_factory=dict)
    """``{id: time}`` of the newest events taken in that lifetime: a hub that sends no
    ``instance`` is told restarted from a cursor gone wrong by whether they are still there."""
    power_since: float | None = None
    """Fetch power from this time on (incremental polling); None = the default window."""
    power_window_s: float = 86_400.0
    """How much power history the first poll asks for (later polls are incremental)."""


class Source(ABC):
    """A place the console reads the site from.

    Subclasses implement :meth:`fetch` for the kinds listed in :attr:`kinds`.
    Methods are called from one worker thread at a time, never the GUI thread.
    """

    backend = "source"
    kinds: tuple[str, ...] = ()
    live = True
    """Delivers the site as it is now: the poller refuses times too far from this
    workstation's clock. False for a replay of recorded data (any age by design)."""

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def display_url(self) -> str:
        """The URL without credentials, safe for the status bar and logs."""
        try:
            parts = urlsplit(self.url)
            port = parts.port
        except ValueError:  # a port that is not a number: show no more than the scheme
            return f"{urlsplit(self.url).scheme}://?"
        if parts.username or parts.password:
            host = parts.hostname or ""
            if ":" in host:  # an IPv6 address keeps its brackets
                host = f"[{host}]"
            if port:
                host = f"{host}:{port}"
            parts = parts._replace(netloc=host)
        return parts.geturl()

    @abstractmethod
    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        """Fetch one kind of data; raise :class:`SourceError` on any failure."""

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        """Fetch one rack in depth (on demand, for the rack detail view)."""
        raise SourceError(self.backend, "rack detail is not available from this source")

    def start(self) -> None:  # noqa: B027 - optional hook
        """Start what the source needs (an embedded server, a session)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and servers."""

    def __enter__(self) -> Source:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SCHEMES: dict[str, str | Callable[..., Source]] = {
    "sim": "console.sources.sim:SimSource",
    "http": "console.sources.hub:HubApiSource",
    "https": "console.sources.hub:HubApiSource",
    "cache": "console.sources.replay:CacheReplaySource",
    "nvml": "console.sources.nvml:NvmlSource",
    "prometheus": "console.sources.prometheus:PrometheusSource",
    "prometheus+http": "console.sources.prometheus:PrometheusSource",
    "prometheus+https": "console.sources.prometheus:PrometheusSource",
    "slurm": "console.sources.slurm:SlurmSource",
    "slurm+http": "console.sources.slurm:SlurmSource",
    "slurm+https": "console.sources.slurm:SlurmSource",
}


def register_scheme(scheme: str, factory: str | Callable[..., Source]) -> None:
    """Register a source factory (or ``"module:Class"``) for a URL scheme."""
    _SCHEMES[scheme] = factory


def open_source(url: str, **options: Any) -> Source:
    """Create the source for ``url`` by its scheme; ValueError for unknown schemes."""
    scheme = urlsplit(url).scheme.lower()
    factory = _SCHEMES.get(scheme)
    if factory is None:
        known = ", ".join(sorted(f"{s}://" for s in _SCHEMES))
        raise ValueError(f"unsupported source URL {url!r}: use one of {known}")
    if isinstance(factory, str):
        module, _, name = factory.partition(":")
        factory = getattr(importlib.import_module(module), name)
    return factory(url, **options)
