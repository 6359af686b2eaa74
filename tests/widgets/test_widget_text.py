"""widgets.text: figures and plain tooltips read exactly as before their fast paths."""

from __future__ import annotations

import html
import math
import random
import textwrap

import numpy as np
from PySide6.QtGui import QTextDocument

from widgets.text import (
    HUGE,
    TIP_CHARS,
    TIP_LINE_CHARS,
    clip,
    figure,
    plain_tooltip,
)


def _reference_figure(value: object, spec: str = ",.1f", unit: str = "", none: str = "n/a") -> str:
    if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating):
        return none
    try:
        v = float(value)
    except OverflowError:
        return none
    if not math.isfinite(v):
        return none
    if abs(v) >= HUGE:
        return f"{v:.3g}{unit}"
    try:
        return f"{v if isinstance(value, np.floating) else value:{spec}}{unit}"
    except ValueError:
        return f"{int(v):{spec}}{unit}" if v.is_integer() else f"{v:g}{unit}"


def _reference_tooltip(text: object) -> str:
    s = clip(text, TIP_CHARS)
    if not s:
        return ""

    def wrap(line: str) -> list[str]:
        if len(line) <= TIP_LINE_CHARS:
            return [line]
        return textwrap.wrap(line, TIP_LINE_CHARS, break_long_words=True,
                             break_on_hyphens=False, replace_whitespace=False,
                             drop_whitespace=False) or [line]

    lines = [part for line in s.split("\n") for part in wrap(line)]
    return ("<p style='white-space:pre-wrap'>" + html.escape("\n".join(lines), quote=False)
            + "</p>")


def test_figure_reads_as_the_full_checks_for_any_number() -> None:
    values: list[object] = [0.0, -0.0, 1.5, -2.25, 92.4, 1e14, HUGE, -HUGE, HUGE * 0.999,
                            1e308, -1e308, math.nan, math.inf, -math.inf, 3, -7, 2**70,
                            10**400, True, np.float32(2.5), np.float64(1e16), np.int64(5),
                            "7", None, [1.0]]
    for value in values:
        for spec in (",.1f", ".0f", ".1f", "d", ",d", "x", ".3g", "%"):
            for unit in ("", " kW"):
                assert figure(value, spec, unit) == _reference_figure(value, spec, unit), (
                    value, spec)
    assert figure(math.nan, ".1f", " kW", none="no data") == "no data"
    assert figure(92.4, ".1f", " kW") == "92.4 kW" and figure(3.0, "d") == "3"


def test_plain_tooltip_reads_as_before_and_never_as_rich_text() -> None:
    rng = random.Random(11)
    alphabet = ["a", " ", "<", ">", "&", "\n", "-", "é", "\u202e", "'", '"']
    samples: list[object] = ["", None, "A-01-03", "<img src=x>", "x" * TIP_LINE_CHARS,
                             "x" * (TIP_LINE_CHARS + 1), "<b>" * 2000, 42, ["<i>"]]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.choice([1, 30, 99, 100, 101,
                                                                        250, 1500])))
                for _ in range(300)]
    for text in samples:
        assert plain_tooltip(text) == _reference_tooltip(text), text
    tip = plain_tooltip("<img src=file:///etc/hosts>")
    doc = QTextDocument()
    doc.setHtml(tip)
    assert doc.toPlainText() == "<img src=file:///etc/hosts>" and "<img" not in tip
