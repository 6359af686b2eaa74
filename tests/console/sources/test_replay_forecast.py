"""Review at T shows the latest forecast issued at or before T, or says none was recorded."""

from __future__ import annotations

from pathlib import Path

from console.cache import Cache
from console.contract import FORECAST_FIELDS
from console.forecast import WHOLE, decode_forecast
from console.session import REVIEW_KINDS
from console.sources.base import FetchContext
from console.sources.replay import NOT_RECORDED, CacheReplaySource

T0 = 1_790_002_800.0


def _forecast(issued: float, level: float):
    t = [issued + 900.0 * (i + 1) for i in range(4)]
    series = {name: {"p10": [level] * 4, "p50": [level + 1] * 4, "p90": [level + 2] * 4}
              for name in FORECAST_FIELDS}
    return decode_forecast({"issued": issued, "step": 900.0, "t": t, "series": series},
                           now=issued)


def test_review_shows_the_forecast_issued_by_then(tmp_path: Path) -> None:
    assert "forecast" in REVIEW_KINDS and "forecast" in CacheReplaySource.kinds
    path = tmp_path / "c.db"
    with Cache.open(path) as cache:
        cache.write_poll([_forecast(T0, 10.0)])
        cache.write_poll([_forecast(T0 + 3600, 20.0)])
    source = CacheReplaySource(f"cache://{path}")
    try:
        source.start()
        for at, issued, level in ((T0 + 10, T0, 10.0), (T0 + 3599, T0, 10.0),
                                  (T0 + 3600, T0 + 3600, 20.0)):
            source.position = at
            snap = source.fetch("forecast", FetchContext())
            band = snap.band("wind_mw")
            assert snap.issued == issued and band is not None and band.p10[0] == level
        source.position = T0 - 1
        before = source.fetch("forecast", FetchContext())
        assert len(before) == 0 and before.flags[WHOLE] == NOT_RECORDED
    finally:
        source.close()
