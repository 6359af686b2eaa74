"""console.text: the fast paths (plain ASCII text) read exactly as the full cleaning does."""

from __future__ import annotations

import random

from console.text import (
    BIDI_CONTROLS,
    ELLIPSIS,
    FSI,
    PDI,
    TEXT_CHARS,
    cell,
    clip,
    isolate,
    plain,
    row_cells,
    strip_bidi,
)

RLO = "\u202e"


def _reference_cell(value: object, limit: int = TEXT_CHARS) -> str:
    """A cell as the cleaning reads without any fast path: bidi controls dropped, then cut."""
    s = plain(value).translate(BIDI_CONTROLS)
    if len(s) <= limit:
        return s
    return s[: limit - 1] + ELLIPSIS if limit > 1 else ELLIPSIS[:limit]


class _Name(str):
    """A str subclass (what a decoder might hand on)."""


class _Broken:
    def __str__(self) -> str:
        raise RuntimeError("no text")


def _samples() -> list[object]:
    rng = random.Random(7)
    alphabet = ["a", "Z", "0", "-", " ", "<", "&", "\n", "\x00", "é", "ש", RLO, "\u2066",
                "\u2069", "\u200f", "\u061c", "°"]
    out: list[object] = [None, "", "A-01-03", "x" * TEXT_CHARS, "x" * (TEXT_CHARS + 1),
                         "GPU-" + "a" * 5000, f"evil{RLO}", RLO, "°C", 7, -7, 10**15 - 1,
                         -(10**15) + 1, 10**15, 2**70, 10**5000, 7.5, True, [1, "a"],
                         {"a": RLO}, _Name("A-07-04"), _Name(f"{RLO}x"), _Broken()]
    for _ in range(400):
        n = rng.choice([0, 1, 5, 40, TEXT_CHARS - 1, TEXT_CHARS, TEXT_CHARS + 1, 900])
        out.append("".join(rng.choice(alphabet) for _ in range(n)))
    return out


def test_cell_is_the_full_cleaning_for_any_value() -> None:
    for value in _samples():
        for limit in (1, 2, 16, 17, 20, TEXT_CHARS):
            assert cell(value, limit) == _reference_cell(value, limit), (value, limit)
    for limit in (1, 17, TEXT_CHARS):
        assert row_cells(_samples(), limit) == [_reference_cell(v, limit) for v in _samples()]


def test_plain_ascii_cells_come_back_as_given() -> None:
    rack = "A-01-03"
    assert cell(rack) is rack and strip_bidi(rack) is rack and clip(rack) is rack
    assert cell("x" * 400, 20) == "x" * 19 + ELLIPSIS  # ASCII still cut at its limit


def test_bidi_controls_are_dropped_and_isolated_whatever_the_text() -> None:
    assert strip_bidi(f"ab{RLO}c\u2069d") == "abcd"
    assert cell(f"{RLO}evil") == "evil" and cell(_Name(f"{RLO}x")) == "x"
    assert isolate(f"{RLO}evil") == f"{FSI}evil{PDI}" and isolate("A-01") == f"{FSI}A-01{PDI}"
    assert isolate("x" * 400, 10) == f"{FSI}{'x' * 9}{ELLIPSIS}{PDI}"
    assert isolate("") == "" and isolate(None) == ""
    for value in _samples():
        s = isolate(value, 50)
        inner = s[1:-1]
        assert s == "" or (s[0] == FSI and s[-1] == PDI)
        assert inner == _reference_cell(value, 50)
