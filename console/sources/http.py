"""Bounded HTTP for every source that reads a server: one GET (or POST) no server can stall
or poison, credentials kept out of what is stored or shown.

- :func:`fetch` reads a whole answer; :func:`open_stream` hands it over in chunks. Both hold
  every request to an overall **deadline** (wall clock from the first connect to the last
  byte, retries included) and a **size cap** on the body after decompression: a server that
  trickles, sends without end, or sends a gzip bomb is cut off with one clear line
  (:class:`~console.sources.base.SourceError`), never read into memory. A watchdog shuts
  the request's socket at the deadline, so even a server that trickles its status line or
  headers cannot hold a poll (the per-read timeout of ``requests`` does not bound that).
- :func:`split_credentials` takes ``user:password@`` out of a URL: the password is used
  for that session (HTTP basic auth) and never stored or shown.
- :func:`redact` removes the secrets in use (hub token, Slurm JWT, basic-auth passwords:
  :func:`remember_secret`) and URL user info from any text that came back from a server.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from requests.sessions import merge_hooks
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util import Retry

from console.sources.base import SourceError

if TYPE_CHECKING:  # urllib3 names its connection type for type checkers only
    from urllib3._base_connection import BaseHTTPConnection
from console.sources.limits import (  # noqa: F401 - re-exported
    HUB_LIMITS,
    MB,
    PROMETHEUS_LIMITS,
    SECRET_HEADERS,
    SLURM_LIMITS,
    Limits,
    limits_from,
    redact,
    remember_secret,
    split_credentials,
)
from console.urls import USERINFO, hide_userinfo  # noqa: F401 - re-exported

USER_AGENT = "hub-ops-console/0.1"
CHUNK_BYTES = 1 << 16
"""Bytes asked of the (decoded) stream at a time by default."""
MAX_CHUNK_BYTES = 1 << 20
"""The most asked at a time: urllib3 (2.6 and later) never inflates a compressed chunk past
what was asked, so a gzip bomb is refused after at most the cap plus this."""

# --- the deadline watchdog ----------------------------------------------------------------------


class DeadlineExceeded(Exception):
    """Raised inside urllib3 (a new connection, a retry) once the request's deadline passed.

    Deliberately not an OSError: urllib3 and requests pass it through untouched."""


class _Watchdog:
    """One daemon thread that ends every request whose deadline passes (a thread started
    per request cost each request its start-up and a hand-over of the interpreter lock)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, watch: _Watch) -> None:
        with self._cond:
            heapq.heappush(self._due, (watch.end, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():  # first use, or a fork
                self._thread = threading.Thread(target=self._run, name="http-deadline",
                                                daemon=True)
                self._thread.start()
            elif self._due[0][2] is watch:
                self._cond.notify()  # an earlier deadline than the one waited for

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    while self._due and self._due[0][2].finished:
                        heapq.heappop(self._due)  # ended in time: forgotten
                    if not self._due:
                        self._cond.wait()
                        continue
                    wait = self._due[0][0] - time.monotonic()
                    if wait <= 0:
                        watch = heapq.heappop(self._due)[2]
                        break
                    self._cond.wait(wait)
            if not watch.finished:
                watch.expire()


_WATCHDOG = _Watchdog()


class _Watch:
    """The deadline of the request running on this thread, and the sockets it uses.

    At the deadline the watchdog's thread shuts those sockets (a blocked read returns at
    once); a socket connected later is shut as it connects, and urllib3 gets no new
    connection and no retry (:class:`DeadlineExceeded`)."""

    _local = threading.local()
    _active: set[_Watch] = set()
    _active_lock = threading.Lock()

    def __init__(self, deadline_s: float, owner: object = None) -> None:
        self.deadline_s = deadline_s
        self.owner = owner
        """What the request belongs to (its ``requests.Session``), for :func:`abort`."""
        self.start = time.monotonic()
        self.end = self.start + deadline_s
        self.expired = False
        self.finished = False
        """The request ended (in time or not): the watchdog forgets it."""
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._outer: _Watch | None = None

    @classmethod
    def current(cls) -> _Watch | None:
        return getattr(cls._local, "watch", None)

    def __enter__(self) -> _Watch:
        self._outer = self.current()
        self._local.watch = self
        with self._active_lock:
            self._active.add(self)
        _WATCHDOG.watch(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self._local.watch = self._outer
        with self._active_lock:
            self._active.discard(self)
        self.finished = True

    @classmethod
    def owned_by(cls, owner: object) -> list[_Watch]:
        with cls._active_lock:
            return [w for w in cls._active if w.owner is owner]

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> None:
        if self.expired or self.remaining() <= 0:
            self.expired = True
            raise DeadlineExceeded

    def add_socket(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        """End the request now: no new connection or retry, its sockets shut."""
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def abort(session: requests.Session) -> int:
    """End the requests of ``session`` running on other threads now (as if their deadline
    had passed): a source closing never waits for a slow answer. The number ended."""
    watches = _Watch.owned_by(session)
    for watch in watches:
        watch.expire()
    return len(watches)


def close_session(session: requests.Session) -> None:
    """End ``session``'s running requests (:func:`abort`) and release its connections."""
    abort(session)
    session.close()


def _shut(sock: socket.socket) -> None:
    """Shut a socket both ways: a read blocked on it (in another thread) returns at once."""
    with contextlib.suppress(OSError, ValueError):
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTPConnection(HTTPConnection):
    """A connection whose socket the request's watch can shut (HTTPS: the class below)."""

    def connect(self) -> None:
        super().connect()
        watch = _Watch.current()
        if watch is not None:
            watch.add_socket(getattr(self, "sock", None))


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    """A pool that checks the request's deadline before handing out a connection and gives
    the watch its socket (HTTPS: the class below)."""

    ConnectionCls = _WatchedHTTPConnection

    def _get_conn(self, timeout: float | None = None) -> BaseHTTPConnection:
        watch = _Watch.current()
        if watch is not None:
            watch.check()
        conn = super()._get_conn(timeout)
        if watch is not None:  # a kept-alive connection is connected already
            watch.add_socket(getattr(conn, "sock", None))
        return conn


class _WatchedHTTPSPool(_WatchedHTTPPool, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _DeadlineRetry(Retry):
    """urllib3's Retry that never retries, nor sleeps, past the request's deadline."""

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        watch = _Watch.current()
        if watch is not None:
            watch.check()
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        watch = _Watch.current()
        if watch is not None:
            if backoff >= watch.remaining():
                watch.expired = True
                raise DeadlineExceeded
        if backoff > 0:
            time.sleep(backoff)


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }


class _Session(requests.Session):
    """requests' Session, with a request's settings merged with the session's more cheaply
    for what the console sends: text query parameters, no cookies, no proxies, no netrc.

    requests merges each setting (headers, parameters, proxies) through a generic
    function that asks whether a value is a mapping with a runtime ``Protocol`` check
    (~20 µs a time on Python 3.11, seven a request). Here the same result is built
    directly; anything else (cookies kept or given, environment settings, parameters
    that are not all text) goes through requests' own merge."""

    _bases: dict[str, str]
    _prepared_headers: dict[tuple[Any, ...], CaseInsensitiveDict[Any]]

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        params = request.params
        if (self.trust_env or self.params or request.cookies or len(self.cookies)
                or not isinstance(params, dict) or not isinstance(request.headers, dict)
                or not all(type(k) is str and type(v) is str for k, v in params.items())):
            return super().prepare_request(request)
        headers = CaseInsensitiveDict(self.headers)
        headers.update(request.headers)
        for name in [k for k, v in headers.items() if v is None]:
            del headers[name]
        lean = self._prepared_get(request, headers, params)
        if lean is not None:
            return lean
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=str(request.method).upper(),
            url=request.url,
            files=request.files,
            data=request.data,
            json=request.json,
            headers=headers,
            params=urlencode(list(params.items())),  # as requests encodes text (UTF-8)
            auth=self.auth if request.auth is None else request.auth,
            cookies=RequestsCookieJar(),
            hooks=merge_hooks(request.hooks, self.hooks),
        )
        return prepared

    def _prepared_get(self, request: requests.Request, headers: CaseInsensitiveDict[Any],
                      params: dict[str, str]) -> requests.PreparedRequest | None:
        """A plain GET (or HEAD: no body, no authentication object, no hooks, a URL without
        query or user info) prepared as requests prepares it, from its URL and its headers
        as requests prepared them the first time (checked then: no line breaks in a value),
        with its text parameters encoded after the URL as requests encodes them. None for
        anything else (prepared by requests as ever)."""
        method = str(request.method).upper()
        if (method not in ("GET", "HEAD") or self.auth is not None or request.auth is not None
                or request.files or request.data or request.json is not None
                or any(request.hooks.values()) or any(self.hooks.values())
                or not isinstance(request.url, str)):
            return None
        bases = self.__dict__.setdefault("_bases", {})
        base = bases.get(request.url)
        if base is None:
            if any(c in request.url for c in "?#@") or not request.url.isascii():
                return None
            probe = requests.PreparedRequest()
            probe.prepare_url(request.url, None)
            if len(bases) >= 64:
                bases.clear()
            base = bases[request.url] = str(probe.url)
        known = self.__dict__.setdefault("_prepared_headers", {})
        try:
            key = tuple(headers.items())
            ready = known.get(key)
        except TypeError:  # a value that is not text
            return None
        if ready is None:
            probe = requests.PreparedRequest()
            probe.prepare_headers(headers)  # InvalidHeader for a value requests refuses
            if len(known) >= 16:
                known.clear()
            ready = known[key] = probe.headers
        prepared = requests.PreparedRequest()
        prepared.method = method
        prepared.url = f"{base}?{urlencode(list(params.items()))}" if params else base
        prepared.headers = ready.copy()
        prepared._cookies = RequestsCookieJar()  # noqa: SLF001 - as prepare_cookies sets it
        prepared.body = None
        return prepared

    def merge_environment_settings(
        self, url: str, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        if self.trust_env or proxies or self.proxies:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        return {
            "proxies": {},
            "stream": self.stream if stream is None else stream,
            "verify": self.verify if verify is None else verify,
            "cert": self.cert if cert is None else cert,
        }


def make_session(
    retries: int = 2,
    backoff: float = 0.25,
    verify: bool | str = True,
    auth: tuple[str, str] | None = None,
    pool_maxsize: int = 4,
) -> requests.Session:
    """A :class:`requests.Session` that retries idempotent requests with backoff (never
    past a request's deadline), with ``auth`` as HTTP basic auth when given."""
    session = _Session()
    retry = _DeadlineRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_max=2.0,
        status_forcelist=(502, 504),
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    adapter = _WatchedAdapter(max_retries=retry, pool_connections=2, pool_maxsize=pool_maxsize)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = verify
    session.headers["User-Agent"] = USER_AGENT
    session.trust_env = False
    if auth is not None:
        remember_secret(auth[1])
        session.auth = auth
    return session


def describe_http_error(backend: str, exc: Exception, timeout: tuple[float, float]) -> SourceError:
    """Turn a requests exception into one clear line."""
    if isinstance(exc, requests.exceptions.SSLError):
        return SourceError(backend, f"TLS certificate not trusted ({exc.__class__.__name__})")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return SourceError(backend, f"no answer within {timeout[0]:g} s (connect timeout)")
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(exc, requests.exceptions.ReadTimeout) or isinstance(reason, ReadTimeoutError):
        return SourceError(backend, f"no answer within {timeout[1]:g} s (read timeout)")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return SourceError(backend, "cannot connect (server down or wrong URL)")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return SourceError(backend, "invalid URL")
    return SourceError(backend, f"request failed ({exc.__class__.__name__})")


# --- bounded requests ---------------------------------------------------------------------------


class LimitError(SourceError):
    """An answer refused for its time or its size: the server was reached, and asking it
    again at once (another path, a fallback) would only take as long again."""


def deadline_error(backend: str, what: str, limits: Limits) -> LimitError:
    return LimitError(
        backend, f"answer from {what} took longer than {limits.deadline_s:g} s (deadline); refused"
    )


def size_error(backend: str, what: str, limits: Limits) -> LimitError:
    return LimitError(
        backend,
        f"answer from {what} larger than {limits.max_body_mb:g} MB (after decompression); refused",
    )


class Stream:
    """An answer whose headers arrived; its body is read through :meth:`chunks` or
    :meth:`read`, both under the request's deadline and size cap."""

    def __init__(
        self, response: requests.Response, watch: _Watch, backend: str, what: str, limits: Limits
    ) -> None:
        self.response = response
        self._watch = watch
        self._backend = backend
        self._what = what
        self._limits = limits
        self.received = 0
        """Body bytes read so far (after decompression)."""

    def chunks(self, size: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The body in decoded chunks; SourceError past the deadline or the size cap."""
        raw = self.response.raw
        cap = self._limits.max_bytes
        try:
            for chunk in raw.stream(min(size, MAX_CHUNK_BYTES), decode_content=True):
                self.received += len(chunk)
                if self.received > cap:
                    raise size_error(self._backend, self._what, self._limits)
                if self._watch.expired or self._watch.remaining() <= 0:
                    raise deadline_error(self._backend, self._what, self._limits)
                yield chunk
            if self._watch.expired:  # the socket shut under it: the body is cut short
                raise deadline_error(self._backend, self._what, self._limits)
        except SourceError:
            raise
        except Exception as exc:  # a socket cut by the watchdog, a broken stream
            if self._watch.expired or self._watch.remaining() <= 0:
                raise deadline_error(self._backend, self._what, self._limits) from None
            if isinstance(exc, requests.exceptions.RequestException):
                raise describe_http_error(self._backend, exc, self._limits.timeout) from None
            raise _stream_error(self._backend, exc, self._limits) from None

    def read(self) -> bytes:
        """The rest of the body, also kept as the response's ``content`` (so ``.json()``
        and ``.text`` read it, never the socket)."""
        body = bytearray()
        for chunk in self.chunks():
            body += chunk
        content = bytes(body)
        self.response._content = content  # noqa: SLF001 - requests' own cache of the body
        self.response._content_consumed = True  # noqa: SLF001
        return content


def _stream_error(backend: str, exc: Exception, limits: Limits) -> SourceError:
    """A failure while reading a body, in the words of :func:`describe_http_error`."""
    from urllib3.exceptions import DecodeError, ProtocolError
    from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeout

    if isinstance(exc, Urllib3ReadTimeout | TimeoutError):
        return SourceError(backend, f"no answer within {limits.timeout[1]:g} s (read timeout)")
    if isinstance(exc, DecodeError):
        return SourceError(backend, "the answer cannot be decompressed")
    if isinstance(exc, ProtocolError | OSError):
        return SourceError(backend, "the connection broke during the answer")
    return SourceError(backend, f"request failed ({exc.__class__.__name__})")


@contextlib.contextmanager
def open_stream(
    session: requests.Session,
    url: str,
    *,
    backend: str,
    what: str,
    limits: Limits,
    method: str = "GET",
    **kwargs: Any,
) -> Iterator[Stream]:
    """Send a request and yield its :class:`Stream` once the headers arrived; the
    connection is released on leaving. SourceError (one line, naming ``what``) for a
    transport error, the deadline, or a ``Content-Length`` over the size cap."""
    with _Watch(limits.deadline_s, owner=session) as watch:
        try:
            response = session.request(
                method, url, timeout=limits.timeout, stream=True, **kwargs
            )
        except DeadlineExceeded:
            raise deadline_error(backend, what, limits) from None
        except requests.exceptions.RequestException as exc:
            if watch.expired:
                raise deadline_error(backend, what, limits) from None
            raise describe_http_error(backend, exc, limits.timeout) from None
        try:
            length = response.headers.get("Content-Length")
            if length is not None and length.strip().isdigit() and int(length) > limits.max_bytes:
                raise size_error(backend, what, limits)
            yield Stream(response, watch, backend, what, limits)
        finally:
            response.close()


def fetch(
    session: requests.Session,
    url: str,
    *,
    backend: str,
    what: str,
    limits: Limits,
    method: str = "GET",
    **kwargs: Any,
) -> requests.Response:
    """The whole answer under ``limits``: a :class:`requests.Response` whose body was read
    (``.content``, ``.json()``, ``.text`` work, the connection is released)."""
    with open_stream(
        session, url, backend=backend, what=what, limits=limits, method=method, **kwargs
    ) as stream:
        stream.read()
        return stream.response
