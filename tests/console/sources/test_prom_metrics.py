"""Helpers of the Prometheus sources (console.sources.prom_metrics)."""

from __future__ import annotations

import json
import math

import numpy as np

from console.sources.prom_metrics import listed


def test_listed_says_every_value_not_finite_as_none() -> None:
    values = np.array([1.5, np.nan, np.inf, -np.inf, 0.0, -2.25, 1e300])
    got = listed(values)
    assert got == [1.5, None, None, None, 0.0, -2.25, 1e300]
    assert listed(values[:6].astype(np.float32)) == got[:6]
    assert all(v is None or type(v) is float for v in got)
    assert json.loads(json.dumps(got, allow_nan=False)) == got  # JSON as it is
    assert listed(np.arange(3)) == [0.0, 1.0, 2.0] and listed(np.zeros(0)) == []
    assert listed([1.0, float("nan")]) == [1.0, None]
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in listed(values))
