"""The simulated hub in a process of its own, so its numpy work and JSON encoding never hold
the console's interpreter lock (``sim://``, :class:`console.sources.sim.SimSource`).

The parent side is :class:`HubProcess`: ``start()`` runs ``python -m console.hub.process``,
waits for it to listen and returns its URL (``http://127.0.0.1:PORT``); ``stop()`` ends it.
The console then reads the hub over HTTP, as it reads a real hub.

The child (:func:`main`) builds :class:`~console.hub.sim.SimulatedHub` and
:class:`~console.hub.server.HubServer` (port 0: a free one; the shift log in its default file
unless ``--log-db``) and writes one JSON line on its stdout: ``{"url": ...}`` once it listens,
or ``{"error": "..."}`` when it cannot start. Its log records travel to the parent as JSON
lines on its stderr and are logged there under the same logger names.

The child never outlives the console: it reads its stdin, which only the parent holds open,
and ends at end of file. The kernel closes a process's descriptors when it dies, however it
dies (SIGKILL included), so a killed console leaves no hub behind. ``prctl(PR_SET_PDEATHSIG)``
is not used: it fires when the *thread* that started the child ends, and sources are started
on the live session's worker thread.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.hub.server import HubServer

log = logging.getLogger(__name__)

START_TIMEOUT_S = 60.0
"""How long :meth:`HubProcess.start` waits for the child to listen (building the largest
synthetic site on a busy machine takes tens of seconds)."""
STOP_TIMEOUT_S = 5.0
"""How long :meth:`HubProcess.stop` waits for the child to end by itself before SIGTERM
(then as long again before SIGKILL)."""
_ROOT = str(Path(__file__).resolve().parent.parent.parent)
"""The folder that holds the ``console`` package: on the child's import path."""
_TAIL_LINES = 20


class HubProcessError(RuntimeError):
    """The simulated hub's process did not start; ``str()`` says why, in one line."""


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ended(code: int) -> str:
    if code < 0:
        try:
            return f"its process was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"its process was killed by signal {-code}"
    return f"its process ended with exit code {code}"


class HubProcess:
    """One simulated hub in a child process (``scale``, ``seed``: :class:`SimulatedHub`'s;
    ``tick_s``, ``log_db``: :class:`HubServer`'s, ``None`` for the default shift-log file).

    :meth:`start` and :meth:`stop` may be called from different threads: a stop during the
    start ends the child and the start raises :class:`HubProcessError`.
    """

    def __init__(
        self,
        scale: str,
        seed: int,
        tick_s: float = 2.0,
        log_db: str | Path | None = None,
        start_timeout_s: float = START_TIMEOUT_S,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.tick_s = tick_s
        self.log_db = log_db
        self.start_timeout_s = start_timeout_s
        self.url: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._handshaking = False
        self._forwarder: threading.Thread | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        """The child's last lines on stderr that were not log records (a crash's traceback)."""
        self._last_error: str | None = None
        """The child's last log record at ERROR or above."""

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "console.hub.process", "--scale", self.scale,
               "--seed", str(self.seed), "--tick", repr(float(self.tick_s)),
               "--log-level", str(logging.getLogger().getEffectiveLevel())]
        if self.log_db is not None:
            cmd += ["--log-db", os.path.abspath(self.log_db)]
        return cmd

    def spawn(self) -> None:
        """Run the child now without waiting for it (:meth:`start` waits): the hub is
        built while this process goes on with its own start-up."""
        with self._lock:
            if self._closed:
                raise HubProcessError("it was closed before it started")
            if self._proc is not None:
                return
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (_ROOT, env.get("PYTHONPATH")) if p)
            try:
                proc = subprocess.Popen(
                    self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, env=env, close_fds=True,
                )
            except OSError as exc:
                raise HubProcessError(_one_line(f"cannot run {sys.executable}: {exc}")) from None
            self._proc = proc
            assert proc.stderr is not None
            self._forwarder = threading.Thread(
                target=self._forward, args=(proc.stderr,), name="sim-hub-log", daemon=True)
            self._forwarder.start()

    def start(self) -> str:
        """Run the child (unless :meth:`spawn` did) and wait until it listens: its URL.
        HubProcessError when it cannot start (its own reason when it gave one), ends
        first, or stays silent past ``start_timeout_s``."""
        if self.url is not None and not self._closed:
            return self.url
        with self._lock:
            if self._closed:
                raise HubProcessError("it was closed before it started")
        try:
            self.spawn()
        except HubProcessError:
            if self._closed:  # closed by another thread since this start began
                raise HubProcessError("it was closed while starting") from None
            raise
        with self._lock:
            proc = self._proc
            assert proc is not None
            if self._closed or proc.stdout is None or proc.stdout.closed:
                raise HubProcessError("it was closed while starting")
            self._handshaking = True
        try:
            self.url = self._handshake(proc)
        except HubProcessError:
            self.stop(timeout_s=1.0)  # a child that failed to start has nothing to save
            raise
        log.info("simulated hub (%s, seed %s) in process %d on %s",
                 self.scale, self.seed, proc.pid, self.url)
        return self.url

    def _handshake(self, proc: subprocess.Popen[bytes]) -> str:
        """Read the child's one answer line (its stdout is closed after it)."""
        assert proc.stdout is not None
        deadline = time.monotonic() + self.start_timeout_s
        data = b""
        try:
            fd = proc.stdout.fileno()
            with selectors.DefaultSelector() as selector:
                selector.register(fd, selectors.EVENT_READ)
                while b"\n" not in data:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise HubProcessError(
                            f"no answer within {self.start_timeout_s:g} s")
                    if not selector.select(left):
                        continue
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        raise HubProcessError(self._why_ended(proc))
                    data += chunk
        finally:
            with self._lock:
                self._handshaking = False
                proc.stdout.close()
        try:
            answer = json.loads(data.split(b"\n", 1)[0])
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise HubProcessError(_one_line(f"unexpected answer {data[:200]!r}"))
        if "error" in answer:
            raise HubProcessError(_one_line(str(answer["error"])))
        url = answer.get("url")
        if not isinstance(url, str) or not url.startswith("http://127.0.0.1:"):
            raise HubProcessError(_one_line(f"unexpected answer {answer!r}"))
        return url

    def _why_ended(self, proc: subprocess.Popen[bytes]) -> str:
        """Why a child that closed its stdout before answering did so (it is ending)."""
        try:
            code = proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return "its process closed its output without an answer"
        if self._closed:
            return "it was closed while starting"
        forwarder = self._forwarder
        if forwarder is not None:
            forwarder.join(timeout=STOP_TIMEOUT_S)  # its last words are read
        if self._last_error:
            return _one_line(f"{self._last_error} ({_ended(code)})")
        if self._tail:
            return _one_line(f"{self._tail[-1]} ({_ended(code)})")
        return _ended(code)

    def _forward(self, stream: IO[bytes]) -> None:
        """Log the child's records (JSON lines on its stderr) here, until it ends."""
        try:
            for raw in iter(stream.readline, b""):
                text = raw.decode("utf-8", "replace").rstrip("\n")
                try:
                    record = json.loads(text)
                    level, name, message = record["level"], record["name"], record["message"]
                    if not isinstance(level, int) or not isinstance(name, str):
                        raise TypeError
                except (ValueError, KeyError, TypeError):
                    if text.strip():
                        self._tail.append(text)
                        log.warning("simulated hub process: %s", text)
                    continue
                if level >= logging.ERROR:
                    self._last_error = str(message).splitlines()[0] if message else None
                logging.getLogger(name).log(level, "%s", message)
        except (OSError, ValueError):  # the stream closed under us
            pass
        finally:
            stream.close()

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """End the child (idempotent): its stdin is closed and it stops its server and
        shift log cleanly; SIGTERM after ``timeout_s``, SIGKILL after as long again."""
        with self._lock:
            self._closed = True
            proc = self._proc
        if proc is None:
            return
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            log.warning("simulated hub process %d did not stop; terminating it", proc.pid)
            proc.terminate()
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with self._lock:
            if not self._handshaking and proc.stdout is not None:
                proc.stdout.close()  # spawned, never waited for (a start closes it)
        forwarder = self._forwarder
        if forwarder is not None and forwarder is not threading.current_thread():
            forwarder.join(timeout=timeout_s)


# -- the child ---------------------------------------------------------------------------------


class _JsonLines(logging.Handler):
    """Each record as one JSON line on stderr, for :meth:`HubProcess._forward`."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            line = json.dumps({"level": record.levelno, "name": record.name,
                               "message": message})
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def _answer(payload: dict[str, Any]) -> None:
    """The one line on stdout; stdout then goes to stderr (the parent closed its end)."""
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()
    os.dup2(2, 1)


def _watch_parent(stop: threading.Event, serving: threading.Event) -> None:
    """Returns at end of file on stdin: the parent closed it, or died."""
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    stop.set()
    if not serving.is_set():  # still building the hub: nothing to close
        os._exit(0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m console.hub.process",
        description="The simulated hub of sim:// in its own process (started by the console).")
    parser.add_argument("--scale", default="tetouan")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tick", type=float, default=2.0)
    parser.add_argument("--log-db", default=None)
    parser.add_argument("--log-level", type=int, default=logging.WARNING)
    return parser


def _build(args: argparse.Namespace) -> HubServer:
    """The hub and its server (not started yet), built with the cyclic collector off: the
    build makes some hundred thousand objects that live as long as the hub (the floor, the
    day's jobs), and the collector walked them over and over (~100 young, ~10 middle and a
    full pass: ~0.1 s of the build) to free nothing. Once built they are frozen out of its
    sight (still freed by reference counting; what the hub makes from then on is
    collected as ever) and the collector is back on, however the build ends."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from console.hub.server import HubServer
        from console.hub.sim import SimulatedHub

        hub = SimulatedHub(scale=args.scale, seed=args.seed)
        return HubServer(hub, port=0, tick_s=args.tick, log_db=args.log_db)
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def main(argv: list[str] | None = None) -> int:
    """The child: build, listen, answer, serve until stdin ends or SIGTERM."""
    args = _parser().parse_args(argv)
    root = logging.getLogger()
    root.handlers[:] = [_JsonLines()]
    root.setLevel(args.log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the console's to handle
    stop = threading.Event()
    serving = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=_watch_parent, args=(stop, serving), name="parent-watch",
                     daemon=True).start()
    try:
        server = _build(args)
    except Exception as exc:
        _answer({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    if stop.is_set():
        return 0
    server.start()
    serving.set()
    try:
        _answer({"url": server.url})
        while not stop.wait(0.05):  # a SIGTERM's handler runs between waits
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    code = main()
    # Server and shift log are closed: the hub's state (a few hundred MB of arrays and
    # objects) is left to the operating system instead of freed object by object (0.2 s
    # that every console closing, export and test waited for).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
