"""What each rack-map overlay shows: the figure, its unit, thresholds and colours.

ISA-101 colouring: a rack that is normal stays on the grey floor; colour appears only
where something is abnormal, in steps from the Okabe-Ito palette (safe for the common
colour-vision deficiencies, never red against green alone). Utilisation is not an
abnormal condition, so its overlay uses grey shades only.
"""

from __future__ import annotations

import html
import math
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor

from console.model import RackTelemetry, SiteTopology
from widgets.text import cell, figure, translated, translated_words
from widgets.view import DATA_ERRORS, SiteClock, format_age

BACKGROUND = QColor("#1e2126")
TEXT = QColor("#d0d4da")
TEXT_DIM = QColor("#8a9099")
FLOOR = QColor("#5a6069")
"""Grey of a normal rack."""
HALL_OUTLINE = QColor("#3b4048")
NO_DATA_FILL = QColor("#2a2e34")
NO_DATA_HATCH = QColor("#9aa0a8")
SELECTION = QColor("#ffffff")
HIGHLIGHT = QColor("#56b4e9")
"""Sky blue outline of the racks of a selected job."""

# Okabe-Ito steps, least to most severe.
ADVISORY = QColor("#f0e442")  # yellow
WARNING = QColor("#e69f00")  # orange
ALARM = QColor("#d55e00")  # vermillion
LOW = QColor("#56b4e9")  # sky blue (low-priority alarm)
GREYS = (QColor("#3e434a"), QColor("#575d66"), QColor("#737a84"), QColor("#9aa1ab"))
LEGEND_FILL = QColor("#23272d")


@dataclass(frozen=True)
class Palette:
    """The map's colours on one medium: the screen's dark floor, or white paper."""

    background: QColor
    text: QColor
    text_dim: QColor
    hall_outline: QColor
    no_data_fill: QColor
    no_data_hatch: QColor
    legend_fill: QColor
    inks: Mapping[str, QColor]
    """An overlay colour's name -> the colour drawn for it here (absent: the same)."""

    def ink(self, colour: QColor) -> QColor:
        """``colour`` as this medium draws it."""
        return self.inks.get(colour.name(), colour)


SCREEN = Palette(BACKGROUND, TEXT, TEXT_DIM, HALL_OUTLINE, NO_DATA_FILL, NO_DATA_HATCH,
                 LEGEND_FILL, {})
PRINT = Palette(
    QColor("#ffffff"), QColor("#111111"), QColor("#555a61"), QColor("#8a9099"),
    QColor("#ffffff"), QColor("#555a61"), QColor("#ffffff"),
    # Paper: a normal rack a light grey (little ink), the utilisation greys lighter to darker,
    # the abnormal steps in the same Okabe-Ito colours as on screen.
    {FLOOR.name(): QColor("#c9cdd3"), GREYS[0].name(): QColor("#e3e5e8"),
     GREYS[1].name(): QColor("#c9cdd3"), GREYS[2].name(): QColor("#9ea4ac"),
     GREYS[3].name(): QColor("#6f7680"), ADVISORY.name(): QColor("#e0d21c")},
)
"""The map on paper (the handover pack's page): white ground, dark text."""


@dataclass(frozen=True)
class Overlay:
    """One way of colouring the racks."""

    name: str
    title: str
    unit: str
    edges: tuple[float, ...]
    """Bucket upper edges (value <= edge falls in the lower bucket)."""
    colours: tuple[QColor, ...]
    labels: tuple[str, ...]
    abnormal_from: int
    """First bucket index that counts as abnormal (len(colours) when none is)."""
    key: str = ""
    """1..6: the digit key that selects the overlay."""

    def values(self, telemetry: RackTelemetry | None, topology: SiteTopology) -> np.ndarray:
        """The figure this overlay colours by, one per rack (NaN = no data)."""
        n = topology.n_racks
        if telemetry is None:
            return np.full(n, np.nan, np.float32)
        try:
            with np.errstate(all="ignore"):  # 1e308 is inf in float32: too high, not an error
                return self._values(telemetry, topology, n)
        except DATA_ERRORS:  # figures of another shape or kind: no data, never a crash
            return np.full(n, np.nan, np.float32)

    def _values(self, telemetry: RackTelemetry, topology: SiteTopology, n: int) -> np.ndarray:
        if self.name in EXTERNAL_OVERLAYS:
            return rack_figure(self.name, topology)
        fields = telemetry.fields
        if self.name == "power":
            kw = fields.get("power_kw")
            if kw is None or len(kw) != n:
                return np.full(n, np.nan, np.float32)
            cap = np.asarray(topology.capacity_kw, np.float64)
            kw = np.asarray(kw, np.float64)
            pct = np.where(cap > 0, kw / cap * 100.0, np.nan)
            return pct.astype(np.float32).reshape(n)
        arr = fields.get(FIELD_OF[self.name])
        if arr is None or len(arr) != n:
            return np.full(n, np.nan, np.float32)
        return np.asarray(arr, np.float32).reshape(n)

    def buckets(self, values: np.ndarray) -> np.ndarray:
        """Bucket index per rack; -1 for no data."""
        values = np.asarray(values)
        # np.digitize(values, edges, right=True) without its checks of the edges (they
        # rise) or nan_to_num's copy: infinities fall in the first and last buckets.
        out = np.searchsorted(np.asarray(self.edges, np.float64), values,
                              side="left").astype(np.int16)
        out[np.isnan(values)] = -1
        return out


FIELD_OF: Mapping[str, str] = {
    "power": "power_kw",
    "inlet": "inlet_c",
    "gpu_temp": "gpu_temp_max_c",
    "gpu_util": "gpu_util_mean",
    "unhealthy": "gpus_unhealthy",
    "alarm": "alarm",
}

OVERLAYS: Mapping[str, Overlay] = {
    o.name: o
    for o in (
        # A loaded rack runs at its design load, 97-99 % of capacity: that is normal, so load
        # within capacity is shown in greys and colour starts above the nameplate.
        Overlay("power", QT_TRANSLATE_NOOP("RackMapOverlay", "Rack power"),
                QT_TRANSLATE_NOOP("RackMapOverlay", "% of rack capacity (kW in tooltip)"),
                (50.0, 90.0, 100.0, 105.0, 110.0),
                (GREYS[0], GREYS[1], GREYS[2], ADVISORY, WARNING, ALARM),
                ("≤ 50 %", "50–90 %", QT_TRANSLATE_NOOP("RackMapOverlay", "90–100 % within capacity"),
                 QT_TRANSLATE_NOOP("RackMapOverlay", "> 100 % over capacity"),
                 "> 105 %", "> 110 %"), 3, "1"),
        Overlay("inlet", QT_TRANSLATE_NOOP("RackMapOverlay", "Inlet temperature"), "°C (ASHRAE)", (27.0, 30.0, 32.0),
                (FLOOR, ADVISORY, WARNING, ALARM),
                (QT_TRANSLATE_NOOP("RackMapOverlay", "≤ 27 recommended"), QT_TRANSLATE_NOOP("RackMapOverlay", "> 27 above recommended"),
                 "> 30", QT_TRANSLATE_NOOP("RackMapOverlay", "> 32 above allowable")),
                1, "2"),
        Overlay("gpu_temp", QT_TRANSLATE_NOOP("RackMapOverlay", "Hottest GPU"), "°C", (80.0, 85.0, 88.0),
                (FLOOR, ADVISORY, WARNING, ALARM),
                ("≤ 80", "> 80", QT_TRANSLATE_NOOP("RackMapOverlay", "> 85 hot"), QT_TRANSLATE_NOOP("RackMapOverlay", "> 88 slowdown")), 1, "3"),
        Overlay("gpu_util", QT_TRANSLATE_NOOP("RackMapOverlay", "Mean GPU utilisation"), "%", (25.0, 50.0, 75.0), GREYS,
                ("≤ 25 %", "25–50 %", "50–75 %", "> 75 %"), 4, "4"),
        Overlay("unhealthy", QT_TRANSLATE_NOOP("RackMapOverlay", "Unhealthy GPUs"), QT_TRANSLATE_NOOP("RackMapOverlay", "GPUs per rack"),
                (0.0, 1.0, 3.0),
                (FLOOR, ADVISORY, WARNING, ALARM),
                (QT_TRANSLATE_NOOP("RackMapOverlay", "none"), "1", "2–3", "≥ 4"), 1, "5"),
        Overlay("alarm", QT_TRANSLATE_NOOP("RackMapOverlay", "Alarm state"), QT_TRANSLATE_NOOP("RackMapOverlay", "highest priority"),
                (0.0, 1.0, 2.0, 3.0),
                (FLOOR, LOW, ADVISORY, WARNING, ALARM),
                (QT_TRANSLATE_NOOP("RackMapOverlay", "normal"), QT_TRANSLATE_NOOP("RackMapOverlay", "low"), QT_TRANSLATE_NOOP("RackMapOverlay", "medium"), QT_TRANSLATE_NOOP("RackMapOverlay", "high"),
                 QT_TRANSLATE_NOOP("RackMapOverlay", "critical")), 1, "6"),
        # Allocated GPUs idle too long (console.energy.idle): waste to act on, in steps.
        Overlay("idle_gpus", QT_TRANSLATE_NOOP("RackMapOverlay", "Idle allocated GPUs"),
                QT_TRANSLATE_NOOP("RackMapOverlay", "GPUs per rack idle past the rule"),
                (0.0, 8.0, 36.0), (FLOOR, ADVISORY, WARNING, ALARM),
                (QT_TRANSLATE_NOOP("RackMapOverlay", "none"), "1–8", "9–36", "> 36"), 1),
    )
}

IDLE_OVERLAY = "idle_gpus"
EXTERNAL_OVERLAYS = frozenset({IDLE_OVERLAY})
"""Overlays whose figure is no rack telemetry field but is computed elsewhere and set per
site layout (:func:`set_rack_figure`; idle GPUs: widgets/idle_gpus.py)."""
_FIGURES: dict[tuple[str, int], tuple[SiteTopology, np.ndarray]] = {}


def set_rack_figure(name: str, topology: SiteTopology, values: np.ndarray) -> None:
    """Set an external overlay's figure, one value per rack of ``topology`` (the layout
    object a window's views share, so two windows keep their own figures)."""
    _FIGURES.pop((name, id(topology)), None)
    _FIGURES[(name, id(topology))] = (topology, np.asarray(values, np.float32).reshape(-1))
    while len(_FIGURES) > 8:  # layouts of windows long closed
        _FIGURES.pop(next(iter(_FIGURES)))


def rack_figure(name: str, topology: SiteTopology) -> np.ndarray:
    """An external overlay's figure for ``topology``'s racks (NaN: not computed yet)."""
    found = _FIGURES.get((name, id(topology)))
    if found is None or found[0] is not topology or len(found[1]) != topology.n_racks:
        return np.full(topology.n_racks, np.nan, np.float32)
    return found[1]

ALARM_WORDS = ("none", "low", "medium", "high", "critical")


def tr_overlay(text: str) -> str:
    """An overlay's word (title, unit, step, alarm word) in the chosen language."""
    return translated("RackMapOverlay", text)


class _TooltipWords(NamedTuple):
    """The tooltip's words (marked for the translation files), read in the chosen language
    together, once per language (:func:`translated_words`): the tooltip is made at every
    move of the mouse."""

    header: str = QT_TRANSLATE_NOOP("RackMapOverlay", "<b>{0}</b> · hall {1} · row {2} · {3}")
    unreadable: str = QT_TRANSLATE_NOOP("RackMapOverlay", "figures of this rack cannot be read")
    age: str = QT_TRANSLATE_NOOP("RackMapOverlay", "figures {0} old (hub time {1})")
    stale: str = QT_TRANSLATE_NOOP("RackMapOverlay", " — STALE")
    no_rack_data: str = QT_TRANSLATE_NOOP("RackMapOverlay", "no data for this rack")
    no_data: str = QT_TRANSLATE_NOOP("RackMapOverlay", "no data")
    power: str = QT_TRANSLATE_NOOP("RackMapOverlay", "Power {0} ({1} of {2})")
    inlet: str = QT_TRANSLATE_NOOP("RackMapOverlay", "Inlet {0} · outlet {1}")
    hottest: str = QT_TRANSLATE_NOOP("RackMapOverlay", "Hottest GPU {0} · mean util {1}")
    unhealthy: str = QT_TRANSLATE_NOOP("RackMapOverlay", "Unhealthy GPUs {0} of {1}")
    alarm: str = QT_TRANSLATE_NOOP("RackMapOverlay", "Alarm: {0}")
    n_a: str = QT_TRANSLATE_NOOP("RackMapOverlay", "n/a")


_TOOLTIP_WORDS = _TooltipWords()

_clock_said: tuple[SiteTopology, float, str] | None = None
"""The hub time of the last tooltip, as said: every rack of a snapshot has the same."""


def _hub_time(topology: SiteTopology, t: float) -> str:
    global _clock_said
    said = _clock_said
    if said is None or said[0] is not topology or said[1] != t:
        site = SiteClock.of(topology)  # the site's wall time, wherever the console runs
        said = _clock_said = (topology, t, _escaped(f"{site.clock(t)} {site.abbrev(t)}"))
    return said[2]


def _escaped(value: object, limit: int = 60) -> str:
    """Hub text as a tooltip's rich text shows it as written: cut, and escaped."""
    text = cell(value, limit)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text)
    return text  # nothing to escape (an id, a model): no five passes for nothing


def rack_tooltip(topology: SiteTopology, telemetry: RackTelemetry | None, i: int,
                 age: float | None, stale: bool) -> str:
    """Rich-text tooltip of rack ``i``: its figures and their age; hub text is escaped and
    cut, so a 100,000-character id never makes a tooltip wider than the screen."""
    rack = topology.racks[i]
    words = translated_words("RackMapOverlay", _TOOLTIP_WORDS)

    e = _escaped
    lines = [words.header.format(e(rack.get('id', '')), e(rack.get('hall', ''), 20),
                             e(rack.get('row', ''), 20), e(rack.get('gpu_model', ''), 40))]
    t = telemetry
    try:
        lines += _figures_of(topology, t, i, words)
    except DATA_ERRORS:
        lines.append(f"<i>{words.unreadable}</i>")
    if t is not None:
        said = words.age.format(format_age(age), _hub_time(topology, t.time))
        if stale:
            said += words.stale
        lines.append(f"<span style='color:#8a9099'>{said}</span>")
    return "<br>".join(lines)


_figures_said: tuple[SiteTopology, RackTelemetry | None, _TooltipWords,
                    dict[int, list[str]]] | None = None
"""Racks' figure lines said for the last snapshot (the pointer moving over one rack asks
for its tooltip again at every move)."""
FIGURES_KEPT = 512


def _figures_of(topology: SiteTopology, t: RackTelemetry | None, i: int,
                words: _TooltipWords) -> list[str]:
    """:func:`_figures`, said once per rack, snapshot and language."""
    global _figures_said
    said = _figures_said
    if said is None or said[0] is not topology or said[1] is not t or said[2] is not words:
        said = _figures_said = (topology, t, words, {})
    kept = said[3]
    lines = kept.get(i)
    if lines is None:
        if len(kept) >= FIGURES_KEPT:
            kept.clear()
        lines = kept[i] = _figures(topology, t, i, words)
    return lines


def _figures(topology: SiteTopology, t: RackTelemetry | None, i: int,
             words: _TooltipWords) -> list[str]:
    """Lines of a rack's figures for its tooltip (raises on figures it cannot read)."""
    if t is None or bool(t.missing[i]):
        return [f"<i>{words.no_rack_data}</i>"]
    nan = math.nan
    no_data = words.no_data
    f = {k: float(v[i]) for k, v in t.fields.items()}
    cap = float(topology.capacity_kw[i])
    kw = f.get("power_kw", nan)
    pct = kw / cap * 100 if cap > 0 and math.isfinite(kw) and math.isfinite(cap) else nan
    alarm = f.get("alarm", nan)
    alarm_said = (tr_overlay(ALARM_WORDS[int(alarm)]) if math.isfinite(alarm) and 0 <= alarm < 5
                  else words.n_a)
    said = (
        figure(kw, '.1f', ' kW', no_data), figure(pct, '.0f', ' %', no_data),
        figure(cap, '.0f', ' kW', no_data),
        figure(f.get('inlet_c', nan), '.1f', ' °C', no_data),
        figure(f.get('outlet_c', nan), '.1f', ' °C', no_data),
        figure(f.get('gpu_temp_max_c', nan), '.0f', ' °C', no_data),
        figure(f.get('gpu_util_mean', nan), '.0f', ' %', no_data),
        figure(f.get('gpus_unhealthy', nan), '.0f', '', no_data), int(topology.gpus[i]),
        figure(f.get('pdu_a_kw', nan), '.1f', ' kW', no_data),
        figure(f.get('pdu_b_kw', nan), '.1f', ' kW', no_data),
        alarm_said,
    )
    joined = _joined_templates(words)
    if joined is not None:
        return [joined.format(*said)]  # one pass over the lines, not one each
    return [template.format(*said[at:at + n]) for template, at, n in _figure_lines(words)]


_PDU: str = "PDU A {0} · PDU B {1}"
_JOINED: dict[_TooltipWords, str | None] = {}


def _figure_lines(words: _TooltipWords) -> list[tuple[str, int, int]]:
    """The figure lines' templates in the language of ``words``, each with where its
    values start among the figures said and how many it takes."""
    lines = [(words.power, 3), (words.inlet, 2), (words.hottest, 2), (words.unhealthy, 2),
             (_PDU, 2), (words.alarm, 1)]
    out, at = [], 0
    for template, n in lines:
        out.append((template, at, n))
        at += n
    return out


def _joined_templates(words: _TooltipWords) -> str | None:
    """The figure lines' templates joined into one (each line's fields renumbered after
    the lines before it), made once per language; None when a template is not plain
    ``{n}`` fields (each line is then formatted alone, as written)."""
    if words not in _JOINED:
        if len(_JOINED) > 16:
            _JOINED.clear()
        try:
            _JOINED[words] = "<br>".join(_renumbered(template, at, n)
                                         for template, at, n in _figure_lines(words))
        except ValueError:
            _JOINED[words] = None
    return _JOINED[words]


def _renumbered(template: str, at: int, n: int) -> str:
    """``template`` with its fields ``{0}``..``{n-1}`` numbered from ``at``; ValueError
    for a template with other fields, a format spec or a conversion."""
    out = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if not name.isdigit() or spec or conversion or int(name) >= n:
            raise ValueError(f"not a plain field: {name!r}")
        out.append(f"{{{int(name) + at}}}")
    return "".join(out)


def hit_index(geometry: np.ndarray, x: float, y: float) -> int:
    """Index of the rack whose (x, y, w, h) rectangle holds the point (metres); -1 if none."""
    if not len(geometry):
        return -1
    g = geometry
    inside = np.flatnonzero((g[:, 0] <= x) & (x < g[:, 0] + g[:, 2])
                            & (g[:, 1] <= y) & (y < g[:, 1] + g[:, 3]))
    return int(inside[0]) if len(inside) else -1


HIT_SPAN_CELLS = 16
"""A rack overlapping more grid cells than this (only a broken plan places one so) is not
listed in the cells: :class:`HitGrid` tests it on every hit instead."""


class HitGrid:
    """:func:`hit_index` for a fixed site plan without testing every rack on each hit.

    The floor is cut into a grid of about one rack per cell; each cell lists, lowest first,
    the racks whose rectangle overlaps it, so the mouse (every move is a hit test) looks at
    the few racks of one cell. The answer is :func:`hit_index`'s: the lowest index that holds
    the point.
    """

    def __init__(self, geometry: np.ndarray) -> None:
        g = np.asarray(geometry, np.float64).reshape(-1, 4)
        self._rows: list[tuple[float, float, float, float]] = [
            (x, x + w, y, y + h) for x, y, w, h in g.tolist()]
        self._cells: dict[int, tuple[int, ...]] = {}
        self._n = 0
        self._box = (0.0, 0.0, 0.0, 0.0, 1.0, 1.0)  # x0, y0, x1, y1, cell width, cell height
        with np.errstate(invalid="ignore", over="ignore"):
            live = (g[:, 2] > 0) & (g[:, 3] > 0)  # NaN fails: no point is inside
            finite = np.isfinite(g).all(axis=1) & np.isfinite(g[:, :2] + g[:, 2:]).all(axis=1)
        grid = np.flatnonzero(live & finite)
        big = np.flatnonzero(live & ~finite)
        if len(grid):
            x0, y0 = g[grid, 0], g[grid, 1]
            x1, y1 = x0 + g[grid, 2], y0 + g[grid, 3]
            gx, gy, gx1, gy1 = float(x0.min()), float(y0.min()), float(x1.max()), float(y1.max())
            n = max(1, math.isqrt(len(grid)))
            cw, ch = max((gx1 - gx) / n, 1e-9), max((gy1 - gy) / n, 1e-9)
            # the arithmetic of a hit's, so a point inside a rack falls in one of its cells
            i0, i1, j0, j1 = (np.clip(np.floor((v - o) / d), 0, n - 1).astype(np.int64)
                              for v, o, d in ((x0, gx, cw), (x1, gx, cw), (y0, gy, ch),
                                              (y1, gy, ch)))
            wide = (i1 - i0 + 1) * (j1 - j0 + 1) > HIT_SPAN_CELLS
            big = np.union1d(big, grid[wide])
            keys, racks = [], []
            narrow = ~wide
            di_max = int((i1 - i0)[narrow].max()) + 1 if narrow.any() else 0
            dj_max = int((j1 - j0)[narrow].max()) + 1 if narrow.any() else 0
            for di in range(di_max):
                for dj in range(dj_max):
                    at = narrow & (i0 + di <= i1) & (j0 + dj <= j1)
                    if at.any():
                        keys.append((i0[at] + di) * n + j0[at] + dj)
                        racks.append(grid[at])
            if keys:
                key, rack = np.concatenate(keys), np.concatenate(racks)
                order = np.lexsort((rack, key))
                key, rack = key[order], rack[order]
                starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
                ends = np.r_[starts[1:], len(key)]
                listed = rack.tolist()
                self._cells = {int(key[a]): tuple(listed[a:b])
                               for a, b in zip(starts.tolist(), ends.tolist(), strict=True)}
            self._n = n
            self._box = (gx, gy, gx1, gy1, cw, ch)
        self._big_ids = big
        self._big = g[big]

    def hit(self, x: float, y: float) -> int:
        """Index of the rack whose rectangle holds (x, y) in metres; -1 if none."""
        found = -1
        gx, gy, gx1, gy1, cw, ch = self._box
        n = self._n
        if n and gx <= x < gx1 and gy <= y < gy1:  # NaN fails
            i = min(n - 1, math.floor((x - gx) / cw))
            j = min(n - 1, math.floor((y - gy) / ch))
            for k in self._cells.get(i * n + j, ()):
                x0, x1, y0, y1 = self._rows[k]
                if x0 <= x < x1 and y0 <= y < y1:
                    found = k
                    break
        if len(self._big_ids):
            with np.errstate(invalid="ignore"):
                inside = hit_index(self._big, x, y)
            if inside >= 0:
                k = int(self._big_ids[inside])
                found = k if found < 0 else min(found, k)
        return found


def nearest_in_direction(centres: np.ndarray, i: int, dx: float, dy: float) -> int:
    """The rack nearest rack ``i`` in direction (dx, dy), within a 56° cone; -1 if none.

    Distance along the direction counts once and sideways distance three times, so the
    arrow keys walk along a row and step to the facing row rather than jumping diagonally.
    """
    d = centres - centres[i]
    along = d[:, 0] * dx + d[:, 1] * dy
    across = np.abs(d[:, 0] * dy - d[:, 1] * dx)
    ok = (along > 1e-6) & (across <= along * 1.5 + 0.5)
    if not ok.any():
        return -1
    return int(np.argmin(np.where(ok, along + 3.0 * across, np.inf)))
