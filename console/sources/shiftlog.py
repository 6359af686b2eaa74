"""The shift log of a hub that keeps only the log (``main.py hub --log-only``), as a source.

Sites whose telemetry comes from Prometheus and Slurm name that hub in the config file
(``[log] url``); :class:`console.sources.combined.CombinedSource` then delivers the
``log`` kind from it through a :class:`ShiftLogSource`: each poll reads the entries
written or cleared since the last (:attr:`ShiftLogSource.log_rev`), as the hub API
source does for a full hub.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from console.model import Snapshot
from console.shiftlog.client import (
    BACKEND,
    LogAuthError,
    LogClient,
    LogHubError,
    NoShiftLog,
    read_pages,
)
from console.shiftlog.model import LogSnapshot
from console.sources.base import FetchContext, Source, SourceError
from console.sources.http import HUB_LIMITS, Limits
from console.sources.hub import LOG_PAGES_PER_POLL, NO_SHIFT_LOG

log = logging.getLogger(__name__)


class ShiftLogSource(Source):
    """Reads (and, through :meth:`log_client`, writes) the shift log of the hub at ``url``."""

    backend = BACKEND
    kinds: tuple[str, ...] = ("log",)
    concurrent_kinds = True

    def __init__(
        self,
        url: str,
        token: str | None = None,
        verify: bool | str = True,
        limits: Limits = HUB_LIMITS,
        retries: int = 2,
        auth: tuple[str, str] | None = None,
    ) -> None:
        self._options: dict[str, Any] = {"token": token, "verify": verify, "limits": limits,
                                         "retries": retries, "auth": auth}
        self.client = LogClient(url, **self._options)
        super().__init__(self.client.base)
        self.log_rev = 0
        """The revision read up to: the next poll asks for what changed since."""
        self._absent = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never shows the token
        return f"ShiftLogSource({self.display_url!r})"

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        if kind != "log":
            raise SourceError(self.backend, f"cannot deliver {kind!r}")
        with self._lock:
            if self._absent:
                return LogSnapshot(time=time.time(), rev=self.log_rev)

            def page(since: int) -> LogSnapshot:
                try:
                    return self.client.entries(since)
                except NoShiftLog:
                    self._absent = True
                    self.kinds = ()
                    log.info("%s: %s", self.display_url, NO_SHIFT_LOG)
                    raise SourceError(self.backend, NO_SHIFT_LOG) from None
                except LogHubError as exc:
                    reason = str(exc).removeprefix(f"{BACKEND}: ")
                    raise SourceError(self.backend, reason,
                                      auth=isinstance(exc, LogAuthError)) from None

            snap = read_pages(page, self.log_rev, LOG_PAGES_PER_POLL, self.display_url)
            self.log_rev = snap.rev
            return snap

    def log_client(self) -> LogClient:
        """A client of the same hub for the console's writes."""
        return LogClient(self.client.base, **self._options)

    def close(self) -> None:
        self.client.close()
