"""Shift-log entries: the check of a new entry, plain text, the decoder, CSV without formulas."""

from __future__ import annotations

import csv
import io

import pytest

from console.decode import DataError
from console.shiftlog.csvtext import COLUMNS, entries_csv, safe_cell
from console.shiftlog.decode import decode_entry, decode_log
from console.shiftlog.model import (
    CATEGORIES,
    MAX_AUTHOR,
    MAX_LINKS,
    MAX_TEXT,
    LogEntry,
    LogError,
    LogSnapshot,
    already_cleared,
    validate_new,
    validate_uid,
)

T0 = 1_790_000_000.0
RACKS = {"A-01-01", "A-01-02"}


def test_a_good_entry_is_cleaned_and_kept_plain() -> None:
    entry = validate_new("  Chiller 2\r\ntripped\x07 at <b>06:10</b>\u202e\t ok  ", "Safety",
                         [("rack", "A-01-01"), {"kind": "job", "ref": 48213},
                          ("rack", "A-01-01")], " Ann  Lee ", open=True, racks=RACKS)
    assert entry.text == "Chiller 2\ntripped at <b>06:10</b>\t ok"  # markup kept as text
    assert entry.category == "safety" and entry.author == "Ann Lee" and entry.open
    assert entry.links == (("rack", "A-01-01"), ("job", "48213"))  # the repeat dropped
    body = entry.to_body("u")
    assert body["links"] == [{"kind": "rack", "ref": "A-01-01"}, {"kind": "job", "ref": "48213"}]


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"text": "x" * (MAX_TEXT + 1)}, f"{MAX_TEXT + 1} characters long; at most {MAX_TEXT}"),
        ({"text": " \x00\x07\r\n\t "}, "entry text is empty"),
        ({"text": 42}, "entry text must be text"),
        ({"category": "gossip"}, "unknown category 'gossip'; choose operations, maintenance, "
                                 "safety or customer"),
        ({"category": None}, "unknown category None"),
        ({"links": [("ticket", "T-1")]}, "unknown link kind 'ticket'; choose rack, alarm, "
                                         "incident or job"),
        ({"links": [("rack", "Z-99-99")]}, "no rack 'Z-99-99' in the site topology"),
        ({"links": [("rack", "")]}, "rack link is empty"),
        ({"links": "A-01-01"}, "links must be a list of {kind, ref}"),
        ({"links": [("job", str(i)) for i in range(MAX_LINKS + 1)]}, f"at most {MAX_LINKS}"),
        ({"author": ""}, "author is empty"),
        ({"author": "x" * (MAX_AUTHOR + 1)}, f"at most {MAX_AUTHOR}"),
        ({"open": "yes"}, "open must be true or false"),
    ],
)
def test_bad_entries_are_refused_with_a_clear_message(kwargs: dict, needle: str) -> None:
    args = {"text": "ok", "category": "operations", "links": (), "author": "ann",
            "racks": RACKS} | kwargs
    with pytest.raises(LogError) as exc:
        validate_new(**args)
    assert needle in str(exc.value)
    assert "\n" not in str(exc.value)


def test_text_at_the_limit_after_cleaning_is_taken() -> None:
    assert len(validate_new("x" * MAX_TEXT + "\x07" * 10, "customer", author="a").text) == MAX_TEXT


def test_rack_links_are_not_checked_without_a_topology() -> None:
    assert validate_new("x", "operations", [("rack", "Z-99-99")], "a").links == (
        ("rack", "Z-99-99"),)


def test_uids_are_uuids() -> None:
    assert validate_uid("1B4E28BA-2FA1-4D3B-A3F5-EF19B5A7633B") == (
        "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b")
    for bad in ("", "not-a-uuid", 7, "x" * 100):
        with pytest.raises(LogError):
            validate_uid(bad)


def test_an_entry_as_it_stood_at_a_time() -> None:
    entry = LogEntry(3, "u", T0, "ann", "safety", "x", open=True, cleared_by="bob",
                     cleared_at=T0 + 60, rev=2)
    assert entry.as_of(T0 - 1) is None
    assert entry.as_of(T0 + 30) == LogEntry(3, "u", T0, "ann", "safety", "x", open=True, rev=2)
    assert entry.as_of(T0 + 60) is entry
    assert entry.open_at(T0 + 59) and not entry.open_at(T0 + 60) and not entry.open_at(T0 - 1)
    assert not entry.is_open and entry.cleared


def test_the_second_clear_names_who_cleared_and_when() -> None:
    message = str(already_cleared(12, "Ann", 1_790_000_000.0))  # 2026-09-21 14:13:20 UTC
    assert message.startswith("entry 12 already cleared by Ann at ")
    assert message.endswith("2026-09-21 14:13 UTC")  # not today: with its date


# -- the decoder --------------------------------------------------------------------------------
def _wire(**over: object) -> dict:
    entry = LogEntry(1, "0f3c", T0, "ann", "safety", "x", (("rack", "A"),), True, rev=4)
    return entry.to_dict() | over


def test_the_decoder_reads_what_the_hub_writes() -> None:
    entry = LogEntry(1, "0f3c", T0, "ann", "safety", "two\nlines", (("rack", "A"),), True,
                     "bob", T0 + 5, rev=4)
    assert decode_entry(entry.to_dict()) == entry
    snap = decode_log({"time": T0 + 9, "rev": 4, "entries": [entry.to_dict()]}, received=T0)
    assert isinstance(snap, LogSnapshot) and snap.kind == "log"
    assert snap.entries == (entry,) and snap.rev == 4 and not snap.more and snap.received == T0


def test_the_decoder_cleans_hub_text() -> None:
    entry = decode_entry(_wire(text="a\x00b\x1b[31m\u202ec\r\n" + "y" * 5000,
                               author="x\nEve\x07", links=[{"kind": "rack", "ref": "A\tB"},
                                                           {"kind": "bogus", "ref": "C"}, 7]))
    assert entry.text.startswith("ab[31mc\ny") and len(entry.text) == MAX_TEXT
    assert entry.text.endswith("…") and entry.author == "x Eve"
    assert entry.links == (("rack", "A B"),)


@pytest.mark.parametrize(
    "over, needle",
    [
        ({"id": 0}, "entry id 0"),
        ({"id": 2**53}, "entry id"),
        ({"id": True}, "entry id"),
        ({"rev": -1}, "entry rev"),
        ({"time": float("nan")}, "entry time"),
        ({"time": 1e12}, "entry time"),
        ({"cleared_at": "soon"}, "cleared_at"),
        ({"text": None}, "text must be text"),
        ({"uid": ""}, "uid"),
    ],
)
def test_the_decoder_refuses_values_that_cannot_be_right(over: dict, needle: str) -> None:
    with pytest.raises(DataError) as exc:
        decode_log({"time": T0, "rev": 9, "entries": [_wire(**over)]})
    assert needle in str(exc.value)


def test_an_entry_newer_than_its_answer_is_refused() -> None:
    with pytest.raises(DataError, match="newer than the answer's rev 3"):
        decode_log({"time": T0, "rev": 3, "entries": [_wire(rev=4)]})
    for bad in ([], {"time": T0, "rev": 1}, {"time": T0, "rev": 1, "entries": {}}):
        with pytest.raises(DataError):
            decode_log(bad)


# -- CSV ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx",
                                  "=HYPERLINK(\"http://x\")"])
def test_csv_cells_never_start_a_formula(text: str) -> None:
    assert safe_cell(text) == "'" + text
    entry = LogEntry(1, "u", T0, "=ann", "safety", text, (("rack", "-A"),), rev=1)
    rows = list(csv.reader(io.StringIO(entries_csv([entry]))))
    assert rows[0] == list(COLUMNS)
    cells = dict(zip(COLUMNS, rows[1], strict=True))
    assert cells["text"] == "'" + text and cells["author"] == "'=ann"
    assert cells["links"] == "rack:-A" and cells["open"] == "no"
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in rows[1])


def test_csv_keeps_plain_text_as_it_is() -> None:
    entry = LogEntry(7, "u", T0, "ann", "customer", "a, \"b\"\nc <i>d</i> 1-2", rev=1,
                     open=True, cleared_by="bob", cleared_at=T0 + 3600)
    rows = list(csv.reader(io.StringIO(entries_csv([entry]))))
    cells = dict(zip(COLUMNS, rows[1], strict=True))
    assert cells["text"] == "a, \"b\"\nc <i>d</i> 1-2" and cells["id"] == "7"
    assert cells["time_utc"] == "2026-09-21T14:13:20Z" and cells["open"] == "yes"
    assert cells["cleared_by"] == "bob" and cells["cleared_at_utc"] == "2026-09-21T15:13:20Z"
    assert set(CATEGORIES) >= {cells["category"]}


def test_csv_cells_carry_no_bidirectional_controls() -> None:
    """A hub's copy could hold them (entries written through the hub are cleaned): a cell
    shows its text as written, and an override cannot hide a formula behind it."""
    assert safe_cell("job \u202eevil\u202c name") == "job evil name"
    assert safe_cell("\u2067=HYPERLINK(1)\u2069") == "'=HYPERLINK(1)"
    assert safe_cell("تينانت \u200f") == "تينانت "
    assert safe_cell(3) == 3 and safe_cell(None) is None
