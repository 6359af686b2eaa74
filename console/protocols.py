"""The seams between the poll loop, the sessions, the alarm service and what they drive: the
cache as each of them uses it, and the source as a session uses it.

The SQLite cache (:class:`console.cache.Cache`) and a cache opened later
(:class:`console.cache.PendingCache`) implement every write below. Their reads
(``journal``, ``incidents``, ``maintenance_at``, ``event_tail``, ``power``,
``rack_history``...) are not part of these: a PendingCache answers them only once its file
is open, so their users still ask ``getattr(cache, name, None)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from console.alarms.incidents import IncidentStore
from console.alarms.journal import JournalStore
from console.maintenance import MaintenanceStore
from console.model import RackDetailSnapshot, SiteTopology, Snapshot

if TYPE_CHECKING:
    from console.cache.store import CacheHealth
    from console.sources.base import FetchContext


class PollCache(Protocol):
    """The cache as the poll step (:class:`console.poller.Poller`) writes it."""

    def write_poll(self, snapshots: Sequence[Snapshot], *,
                   topology: SiteTopology | None = None) -> None:
        """Record one poll's snapshots (``topology``: the site they belong to); raises
        CacheError when recording fails (the cache keeps them to write later)."""


class AlarmCache(JournalStore, IncidentStore, MaintenanceStore, Protocol):
    """The cache as the alarm service writes it: the journal, the incidents, the
    maintenance list, and the windows kept at full resolution."""

    def mark_full_resolution(self, start: float, end: float, reason: str = "incident") -> None:
        """Keep ``start``..``end`` at full resolution (rollup leaves it alone)."""


class LiveCache(PollCache, AlarmCache, Protocol):
    """The cache as a live session keeps it: written by the poll step and the alarm
    service, told the source, maintained, healed and closed; ``on_health`` hears when
    recording stops or works again."""

    on_health: Callable[[CacheHealth], None] | None

    @property
    def failed(self) -> str | None:
        """Why nothing is recorded now (None: the cache records)."""

    def health(self) -> CacheHealth:
        """Whether it records, and what waits to be written."""

    def heal(self, *, force: bool = False) -> bool:
        """Try again to write what waits (``force``: now, not at the backoff's time); True
        when the cache works."""

    def retry(self) -> None:
        """Try now; CacheError when the cache still cannot be written."""

    def set_source(self, url: str) -> None:
        """Record the source the polls come from."""

    def maintain(self, now: float | None = None) -> dict[str, float]:
        """Roll up and trim to the retention policy and the size cap; figures of the run."""

    def close(self) -> None:
        """Write what can be written and close the file."""


class SessionSource(Protocol):
    """What a session needs of a source (every :class:`console.sources.base.Source` has it)."""

    @property
    def backend(self) -> str:
        """The source's kind, for messages (``hub API``, ``Prometheus``...)."""

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of data it fetches."""

    @property
    def live(self) -> bool:
        """It gives the site as it is now (False: a replay of recorded data)."""

    @property
    def display_url(self) -> str:
        """The URL without credentials."""

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        """One poll of ``kind`` (SourceError when it fails)."""

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        """One rack in depth (SourceError when the source has no rack detail)."""

    def start(self) -> None:
        """Start what the source needs."""

    def close(self) -> None:
        """Release connections and servers."""


if TYPE_CHECKING:  # every cache and source implements its seams (checked by mypy)
    from console.cache.store import Cache, PendingCache
    from console.sources.base import Source

    def _seams(cache: Cache, pending: PendingCache, source: Source) -> None:
        live: LiveCache = cache
        live = pending
        seen: SessionSource = source
        del live, seen
