"""The forecasts the console was given, as made: one row a field a point of each issue.

``forecast_issues`` holds one row per forecast kept (its issue time, who made it, its step,
when it reached the console); ``forecasts`` its points (issue time, field, time, P10, P50,
P90; NULL where not known). A forecast is kept once: polled again within the hour, the
same issue is not written twice. Review at T reads the latest forecast issued at or before
T (:func:`read_at`), decoded again as the live console decoded it, so bands out of order
are flagged again and a forecast issued long before T is flagged late as of T. Files from
before schema 11 have no such tables: they read as holding no forecast.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator, Sequence

from console.contract import FORECAST_FIELDS, FORECAST_QUANTILES
from console.decode import DataError
from console.forecast import ForecastSnapshot, decode_forecast

TABLE = "forecasts"
ISSUES = "forecast_issues"


def create(conn: sqlite3.Connection) -> None:
    """The forecasts' tables (schema 10 -> 11)."""
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {ISSUES} (
            issued REAL PRIMARY KEY,
            source TEXT NOT NULL DEFAULT '',
            step REAL NOT NULL,
            received REAL
        ) WITHOUT ROWID"""
    )
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            issued REAL NOT NULL,
            field TEXT NOT NULL,
            t REAL NOT NULL,
            p10 REAL,
            p50 REAL,
            p90 REAL,
            PRIMARY KEY (issued, field, t)
        ) WITHOUT ROWID"""
    )


def has_table(conn: sqlite3.Connection) -> bool:
    """Whether the file keeps forecasts (schema 11 and later)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone() is not None


def _value(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _rows(snap: ForecastSnapshot) -> Iterator[tuple[float, str, float, float | None,
                                                     float | None, float | None]]:
    t = snap.t.tolist()
    for name, band in snap.bands.items():
        for ti, a, b, c in zip(t, band.p10.tolist(), band.p50.tolist(), band.p90.tolist(),
                               strict=True):
            yield snap.issued, name, ti, _value(a), _value(b), _value(c)


def write(conn: sqlite3.Connection, snap: ForecastSnapshot) -> bool:
    """Keep ``snap`` unless its issue is kept already; True when written. Runs inside the
    caller's transaction."""
    if not len(snap.t) or conn.execute(f"SELECT 1 FROM {ISSUES} WHERE issued = ?",
                                       (snap.issued,)).fetchone() is not None:
        return False
    conn.execute(f"INSERT INTO {ISSUES} (issued, source, step, received) VALUES (?, ?, ?, ?)",
                 (snap.issued, snap.source, snap.step, snap.received))
    conn.executemany(f"INSERT OR REPLACE INTO {TABLE} (issued, field, t, p10, p50, p90) "
                     "VALUES (?, ?, ?, ?, ?, ?)", _rows(snap))
    return True


def issues_between(conn: sqlite3.Connection, start: float, end: float) -> list[float]:
    """Issue times kept from ``start`` to ``end`` (inclusive), oldest first."""
    if not has_table(conn):
        return []
    return [r[0] for r in conn.execute(
        f"SELECT issued FROM {ISSUES} WHERE issued BETWEEN ? AND ? ORDER BY issued",
        (start, end))]


def read_at(conn: sqlite3.Connection, at: float) -> ForecastSnapshot | None:
    """The latest forecast issued at or before ``at``, as the console had it then (flags
    as of ``at``); None when none is kept (or the file is older than the forecasts)."""
    if not has_table(conn):
        return None
    row = conn.execute(f"SELECT issued, source, step, received FROM {ISSUES} WHERE issued <= ? "
                       "ORDER BY issued DESC LIMIT 1", (at,)).fetchone()
    if row is None:
        return None
    issued, source, step, received = row
    points = conn.execute(f"SELECT field, t, p10, p50, p90 FROM {TABLE} WHERE issued = ? "
                          "ORDER BY field, t", (issued,)).fetchall()
    if not points:
        return None
    times = sorted({p[1] for p in points})
    index = {t: i for i, t in enumerate(times)}
    series: dict[str, dict[str, list[float | None]]] = {}
    for name, t, *values in points:
        if name not in FORECAST_FIELDS:
            continue
        band = series.setdefault(name, {q: [None] * len(times) for q in FORECAST_QUANTILES})
        for q, v in zip(FORECAST_QUANTILES, values, strict=True):
            band[q][index[t]] = v
    payload = {"issued": issued, "step": step, "t": times, "source": source, "series": series}
    try:
        return decode_forecast(payload, now=at, received=received if received else issued)
    except DataError:  # a row written by something else: not shown as a forecast
        return None


def _kept_issues(conn: sqlite3.Connection, windows: Sequence[tuple[float, float]]) -> list[float]:
    """The issues review needs in the protected ``windows``: each issued inside one, and the
    latest issued before its start (what was forecast when it began)."""
    kept: list[float] = []
    for start, end in windows:
        kept += [float(r[0]) for r in conn.execute(
            f"SELECT issued FROM {ISSUES} WHERE issued >= ? AND issued <= ?", (start, end))]
        row = conn.execute(f"SELECT max(issued) FROM {ISSUES} WHERE issued < ?",
                           (start,)).fetchone()
        if row is not None and row[0] is not None:
            kept.append(float(row[0]))
    return sorted(set(kept))


def delete_before(conn: sqlite3.Connection, before: float,
                  windows: Sequence[tuple[float, float]] = ()) -> int:
    """Forget forecasts issued before ``before`` (retention: as long as site power at full
    resolution, a week by default; the size cap: the oldest first), but those review needs
    in the protected ``windows`` (incidents, marked spans); how many rows went."""
    if not has_table(conn):
        return 0
    kept = _kept_issues(conn, windows)
    marks = ",".join("?" * len(kept))
    keep = f" AND issued NOT IN ({marks})" if kept else ""
    gone = conn.execute(f"DELETE FROM {ISSUES} WHERE issued < ?{keep}", (before, *kept)).rowcount
    return gone + conn.execute(f"DELETE FROM {TABLE} WHERE issued < ?{keep}",
                               (before, *kept)).rowcount


def oldest_quarter(conn: sqlite3.Connection) -> float | None:
    """An issue time before which about a quarter of the forecasts kept lie (the size cap
    drops them first); None when none is kept."""
    if not has_table(conn):
        return None
    n = conn.execute(f"SELECT count(*) FROM {ISSUES}").fetchone()[0]
    if not n:
        return None
    row = conn.execute(f"SELECT issued FROM {ISSUES} ORDER BY issued LIMIT 1 OFFSET ?",
                       (max(n // 4, 1),)).fetchone()
    if row is None:  # one or two issues: all of them
        row = conn.execute(f"SELECT max(issued) + 1 FROM {ISSUES}").fetchone()
    return float(row[0])
