"""The forecast's band item: a gap in the forecast is a gap in the band, never a line
drawn across it; its bounds are the data's."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.forecast_band import ForecastBand, band_path

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_each_finite_run_is_its_own_closed_polygon() -> None:
    t = np.arange(6, dtype=float)
    lo = np.array([1.0, 1.0, np.nan, 2.0, 2.0, 2.0])
    hi = lo + 1.0
    polys = band_path(t, lo, hi).toSubpathPolygons()
    assert len(polys) == 2  # the NaN splits the band
    first = [(p.x(), p.y()) for p in polys[0]]
    assert first[:4] == [(0, 1), (1, 1), (1, 2), (0, 2)]  # P10 out, P90 back


def test_no_finite_point_is_no_band() -> None:
    nan = np.full(3, np.nan)
    assert band_path(np.arange(3.0), nan, nan).isEmpty()


def test_set_data_keeps_the_series_and_bounds(qtbot: object) -> None:
    import pyqtgraph as pg

    item = ForecastBand(pg.mkBrush("w"), pg.mkPen("w"), pg.mkPen("w"))
    t = np.array([10.0, 20.0, 30.0])
    item.setData(t, np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0]),
                 np.array([3.0, 4.0, 9.0]))
    assert item.dataBounds(0) == (10.0, 30.0) and item.dataBounds(1) == (1.0, 9.0)
    np.testing.assert_array_equal(item.getData()[1], [2.0, 3.0, 4.0])
    with pytest.raises(ValueError):
        item.setData(t, t[:2], t, t)
    empty = np.zeros(0)
    item.setData(empty, empty, empty, empty)
    assert item.dataBounds(0) is None and item.band().isEmpty()
