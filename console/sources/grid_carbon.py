"""Any live source with the Electricity Maps grid carbon forecast in its ``forecast`` kind.

When ``[carbon]`` configures an Electricity Maps token (or ``ELECTRICITYMAPS_TOKEN`` is
set), :func:`console.settings.make_source` wraps the source it builds (a hub, the
simulated hub, Prometheus + Slurm) in a :class:`GridCarbonSource`: every kind is the
inner source's, and ``forecast`` (added to the kinds when the inner source has none) goes
through :meth:`GridCarbonFeed.forecast_into
<console.sources.electricitymaps.GridCarbonFeed.forecast_into>` on the fetching (worker)
thread: the zone's forecast becomes the ``grid_carbon_g_per_kwh`` band
(:func:`console.carbon_forecast.merge_grid_carbon`). A site without a forecast of its own
(Prometheus without ``[forecast]``, a hub without ``/api/v1/forecast``) gets a forecast of
grid carbon alone, its other fields absent with the inner source's reason. While
Electricity Maps cannot be read, the inner forecast is delivered as it is (the reason is
logged once, never with the token).
"""

from __future__ import annotations

import time
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from console.carbon import GridCarbon, configured_intensity
from console.carbon_forecast import FIELD
from console.contract import FORECAST_FIELDS
from console.forecast import WHOLE, ForecastSnapshot
from console.model import RackDetailSnapshot, Snapshot
from console.sources.base import FetchContext, Source
from console.sources.electricitymaps import BACKEND, GridCarbonFeed

NOT_YET = f"no forecast: {BACKEND} not read yet"


class GridCarbonSource(Source):
    """``inner`` with ``feed``'s grid carbon forecast merged into its ``forecast`` kind.

    Everything else (kinds, lanes, URL, rack detail, the inner source's own attributes such
    as ``prometheus`` or ``log_client``) is the inner source's. Closing closes both."""

    def __init__(self, inner: Source, feed: GridCarbonFeed) -> None:
        # No Source.__init__: the URL is the inner source's, read through.
        self.inner = inner
        self.feed = feed

    def __repr__(self) -> str:
        return f"GridCarbonSource({self.inner!r})"

    def __getattr__(self, name: str) -> Any:
        # Only what this class does not define: the inner source's own attributes.
        if name in ("inner", "feed"):
            raise AttributeError(name)
        return getattr(self.inner, name)

    @property
    def url(self) -> str:  # type: ignore[override]
        return self.inner.url

    @property
    def display_url(self) -> str:
        return self.inner.display_url

    @property
    def backend(self) -> str:  # type: ignore[override]
        return self.inner.backend

    @property
    def kinds(self) -> tuple[str, ...]:  # type: ignore[override]
        kinds = tuple(self.inner.kinds)
        return kinds if "forecast" in kinds else (*kinds, "forecast")

    @property
    def concurrent_kinds(self) -> bool:  # type: ignore[override]
        return self.inner.concurrent_kinds

    @property
    def live(self) -> bool:  # type: ignore[override]
        return self.inner.live

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        if kind != "forecast":
            return self.inner.fetch(kind, context)
        own: ForecastSnapshot | None = None
        if "forecast" in self.inner.kinds:
            snap = self.inner.fetch(kind, context)
            if not isinstance(snap, ForecastSnapshot):
                return snap
            own = snap
        return self.merge(own)

    def merge(self, own: ForecastSnapshot | None, now: float | None = None) -> ForecastSnapshot:
        """``own`` (the inner source's forecast, None when it has none) with the zone's grid
        carbon forecast; ``own`` as it is while the zone's cannot be had."""
        base = own if own is not None and len(own) else None
        merged = self.feed.forecast_into(base, now)
        if merged is None or merged is base:  # Electricity Maps not read
            if own is not None:
                return own
            why = f"no forecast: {self.feed.error}" if self.feed.error else NOT_YET
            return ForecastSnapshot(time=time.time() if now is None else now,
                                    flags=MappingProxyType({WHOLE: why}))
        why_not = own.flag(WHOLE) if own is not None and base is None else None
        if why_not:  # the site's own forecast is absent: its fields say why
            flags = dict(merged.flags)
            for name in FORECAST_FIELDS:
                if name != FIELD:
                    flags.setdefault(name, why_not)
            merged = replace(merged, flags=MappingProxyType(flags))
        return merged

    def grid_carbon(self, now: float | None = None) -> GridCarbon:
        """The grid carbon intensity to account with (the zone's latest value while recent,
        else ``[carbon] grid_g_per_kwh``, else the cited default)."""
        return self.feed.grid_carbon(now)

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        return self.inner.fetch_rack(rack_id)

    def start(self) -> None:
        self.inner.start()

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.feed.close()


def with_grid_carbon(source: Source, carbon: Any, env: Any = None) -> Source:
    """``source`` wrapped in a :class:`GridCarbonSource` when ``carbon`` (the ``[carbon]``
    table) configures an Electricity Maps token and the source is live; else ``source``."""
    from console.sources.electricitymaps import feed_from_settings

    if not source.live or isinstance(source, GridCarbonSource):
        return source
    feed = feed_from_settings(dict(carbon or {}), env)
    if feed is None:
        return source
    return GridCarbonSource(source, feed)


def grid_intensity(source: Source, carbon: Any) -> float:
    """The grid carbon intensity (gCO2eq/kWh) to use where a forecast gives none: the
    Electricity Maps zone's latest value while recent when ``source`` carries the feed,
    else ``[carbon] grid_g_per_kwh`` (``carbon``), else the cited default. May ask
    Electricity Maps (bounded by its limits): call it off the GUI thread."""
    if isinstance(source, GridCarbonSource):
        return source.grid_carbon().g_per_kwh
    return configured_intensity(dict(carbon or {}))
