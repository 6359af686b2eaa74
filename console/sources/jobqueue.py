"""The job queue as a source last delivered it, kept up to date from changes-only answers."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from console.decode import DataError, apply_job_changes, decode_job_changes, decode_jobs
from console.model import JobsSnapshot, _frozen_map

MAX_VERSION_CHARS = 200


class JobQueueFollower:
    """Holds the last queue and its hub version; turns any answer into a whole queue.

    ``params()`` says what to ask for (``since`` once a version is held). ``take()``
    accepts a whole queue or the changes since the held version. Changes that do not
    apply (another base version, a total that does not add up, bad data) raise
    DataError and drop what is held, so the next request asks for the whole queue.
    Whatever an answer holds, ``take`` raises nothing but DataError; a version that is
    not printable text of at most :data:`MAX_VERSION_CHARS` is not kept (the next
    request asks for the whole queue).
    """

    def __init__(self) -> None:
        self.version: str | None = None
        self.columns: dict[str, np.ndarray] | None = None

    def params(self) -> dict[str, str]:
        if self.version is None or self.columns is None:
            return {}
        return {"since": self.version}

    def reset(self) -> None:
        self.version, self.columns = None, None

    def take(self, payload: Any, received: float | None = None) -> JobsSnapshot:
        invalid = 0
        try:
            if isinstance(payload, Mapping) and "since" in payload:
                if self.columns is None or payload.get("since") != self.version:
                    raise DataError("jobs: changes since a version this console does not hold")
                t, update, removed, total = decode_job_changes(payload)
                columns = apply_job_changes(self.columns, update, removed)
                if total is not None and len(columns["id"]) != total:
                    raise DataError(
                        f"jobs: changes do not add up ({len(columns['id'])} jobs here, "
                        f"{total} at the hub)"
                    )
            else:
                whole = decode_jobs(payload, received)
                t, columns, invalid = whole.time, dict(whole.columns), whole.invalid
        except DataError:
            self.reset()
            raise
        version = payload.get("version")
        ok = isinstance(version, str) and 0 < len(version) <= MAX_VERSION_CHARS
        self.version = version if ok and version.isprintable() else None
        self.columns = columns
        arrival = time.time() if received is None else float(received)
        return JobsSnapshot(
            time=t, received=arrival, columns=_frozen_map(columns), invalid=invalid
        )
