"""``main.py log add`` and ``main.py log list``: the shift log for scripts.

Both talk to the hub that keeps the log (``--url``, else the configured hub source) with
the hub's token (``HUB_TOKEN`` or the config file), never through an outbox: a script is
told at once (one line, :class:`CommandError`, exit 2) that an entry was refused or that
the hub cannot be reached, and decides itself whether to try again.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO
from urllib.parse import urlsplit

from console.settings import Settings, take_credentials
from console.shiftlog.client import BACKEND, LogClient, LogHubError, entry_json
from console.shiftlog.csvtext import entries_csv
from console.shiftlog.model import LogError
from console.sources.http import Limits
from console.urls import hide_userinfo


class CommandError(Exception):
    """A command that cannot be done: one line for stderr, exit code 2."""


def default_author() -> str:
    """This computer's user name (an entry's author when none is given)."""
    try:
        return getpass.getuser() or "operator"
    except (OSError, KeyError, ImportError):
        return "operator"


def log_url(settings: Settings, url: str | None) -> str:
    """The hub that keeps the log: ``url``, else ``[log] url``, else the configured hub
    source. CommandError for the simulated hub (it runs inside the console only) and for
    sources that are no hub API (Prometheus, Slurm, a cache, NVML)."""
    url = url or settings.log.get("url") or None
    if not url and (settings.prometheus.get("url") or settings.slurm.get("url")):
        raise CommandError("this console reads Prometheus and Slurm, which keep no shift log: "
                           "give --url of the hub that keeps it (main.py hub --log-only), "
                           "or set [log] url in the config file")
    chosen = url or settings.source
    scheme = urlsplit(chosen).scheme.lower()
    if scheme == "sim":
        raise CommandError(
            f"the simulated hub ({chosen}) runs only inside the console; start one with "
            "'main.py hub' (or 'main.py hub --log-only --db FILE') and give its URL with "
            "--url, e.g. --url http://127.0.0.1:8710")
    if scheme not in ("http", "https"):
        raise CommandError(f"{hide_userinfo(chosen)} is no hub API: the shift log is kept by "
                           "a hub (http:// or https://); give its URL with --url")
    return chosen


def client_for(settings: Settings, url: str | None) -> LogClient:
    """A client of the log's hub with the settings' token, TLS and limits."""
    chosen = take_credentials(settings, log_url(settings, url))
    limits = Limits((settings.timeout_connect, settings.timeout_read), settings.deadline_s,
                    settings.max_body_mb)
    token = settings.token
    if chosen == settings.log.get("url") and settings.log.get("token"):
        token = str(settings.log["token"])
    try:
        return LogClient(chosen, token=token, verify=settings.verify_tls,
                         limits=limits, retries=settings.retries,
                         auth=settings.credentials.get(chosen))
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _hub_error(exc: LogHubError, url: str) -> CommandError:
    text = str(exc).removeprefix(f"{BACKEND}: ")
    return CommandError(f"shift log at {hide_userinfo(url)}: {text}")


class _NoRetryLines(logging.Filter):
    """Drops urllib3's "Retrying ..." warnings: the command's one line says what failed."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Retrying")


@contextlib.contextmanager
def _one_line() -> Iterator[None]:
    pool = logging.getLogger("urllib3.connectionpool")
    quiet = _NoRetryLines()
    pool.addFilter(quiet)
    try:
        yield
    finally:
        pool.removeFilter(quiet)


def add_entry(
    settings: Settings,
    *,
    text: str,
    category: str,
    url: str | None = None,
    racks: Sequence[str] = (),
    alarms: Sequence[str] = (),
    incidents: Sequence[str] = (),
    jobs: Sequence[str] = (),
    author: str | None = None,
    open_item: bool = False,
    out: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Write one entry (``text`` "-": read from ``stdin``); print it as one JSON line."""
    if text == "-":
        text = (stdin or sys.stdin).read()
    links = ([("rack", r) for r in racks] + [("alarm", a) for a in alarms]
             + [("incident", i) for i in incidents] + [("job", j) for j in jobs])
    client = client_for(settings, url)
    try:
        with _one_line():
            entry = client.add(text, category, links, author or default_author(), open_item)
    except LogError as exc:
        raise CommandError(f"entry refused: {exc}") from None
    except LogHubError as exc:
        raise _hub_error(exc, client.base) from None
    finally:
        client.close()
    print(entry_json(entry), file=out or sys.stdout)
    return 0


def list_entries(
    settings: Settings,
    *,
    url: str | None = None,
    open_only: bool = False,
    start: float | None = None,
    end: float | None = None,
    as_csv: bool = False,
    out: TextIO | None = None,
) -> int:
    """Print the log's entries (written from ``start`` to ``end``; ``open_only``: open items
    not cleared), oldest first: one JSON line each, or CSV (``as_csv``)."""
    if start is not None and end is not None and end < start:
        raise CommandError("--to is before --from")
    client = client_for(settings, url)
    try:
        with _one_line():
            snap = client.read_all(open_only=open_only, start=start, end=end)
    except LogHubError as exc:
        raise _hub_error(exc, client.base) from None
    finally:
        client.close()
    entries = sorted(snap.entries, key=lambda e: (e.time, e.id))
    stream = out or sys.stdout
    if as_csv:
        stream.write(entries_csv(entries))
    else:
        for entry in entries:
            print(entry_json(entry), file=stream)
    return 0
