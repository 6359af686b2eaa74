"""The Source interface and the scheme registry (one source per URL scheme): the console's
own schemes, those registered in code, and plug-ins of installed packages (entry-point group
``hub_console.sources``)."""

from __future__ import annotations

import importlib
import logging
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from console.model import RackDetailSnapshot, SiteTopology, Snapshot

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

log = logging.getLogger(__name__)


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


DECODE_GATE = threading.RLock()
"""Held while an answer that arrived is parsed and decoded (not while it is awaited).

Kinds are fetched on lanes of their own so that waiting for one answer holds back no
other; parsing and decoding, though, are Python work under the interpreter lock, and
two lanes doing it at once only make the GUI thread wait longer for the lock each time
Qt hands it back (a paint takes it back hundreds of times). One lane decodes at a time;
the others wait for their answers or for this gate."""


class Source(ABC):
    """A place the console reads the site from.

    Subclasses implement :meth:`fetch` for the kinds listed in :attr:`kinds`.
    Methods are called from one worker thread at a time (several when
    :attr:`concurrent_kinds`), never the GUI thread.
    """

    backend = "source"
    kinds: tuple[str, ...] = ()
    concurrent_kinds = False
    """True when different kinds may be fetched on different threads at once (each kind
    on one thread at a time): the live session then polls each kind on a lane of its own,
    so a slow answer of one kind never holds the others back. Left False, every call comes
    from one thread at a time."""
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
"""The schemes of the console itself and those registered in code: these always win over
a plug-in of the same name."""

ENTRY_POINT_GROUP = "hub_console.sources"
"""The entry-point group of source plug-ins: an installed package adds a URL scheme with an
entry point named after the scheme, whose value ``"module:attr"`` is a :class:`Source`
subclass or a factory taking ``(url, **options)``."""

_SCHEME_NAME = re.compile(r"[a-z][a-z0-9+.-]*\Z")  # RFC 3986, lower case
_REASON_MAX = 300

_lock = threading.RLock()
_plugins_found = False
_plugins: dict[str, EntryPoint | Callable[..., Source]] = {}
"""Plug-in schemes: the entry point until first looked up, then what it loaded."""
_plugin_names: dict[str, str] = {}
"""Plug-in scheme -> "module:attr from package version", for messages."""
_plugin_errors: dict[str, str] = {}
"""Plug-in scheme -> the one line saying why it cannot be loaded (it is not tried again)."""


def register_scheme(scheme: str, factory: str | Callable[..., Source]) -> None:
    """Register a source factory (or ``"module:Class"``) for a URL scheme, in code.

    It replaces what the scheme had, a plug-in's included."""
    scheme = scheme.lower()
    with _lock:
        _SCHEMES[scheme] = factory
        _plugins.pop(scheme, None)
        _plugin_errors.pop(scheme, None)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _REASON_MAX else text[: _REASON_MAX - 1] + "…"


def _entry_point_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    where = f" from {dist.name} {dist.version}" if dist is not None else ""
    return f"{ep.value}{where}"


def _find_plugins() -> None:
    """Read the installed packages' source plug-ins (once; their modules are not imported).

    A plug-in for a scheme the console already has is refused with a warning: the built-in
    (or code-registered) source stays. Of two plug-ins for one scheme the first on the
    import path is used, the other refused with a warning."""
    global _plugins_found
    with _lock:
        if _plugins_found:
            return
        _plugins_found = True
        from importlib.metadata import entry_points  # ~20 ms to import: only when looked for

        try:
            found = list(entry_points(group=ENTRY_POINT_GROUP))
        except Exception as exc:  # broken package metadata: the built-in schemes still work
            log.warning("source plug-ins not read: %s", _one_line(f"{type(exc).__name__}: {exc}"))
            return
        for ep in found:
            scheme = ep.name.strip().lower()
            name = _entry_point_name(ep)
            if not _SCHEME_NAME.match(scheme):
                log.warning("source plug-in %r (%s) ignored: not a URL scheme", ep.name, name)
            elif scheme in _SCHEMES:
                log.warning("source plug-in %s:// (%s) ignored: the console's own %s:// source "
                            "is kept (a plug-in cannot replace it)", scheme, name, scheme)
            elif scheme in _plugins:
                log.warning("source plug-in %s:// (%s) ignored: %s already provides it",
                            scheme, name, _plugin_names[scheme])
            else:
                _plugins[scheme] = ep
                _plugin_names[scheme] = name


def _builtin(scheme: str) -> bool:
    """Whether ``scheme`` is the console's own or registered in code (no plug-in can take
    it): such a scheme is opened without reading the installed packages' plug-ins."""
    with _lock:
        return scheme in _SCHEMES


def is_builtin_scheme(scheme: str) -> bool:
    """Whether ``scheme`` (any case) is the console's own or registered in code: known
    without reading the installed packages' plug-ins (tens of milliseconds at a start)."""
    return _builtin(scheme.lower())


def schemes() -> list[str]:
    """Every URL scheme a source can be opened with, sorted: the console's own and those of
    installed plug-ins (one that fails to load included: opening it says why)."""
    _find_plugins()
    with _lock:
        return sorted(set(_SCHEMES) | set(_plugins))


def plugin_schemes() -> dict[str, str]:
    """The schemes installed plug-ins provide: scheme -> ``"module:attr from package version"``."""
    _find_plugins()
    with _lock:
        return {s: _plugin_names[s] for s in sorted(_plugins)}


def _load_plugin(scheme: str, ep: EntryPoint) -> Callable[..., Source]:
    """Import a plug-in; ValueError (one line naming it and the reason) if it cannot be."""
    name = _plugin_names[scheme]
    try:
        loaded = ep.load()
    except Exception as exc:  # whatever its import raises: one line, never a traceback
        log.debug("source plug-in %s:// (%s) failed to import", scheme, name, exc_info=True)
        reason = f"{type(exc).__name__}: {exc}"
    else:
        if isinstance(loaded, type) and issubclass(loaded, Source):
            return cast("Callable[..., Source]", loaded)
        if isinstance(loaded, type) or not callable(loaded):
            reason = f"{ep.value} is not a console.sources.base.Source subclass or factory"
        else:
            return cast("Callable[..., Source]", loaded)
    raise ValueError(_one_line(f"source plug-in {scheme}:// ({name}) cannot be loaded: {reason}"))


def source_class(scheme: str) -> Callable[..., Source]:
    """The class (or factory) that opens URLs of ``scheme``: called as ``(url, **options)``.

    A plug-in's module is imported here, on its first lookup. ValueError for an unknown
    scheme, or a plug-in that cannot be loaded (one line naming it and why)."""
    scheme = scheme.lower()
    if not _builtin(scheme):
        _find_plugins()  # the console's own schemes need no look at the installed packages
    with _lock:
        factory = _SCHEMES.get(scheme)
        if factory is None:
            if scheme in _plugin_errors:
                raise ValueError(_plugin_errors[scheme])
            plugin = _plugins.get(scheme)
            if plugin is None:
                raise ValueError(f"unknown source scheme {scheme}://")
            from importlib.metadata import EntryPoint  # imported by _find_plugins

            if isinstance(plugin, EntryPoint):
                try:
                    plugin = _load_plugin(scheme, plugin)
                except ValueError as exc:
                    _plugin_errors[scheme] = str(exc)
                    raise
                _plugins[scheme] = plugin
            return plugin
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        factory = cast("Callable[..., Source]", getattr(importlib.import_module(module), attr))
    return factory


def unsupported(url: str) -> str:
    """The one line for a URL of no known scheme, naming the schemes there are."""
    known = ", ".join(f"{s}://" for s in schemes())
    return f"unsupported source URL {url!r}: use one of {known}"


def open_source(url: str, **options: Any) -> Source:
    """Create the source for ``url`` by its scheme (the console's own or a plug-in's).

    ValueError for an unknown scheme, a plug-in that cannot be loaded, or one that fails to
    build its source (one line naming the plug-in and the reason)."""
    scheme = urlsplit(url).scheme.lower()
    if not _builtin(scheme) and scheme not in schemes():
        raise ValueError(unsupported(url))
    factory = source_class(scheme)
    with _lock:
        plugin = _plugin_names.get(scheme) if scheme in _plugins else None
    if plugin is None:
        return factory(url, **options)
    try:
        source = factory(url, **options)
    except (ValueError, SourceError):
        raise
    except Exception as exc:
        log.debug("source plug-in %s:// (%s) failed", scheme, plugin, exc_info=True)
        raise ValueError(_one_line(f"source plug-in {scheme}:// ({plugin}) cannot open the "
                                   f"source: {type(exc).__name__}: {exc}")) from None
    if not isinstance(source, Source):
        raise ValueError(_one_line(f"source plug-in {scheme}:// ({plugin}) gave a "
                                   f"{type(source).__name__}, not a Source"))
    return source
