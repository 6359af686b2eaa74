"""Validate hub API JSON and decode it into snapshots.

Every decoder raises :class:`DataError` with a message an operator can act on
when the payload has the wrong shape, and no other error whatever the payload holds.
Individual absurd values (NaN, negative power, 900 °C) do not reject the whole
payload: they become NaN and are counted, so the view shows "no data" for that rack
instead of a lie. What a snapshot holds keeps to the limit tables of
:mod:`console.model`: text is a bounded ``str`` (:mod:`console.clean`), numbers are
inside their range or NaN / None, words of an enumeration one of its words or unknown.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import deque
from collections.abc import Mapping, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

import numpy as np

from console.clean import (
    ID_CHARS,
    MESSAGE_CHARS,
    clean_records,
    first_bad,
    number,
    numbers_clean,
    text,
    texts_clean,
    whole,
    wholes_clean,
)
from console.contract import (
    GPU_STATUSES,
    JOB_OPTIONAL_FIELDS,
    JOB_STATES,
    MAX_EVENT_ID,
    MAX_INSTANCE_CHARS,
    POWER_FIELDS,
    RACK_FIELDS,
)
from console.fields import (
    EVENT_RECORD,
    GPU_RECORD,
    HALL_RECORD,
    JOB_RECORD,
    NODE_RECORD,
    PDU_RECORD,
    RACK_RECORD,
    ROW_RECORD,
    SITE_RACK_RECORD,
)
from console.model import (
    EPOCH_LIMITS,
    GPU_COUNT_LIMITS,
    GPU_STATUS_UNKNOWN,
    JOB_LIMITS,
    JOB_STATE_UNKNOWN,
    LAYOUT_LIMITS,
    POWER_LIMITS,
    POWER_SERIES_LIMITS,
    RACK_LIMITS,
    SITE_LIMITS,
    EventBatch,
    JobsSnapshot,
    PowerSeries,
    RackDetailSnapshot,
    RackTelemetry,
    SiteTopology,
    UnhealthyGpus,
    _frozen_map,
    frozen,
)


def _arrival(received: float | None) -> float:
    return time.time() if received is None else received


class DataError(ValueError):
    """A payload that cannot be trusted; the message says what is wrong with it."""


class JsonError(DataError, json.JSONDecodeError):
    """JSON text that does not parse: :class:`DataError` with the message and position
    :func:`json.loads` gives."""


def _shown(value: Any) -> str:
    """``value`` for a message: short, one line, whatever it is."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"{'-' if value < 0 else ''}an integer of {value.bit_length()} bits"
    if isinstance(value, str | int | float | bool) or value is None:
        shown = repr(value)
    else:
        shown = f"a {type(value).__name__}"
    return shown if len(shown) <= 40 else shown[:39] + "…"


# -- JSON text ------------------------------------------------------------------------------
PIECEWISE_BYTES = 262_144
"""Payloads at least this long are parsed piece by piece (see :func:`loads_json`)."""


class _AlwaysMatches(Protocol):
    """A pattern that matches the empty string: ``match`` never gives None."""

    def match(self, string: str, pos: int = ...) -> re.Match[str]: ...


_WS = cast(_AlwaysMatches, re.compile(r"[ \t\n\r]*"))
_WS_CHARS = frozenset(" \t\n\r")
# typeshed's json names no scanner submodule, and its json.decoder no scanstring (both are
# there: the C ones, else the Python ones)
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]
_SCANSTRING = json.decoder.scanstring  # type: ignore[attr-defined]


def loads_json(data: str | bytes | bytearray, piecewise_from: int = PIECEWISE_BYTES) -> Any:
    """Parse JSON text like :func:`json.loads`, big documents in small pieces; any text
    that does not parse raises :class:`DataError` (syntax errors as :class:`JsonError`,
    also a ``json.JSONDecodeError`` with json.loads's message and position; text nested
    too deeply, integers too long to read, text in no JSON encoding).

    ``json.loads`` parses a document in one C call that holds the interpreter lock
    throughout: 20-30 ms for the full-site job queue (2.4 MB), during which the GUI
    thread cannot run. Here the outer two levels of a big document (the top object and
    its arrays or objects of containers) are walked in Python and every element below
    them (one job, one rack column) is parsed by the same C scanner, so the lock can
    change hands between elements. The result is that of ``json.loads``.
    """
    if not isinstance(data, str | bytes | bytearray):
        raise DataError(f"JSON: expected text, got {type(data).__name__}")
    try:
        return _loads_json(data, piecewise_from)
    except json.JSONDecodeError as exc:
        raise JsonError(exc.msg, exc.doc, exc.pos) from None
    except RecursionError:
        raise DataError("JSON: nested too deeply to read") from None
    except ValueError as exc:  # not UTF-8/16/32; an integer of more than 4,300 digits
        raise DataError(f"JSON: {' '.join(str(exc).split())[:200]}") from None


def _loads_json(data: str | bytes | bytearray, piecewise_from: int) -> Any:
    if len(data) < piecewise_from:
        try:
            return _loads_strict(data)
        except (ValueError, RecursionError):  # msgspec's errors are ValueErrors
            pass  # not strict UTF-8 JSON (NaN, 1e999, a BOM, UTF-16 ...): as json.loads reads it
    elif len(data) <= STRICT_PIECES_MAX_BYTES:
        try:
            return _strict_pieces(data)
        except (ValueError, RecursionError):
            pass  # not strict UTF-8 JSON: walked below, as json.loads reads it
    if isinstance(data, bytes | bytearray):
        data = data.decode(json.detect_encoding(data))
    if len(data) < piecewise_from or data.startswith("\ufeff"):
        return json.loads(data)
    idx = _WS.match(data, 0).end()
    value, end = _piece(data, idx, 0)
    end = _WS.match(data, end).end()
    if end != len(data):
        raise json.JSONDecodeError("Extra data", data, end)
    return value


def _loads_strict(data: str | bytes | bytearray) -> Any:
    """Strict UTF-8 JSON parsed by msgspec (five to eight times json.loads' speed, the
    same values); ValueError (or RecursionError) for anything else: NaN, numbers out of
    range, a BOM, another encoding, which json.loads reads as ever."""
    global _MSGSPEC_DECODE
    if _MSGSPEC_DECODE is None:
        import msgspec.json  # imported at the first answer, not at start-up

        _MSGSPEC_DECODE = msgspec.json.decode
    return _MSGSPEC_DECODE(data)


_MSGSPEC_DECODE: Any = None

STRICT_PIECES_MAX_BYTES = 4_194_304
"""A big payload up to this size is cut into pieces and each piece parsed by msgspec
(:func:`_strict_pieces`); finding the pieces is one C pass over the text (about 1 ms a
MB), so a bigger one (the job queue of a site four times the full one, 10 MB, read whole
once) is walked by :func:`_piece` instead, whose passes are one element long."""
_WS_BYTES = cast(_AlwaysMatches, re.compile(rb"[ \t\n\r]*"))
_RAW_PARTS: tuple[Any, Any] | None = None


def _strict_pieces(data: str | bytes | bytearray) -> Any:
    """What :func:`_piece` gives, for strict UTF-8 JSON, at msgspec's speed: the outer two
    levels are cut into their elements' text (msgspec's ``Raw``) and every element below
    them (one job, one rack column) parsed by one msgspec call, so the interpreter lock
    can change hands between elements (a column of the rack document of a site four times
    the full one: ~1 ms; the whole document through json's scanner: ~35 ms in 10 calls).
    ValueError (or RecursionError) for text msgspec does not read strictly."""
    global _RAW_PARTS
    if _RAW_PARTS is None:
        import msgspec

        _RAW_PARTS = (msgspec.json.Decoder(dict[str, msgspec.Raw]),
                      msgspec.json.Decoder(list[msgspec.Raw]))
    if isinstance(data, str):
        data = data.encode()  # UnicodeEncodeError (a ValueError) for a lone surrogate
    _loads_strict(b"0")  # msgspec.json.decode imported
    return _strict_piece(data, 0, *_RAW_PARTS)


def _strict_piece(raw: Any, depth: int, objects: Any, arrays: Any) -> Any:
    if depth < 2:
        view = memoryview(raw)
        at = _WS_BYTES.match(view, 0).end()  # type: ignore[arg-type]
        head = view[at : at + 1].tobytes()
        if head == b"{":
            return {key: _strict_piece(value, depth + 1, objects, arrays)
                    for key, value in objects.decode(raw).items()}
        if head == b"[":
            at = _WS_BYTES.match(view, at + 1).end()  # type: ignore[arg-type]
            if view[at : at + 1].tobytes() in (b"{", b"["):  # an array of containers
                if depth == 0:
                    return [_strict_piece(item, 1, objects, arrays) for item in arrays.decode(raw)]
                decode = _MSGSPEC_DECODE
                return [decode(item) for item in arrays.decode(raw)]
    return _MSGSPEC_DECODE(raw)


def _piece(s: str, idx: int, depth: int) -> tuple[Any, int]:
    """Parse the value at ``idx``; containers of the outer levels element by element."""
    opener = s[idx : idx + 1]
    if depth < 2 and opener in ("{", "["):
        first = _WS.match(s, idx + 1).end()
        if opener == "{":
            return _object(s, first, depth)
        if s[first : first + 1] in ("{", "["):
            return _array(s, first, depth)
    try:
        return _SCAN(s, idx)
    except StopIteration as stop:
        raise json.JSONDecodeError("Expecting value", s, stop.value) from None


def _object(s: str, idx: int, depth: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    if s[idx : idx + 1] == "}":
        return out, idx + 1
    while True:
        if s[idx : idx + 1] != '"':
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", s, idx
            )
        key, idx = _SCANSTRING(s, idx + 1)
        idx = _WS.match(s, idx).end()
        if s[idx : idx + 1] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", s, idx)
        idx = _WS.match(s, idx + 1).end()
        out[key], idx = _piece(s, idx, depth + 1)
        idx = _WS.match(s, idx).end()
        nxt = s[idx : idx + 1]
        if nxt == "}":
            return out, idx + 1
        if nxt != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", s, idx)
        idx = _WS.match(s, idx + 1).end()


def _array(s: str, idx: int, depth: int) -> tuple[list[Any], int]:
    out: list[Any] = []
    append = out.append
    inner = depth + 1 >= 2  # elements parsed whole by the C scanner
    while True:
        if inner:
            try:
                value, idx = _SCAN(s, idx)
            except StopIteration as stop:
                raise json.JSONDecodeError("Expecting value", s, stop.value) from None
        else:
            value, idx = _piece(s, idx, depth + 1)
        append(value)
        nxt = s[idx : idx + 1]
        if nxt in _WS_CHARS:
            idx = _WS.match(s, idx).end()
            nxt = s[idx : idx + 1]
        if nxt == ",":
            idx += 1
            if s[idx : idx + 1] in _WS_CHARS:
                idx = _WS.match(s, idx).end()
        elif nxt == "]":
            return out, idx + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", s, idx)


def _require(payload: Any, kind: str, keys: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        raise DataError(f"{kind}: expected a JSON object, got {type(payload).__name__}")
    missing = [k for k in keys if k not in payload]
    if missing:
        raise DataError(f"{kind}: missing field(s) {', '.join(missing)}")
    return payload


def _time(payload: Mapping[str, Any], kind: str) -> float:
    value = payload.get("time")
    if not (type(value) is int or type(value) is float and math.isfinite(value)):
        raise DataError(f"{kind}: 'time' must be a number of epoch seconds")
    if not EPOCH_LIMITS[0] <= value <= EPOCH_LIMITS[1]:  # 2000 .. 2100
        raise DataError(f"{kind}: timestamp {_shown(value)} is not a plausible date")
    return float(value)


_NUMBER_TYPES = frozenset({int, float})
_NUMBERS_OR_NULL = frozenset({int, float, type(None)})
_FLOAT_MAX = float(np.finfo(np.float64).max)  # a Python float: compares exactly with any int


def _is_float(value: Any) -> bool:
    """A JSON number that fits a float (not a boolean)."""
    return type(value) is float or type(value) is int and -_FLOAT_MAX <= value <= _FLOAT_MAX


def _numeric(values: Any, kind: str, name: str, length: int | None) -> tuple[np.ndarray, int]:
    """Parse a JSON array of numbers; returns the array and how many entries were garbage
    (in an array that is not all numbers: strings, booleans, objects, integers no float
    holds: NaN in the array). ``null`` is a gap, not garbage."""
    if not isinstance(values, list):
        raise DataError(f"{kind}: '{name}' must be an array")
    if length is not None and len(values) != length:
        raise DataError(f"{kind}: '{name}' has {len(values)} values, expected {length}")
    try:  # numbers, and strings that read as numbers (a quick pass at C speed)
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        pass
    else:
        if arr.ndim == 1:
            return arr, 0
    # Mixed garbage: keep what parses, NaN the rest.
    ok = list(map(_is_float, values))
    garbage = sum(1 for v, good in zip(values, ok, strict=True) if not good and v is not None)
    arr = np.array([v if good else np.nan for v, good in zip(values, ok, strict=True)],
                   dtype=np.float64)
    return arr, garbage


def _clip_invalid(arr: np.ndarray, limits: tuple[float, float]) -> int:
    lo, hi = limits
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi)
    # NaN in the input stays NaN (a gap) and is not counted as invalid.
    invalid = int((bad & ~np.isnan(arr)).sum())
    arr[bad] = np.nan
    return invalid


def decode_site(payload: Any, received: float | None = None) -> SiteTopology:
    """Decode ``GET /api/v1/site``.

    A rack without an id, a position and size inside :data:`console.model.LAYOUT_LIMITS`
    or a plausible GPU count refuses the site; other values out of their range read as
    not given (a rack's capacity NaN, the site's capacity 0, its place NaN, an unknown
    time zone UTC); text is cleaned (:mod:`console.clean`).
    """
    kind = "site"
    p = _require(payload, kind, ("time", "halls", "racks"))
    t = _time(p, kind)
    raw = p["racks"]
    if not isinstance(raw, list) or not raw:
        raise DataError("site: 'racks' must be a non-empty array")
    n = len(raw)
    raw_ids = _rack_ids(raw)
    geometry = np.empty((n, 4))
    for j, key in enumerate(_GEOMETRY):
        geometry[:, j] = _layout_column(raw, raw_ids, key)
    gpu_counts = _column(raw, "gpus", 0)
    if not numbers_clean(gpu_counts, LAYOUT_LIMITS["gpus"]) or None in gpu_counts:
        i = first_bad(gpu_counts, lambda v: number(v, LAYOUT_LIMITS["gpus"]) is not None)
        raise DataError(f"site: rack {_shown(raw_ids[i])} has no plausible GPU count "
                        f"({_shown(gpu_counts[i])})")
    gpus = np.array(gpu_counts, dtype=np.float64).astype(np.int32)
    racks = clean_records(raw, SITE_RACK_RECORD)
    ids = list(map(itemgetter("id"), racks))
    index = dict(zip(ids, range(n), strict=True))
    if len(index) != n:
        seen: set[str] = set()
        for twice in ids:
            if twice in seen:
                break
            seen.add(twice)
        raise DataError(f"site: rack id {_shown(twice)} appears twice")
    halls = clean_records(p["halls"] if isinstance(p["halls"], list) else [], HALL_RECORD)
    if len(halls) > SITE_LIMITS["halls"][1]:
        raise DataError(f"site: {len(halls):,} halls; at most {SITE_LIMITS['halls'][1]:,} are read")
    rows_raw = p.get("rows")
    rows = clean_records(rows_raw if isinstance(rows_raw, list) else [], ROW_RECORD)
    hall_pos = {h.get("id"): i for i, h in enumerate(halls)}
    row_pos = {r.get("id"): i for i, r in enumerate(rows)}
    hall_of = _column(racks, "hall")
    row_of = _column(racks, "row")
    hall_index = np.fromiter(map(hall_pos.get, hall_of, repeat(-1)), np.int16, count=n)
    row_index = np.fromiter(map(row_pos.get, row_of, repeat(-1)), np.int32, count=n)
    capacity = np.array(_column(racks, "capacity_kw", np.nan),
                        dtype=np.float64)  # a refused capacity is None: NaN here
    capacity_mw = number(p.get("capacity_mw", 0.0), SITE_LIMITS["capacity_mw"])
    return SiteTopology(
        time=t,
        received=_arrival(received),
        name=text(p.get("name", "")) or "",
        timezone=_timezone(p.get("timezone", "UTC")),
        lat=_place(p, "lat"),
        lon=_place(p, "lon"),
        capacity_mw=0.0 if capacity_mw is None else float(capacity_mw),
        scale=text(p.get("scale", "")) or "",
        halls=halls,
        rows=rows,
        racks=racks,
        rack_index=index,
        geometry=frozen(geometry),
        capacity_kw=frozen(capacity),
        gpus=frozen(gpus),
        hall_index=frozen(hall_index),
        row_index=frozen(row_index),
    )


_GEOMETRY = ("x", "y", "w", "h")


def _column(records: Sequence[Any], key: str, default: Any = None) -> list[Any]:
    """``key`` of every record (dicts; ``default`` where missing), at C speed when all
    have it."""
    try:
        return list(map(itemgetter(key), records))
    except (KeyError, TypeError):
        return [r.get(key, default) if isinstance(r, Mapping) else default for r in records]


def _rack_ids(racks: list[Any]) -> list[Any]:
    """The ids of the site's racks as sent; DataError naming the first rack without one."""
    if set(map(type, racks)) <= {dict}:
        ids = _column(racks, "id")
        if set(map(type, ids)) <= {str}:
            return ids
    i = first_bad(racks, lambda r: isinstance(r, Mapping) and isinstance(r.get("id"), str))
    if i >= 0:
        raise DataError(f"site: rack #{i} has no id")
    return [r["id"] for r in racks]


def _layout_column(racks: list[Any], ids: list[Any], key: str) -> list[Any]:
    """One of a rack's position and size for every rack; DataError when one is missing,
    not a number or outside :data:`console.model.LAYOUT_LIMITS`."""
    values = _column(racks, key)
    limits = LAYOUT_LIMITS[key]
    if numbers_clean(values, limits) and None not in values:
        return values
    i = first_bad(values, lambda v: number(v, limits) is not None)
    if not _is_float(values[i]):
        raise DataError(f"site: rack {_shown(ids[i])} lacks a numeric position or size")
    raise DataError(
        f"site: rack {_shown(ids[i])} has {key} = {_shown(values[i])}, outside "
        f"{limits[0]:g} to {limits[1]:g} m (rack positions must be finite numbers)"
    )


def _place(payload: Mapping[str, Any], key: str) -> float:
    """Latitude or longitude: 0 when not given, NaN when not a number in range."""
    if key not in payload:
        return 0.0
    value = number(payload[key], SITE_LIMITS[key])
    return math.nan if value is None else float(value)


def _timezone(value: Any) -> str:
    """An IANA time zone name the workstation knows, else UTC."""
    name = text(value, 64)
    if not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return "UTC"
    return name


def decode_racks(
    payload: Any, topology: SiteTopology, received: float | None = None
) -> RackTelemetry:
    """Decode ``GET /api/v1/racks`` and align it to ``topology``'s rack order."""
    kind = "racks"
    p = _require(payload, kind, ("time", "rack_ids", *RACK_FIELDS))
    t = _time(p, kind)
    ids = p["rack_ids"]
    if not isinstance(ids, list):
        raise DataError("racks: 'rack_ids' must be an array of strings")
    # The usual answer names the site's racks in its order: the topology's ids, which are
    # strings and cleaned already (one comparison at C speed instead of three passes).
    aligned = len(ids) == topology.n_racks and tuple(ids) == topology.rack_ids
    if not aligned:
        if not set(map(type, ids)) <= {str}:
            raise DataError("racks: 'rack_ids' must be an array of strings")
        if not texts_clean(ids, ID_CHARS):  # cleaned as decode_site cleans the racks' ids
            ids = [text(i) for i in ids]
        aligned = list(ids) == list(topology.rack_ids)
    n = len(ids)
    index = topology.rack_index
    if aligned:
        positions = None
        unknown: tuple[str, ...] = ()
    else:
        pos = [index.get(i, -1) for i in ids]
        positions = np.array(pos, dtype=np.int64)
        unknown = tuple(i for i, j in zip(ids, pos, strict=True) if j < 0)
    fields: dict[str, np.ndarray] = {}
    invalid = 0
    covered = np.zeros(topology.n_racks, bool)
    if aligned:
        covered[:] = True
    else:
        assert positions is not None
        covered[positions[positions >= 0]] = True
    for name in RACK_FIELDS:
        raw, garbage = _numeric(p[name], kind, name, n)
        invalid += garbage + _clip_invalid(raw, RACK_LIMITS[name])
        if aligned:
            out = raw.astype(np.float32)
        else:
            assert positions is not None
            out = np.full(topology.n_racks, np.nan, np.float32)
            ok = positions >= 0
            out[positions[ok]] = raw[ok]
        fields[name] = out
    return RackTelemetry(
        time=t,
        received=_arrival(received),
        fields=_frozen_map(fields),
        missing=frozen(~covered),
        unknown_ids=unknown,
        invalid_values=invalid,
    )


def decode_power(payload: Any, received: float | None = None) -> PowerSeries:
    """Decode ``GET /api/v1/power``; absurd values become NaN and are counted."""
    kind = "power"
    p = _require(payload, kind, ("t", *POWER_FIELDS))
    t, garbage = _numeric(p["t"], kind, "t", None)
    if garbage:
        raise DataError("power: 't' must hold numbers only")
    if len(t) and (not np.isfinite(t).all() or (np.diff(t) <= 0).any()):
        raise DataError("power: timestamps must be finite and strictly increasing")
    lo, hi = POWER_SERIES_LIMITS["t"]
    if len(t) and not (lo <= t[0] and t[-1] <= hi):
        raise DataError("power: timestamps must be plausible dates (2000 to 2100)")
    fields: dict[str, np.ndarray] = {}
    invalid = 0
    for name in POWER_FIELDS:
        arr, garbage = _numeric(p[name], kind, name, len(t))
        invalid += garbage + _clip_invalid(arr, POWER_LIMITS[name])
        fields[name] = arr
    end = float(t[-1]) if len(t) else _optional(p, "end", 0.0)
    step = _optional(p, "step", 10.0)
    return PowerSeries(
        time=end if end else 0.0,
        received=_arrival(received),
        t=frozen(t),
        fields=_frozen_map(fields),
        step=step,
        invalid_values=invalid,
    )


def _optional(payload: Mapping[str, Any], key: str, default: float) -> float:
    """``end`` or ``step`` of a power answer: ``default`` when null, 0 or missing;
    DataError when not a number inside :data:`console.model.POWER_SERIES_LIMITS`."""
    value = payload.get(key)
    if value is None or type(value) in _NUMBER_TYPES and value == 0:
        return default
    got = number(value, POWER_SERIES_LIMITS[key])
    if got is None:
        lo, hi = POWER_SERIES_LIMITS[key]
        raise DataError(f"power: '{key}' {_shown(value)} is not a number from {lo:,g} to {hi:,g}")
    return float(got)


def _records(payload: Any, kind: str, key: str, required: Sequence[str]) -> tuple[dict, ...]:
    items = payload[key]
    if not isinstance(items, list):
        raise DataError(f"{kind}: '{key}' must be an array")
    if _all_have(items, required):  # the usual case, checked at C speed (7,000 jobs: < 1 ms)
        return tuple(items)
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise DataError(f"{kind}: entry #{i} of '{key}' is not an object")
        missing = [k for k in required if k not in item]
        if missing:
            raise DataError(f"{kind}: entry #{i} of '{key}' lacks {', '.join(missing)}")
    return tuple(items)


def _all_have(items: list[Any], keys: Sequence[str]) -> bool:
    """True when every item is a dict holding every key (no per-item Python loop)."""
    if set(map(type, items)) - {dict}:
        return False
    if keys:
        try:
            deque(map(itemgetter(*keys), items), maxlen=0)
        except KeyError:
            return False
    return True


def decode_unhealthy(payload: Any, received: float | None = None) -> UnhealthyGpus:
    """Decode ``GET /api/v1/gpus/unhealthy``."""
    kind = "unhealthy GPUs"
    p = _require(payload, kind, ("time", "gpus"))
    t = _time(p, kind)
    gpus = clean_records(_records(p, kind, "gpus", ("uuid", "rack", "status")), GPU_RECORD)
    raw = p.get("counts")
    if not isinstance(raw, Mapping):
        raw = {}
    counts: dict[str, int] = {}
    for key, value in raw.items():
        count = whole(value, GPU_COUNT_LIMITS)
        if count is not None:  # a status the hub API does not name counts as unknown
            status = key if key in _GPU_STATUSES else GPU_STATUS_UNKNOWN
            counts[status] = counts.get(status, 0) + count
    return UnhealthyGpus(time=t, received=_arrival(received), gpus=gpus, counts=counts)


_GPU_STATUSES = frozenset(GPU_STATUSES)


JOB_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("id", np.int64),
    ("name", object),
    ("tenant", object),
    ("tenant_kind", object),
    ("tenant_country", object),
    ("user", object),
    ("partition", object),
    ("state", object),
    ("reason", object),
    ("gpus", np.int64),
    ("nodes", np.int64),
    ("racks", object),
    ("submit_time", np.float64),
    ("start_time", np.float64),
    ("end_time", np.float64),
    ("time_limit_s", np.float64),
    ("state_flags", object),  # Slurm's state flags ("COMPLETING", ...); "" or None for none
    ("state_description", object),  # Slurm's detail of the pending reason
    ("array_tasks", np.int64),  # a pending job array's task count; 0 for one job
    ("begin_time", np.float64),  # a pending job's begin time (BeginTime), else NaN
    ("gpu_util_pct", np.float64),  # mean utilisation (%) of its GPUs now; NaN when unknown
)


_STATE_OBJECT = {state: state for state in JOB_STATES}
"""Each job state's one ``str`` object: a state column points at a handful of objects, so
a comparison over the whole queue (how many run, how many wait: ~7,000 jobs at full scale)
finds them in the CPU's cache instead of reading 7,000 strings (~3 -> ~0.5 ms)."""
_MESSAGES = frozenset({"reason", "state_description"})


def job_column(name: str, dtype: Any, values: Sequence[Any], n: int) -> np.ndarray:
    """One job-queue column as its array: numbers as float64 (None is NaN) or int64,
    text and lists as objects (lists become tuples); DataError when it cannot be.

    Numbers outside :data:`console.model.JOB_LIMITS` read NaN, counts 0 (an id -1: "no
    valid id"); a state that is not one of the hub's reads ``UNKNOWN``; text is cleaned
    (:mod:`console.clean`): a ``str`` or None, racks a tuple of ``str``."""
    if len(values) != n:
        raise DataError(f"jobs: '{name}' has {len(values)} values, expected {n}")
    if dtype is object:
        if name == "state":
            values = _job_states(values)
        elif name == "racks":
            values = _job_racks(values)
        else:
            limit = MESSAGE_CHARS if name in _MESSAGES else ID_CHARS
            if not texts_clean(values, limit):
                values = [text(v, limit) for v in values]
        arr = np.empty(n, dtype=object)
        arr[:] = values
        return arr
    try:
        arr = np.array(values, dtype=np.float64)  # None becomes NaN; "8" reads 8
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"jobs: '{name}' must hold numbers") from None
    if arr.shape != (n,):
        raise DataError(f"jobs: '{name}' must hold numbers")
    limits = JOB_LIMITS.get(name)
    if limits is not None and n:
        with np.errstate(invalid="ignore"):
            out = ~((arr >= limits[0]) & (arr <= limits[1]))  # NaN (a gap) too: stays NaN
            if name == "id":
                out |= arr != np.floor(arr)  # 4.5 is no job id
        if out.any():
            arr[out] = np.nan
    if dtype is np.int64:
        arr = np.nan_to_num(arr, nan=-1 if name == "id" else 0).astype(np.int64)
    return arr


def _job_states(values: Sequence[Any]) -> Sequence[Any]:
    """Each state as its one object (:data:`_STATE_OBJECT`); one not of the hub's reads
    ``UNKNOWN``."""
    if set(map(type, values)) <= {str}:
        try:
            return list(map(_STATE_OBJECT.__getitem__, values))
        except KeyError:
            pass
    return [_STATE_OBJECT.get(v, JOB_STATE_UNKNOWN) if type(v) is str else JOB_STATE_UNKNOWN
            for v in values]


def _job_racks(values: Sequence[Any]) -> Sequence[Any]:
    kinds = set(map(type, values))
    if kinds <= {list, tuple, type(None)}:
        inner = list(chain.from_iterable(filter(None, values)))
        if texts_clean(inner, ID_CHARS) and None not in inner:  # the join refuses non-text
            if list in kinds:
                values = [tuple(v) if isinstance(v, list) else v for v in values]
            return values
    return list(map(_racks_of, values))


def _racks_of(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list | tuple):
        return tuple(t for t in map(text, value) if t is not None)
    if isinstance(value, str):
        return (text(value) or "",)
    return None


def job_columns_from_records(records: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """Job dicts (hub API, Slurm or cache) as one array per :data:`JOB_COLUMNS` field;
    jobs without a valid id are left out (:func:`job_columns_and_dropped` counts them)."""
    return job_columns_and_dropped(records)[0]


def job_columns_and_dropped(
    records: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, np.ndarray], int]:
    """:func:`job_columns_from_records` and how many jobs it left out for want of an id
    (null, not a whole number, outside :data:`console.model.JOB_LIMITS`)."""
    names = [name for name, _ in JOB_COLUMNS]
    n = len(records)
    values_by_column: list[Sequence[Any]]
    try:  # the usual case: every field present; rows read and transposed at C speed
        rows = map(itemgetter(*names), records)
        values_by_column = list(zip(*rows, strict=True)) if n else []
    except KeyError:
        values_by_column = []
    if n and not values_by_column:  # a hub that does not send the optional fields
        try:
            first = [name for name in names if name not in JOB_OPTIONAL_FIELDS]
            rows = map(itemgetter(*first), records)
            found = dict(zip(first, zip(*rows, strict=True), strict=True))
            values_by_column = [found[name] if name in found else [r.get(name) for r in records]
                                for name in names]
        except KeyError:
            values_by_column = []
    if len(values_by_column) != len(names):  # some field missing somewhere: read by name
        values_by_column = [[r.get(name) for r in records] for name in names]
    columns = {
        name: job_column(name, dtype, values, n)
        for (name, dtype), values in zip(JOB_COLUMNS, values_by_column, strict=True)
    }
    keep = columns["id"] >= 0  # -1: no valid id
    if keep.all():
        return columns, 0
    return {k: v[keep] for k, v in columns.items()}, int((~keep).sum())


def jobs_from_records(
    records: Sequence[Mapping[str, Any]], t: float, received: float | None = None
) -> JobsSnapshot:
    """Build a :class:`JobsSnapshot` from job dicts (hub API, Slurm or cache); jobs
    without a valid id are left out and counted (``invalid``)."""
    columns, dropped = job_columns_and_dropped(records)
    return JobsSnapshot(
        time=t, received=_arrival(received), columns=_frozen_map(columns), invalid=dropped
    )


def decode_jobs(payload: Any, received: float | None = None) -> JobsSnapshot:
    """Decode ``GET /api/v1/jobs``."""
    kind = "jobs"
    p = _require(payload, kind, ("time", "jobs"))
    t = _time(p, kind)
    records = _records(p, kind, "jobs", ("id", "state", "partition"))
    return jobs_from_records(records, t, received)  # jobs without a valid id: counted


def id_positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index in ``ids`` of each of ``wanted`` (-1 where absent)."""
    if not ids.size:
        return np.full(wanted.shape, -1, dtype=np.intp)
    sorter = np.argsort(ids, kind="stable")
    at = np.minimum(np.searchsorted(ids, wanted, sorter=sorter), ids.size - 1)
    found = sorter[at]
    return np.where(ids[found] == wanted, found, -1)


def apply_job_changes(
    columns: Mapping[str, np.ndarray],
    update: Mapping[str, np.ndarray] | None,
    removed: Sequence[int] | np.ndarray = (),
    order: Sequence[int] | None = None,
) -> dict[str, np.ndarray]:
    """The job queue after a change: ``removed`` ids dropped, the jobs of ``update``
    (columns like ``columns``) replaced in place or appended, then ordered by the ids
    of ``order`` when given. New arrays: ``columns`` is never written to."""
    out = dict(columns)
    gone = _ids(removed, "removed")
    if gone.size:
        keep = ~np.isin(out["id"], gone)
        out = {k: v[keep] for k, v in out.items()}
    if update is not None and len(update["id"]):
        ids = update["id"]
        ordered = np.sort(ids)  # not np.unique: its first call imports numpy.ma (~50 ms)
        if not (ordered[1:] == ordered[:-1]).any():
            rows = np.arange(len(ids))
        else:  # the last record of an id wins, as it would in a dict of records
            latest = {i: k for k, i in enumerate(ids.tolist())}
            rows = np.fromiter(latest.values(), dtype=np.intp, count=len(latest))
        where = id_positions(out["id"], update["id"][rows])
        old, new = where >= 0, where < 0
        merged: dict[str, np.ndarray] = {}
        for name, column in out.items():
            values = update[name][rows]
            column = column.copy()
            column[where[old]] = values[old]
            merged[name] = np.concatenate([column, values[new]]) if new.any() else column
        out = merged
    if order is not None:
        at = id_positions(out["id"], _ids(order, "order"))
        out = {k: v[at[at >= 0]] for k, v in out.items()}
    return out


def _ids(values: Sequence[int] | np.ndarray, what: str) -> np.ndarray:
    """Job ids as an int64 array; DataError when they are not whole numbers int64 holds."""
    if isinstance(values, np.ndarray) and values.dtype == np.int64:
        return values
    try:
        ids = np.asarray(values, dtype=np.int64)
    except (OverflowError, TypeError, ValueError):
        raise DataError(f"jobs: the {what} job ids are not whole numbers") from None
    if ids.ndim != 1:
        raise DataError(f"jobs: the {what} job ids are not a flat list")
    return ids


def decode_job_changes(
    payload: Any, received: float | None = None
) -> tuple[float, dict[str, np.ndarray], np.ndarray, int | None]:
    """Decode a changes-only ``GET /api/v1/jobs?since=`` answer:
    ``(time, changed jobs as columns, removed ids, total jobs or None)``."""
    kind = "jobs"
    p = _require(payload, kind, ("time", "jobs"))
    t = _time(p, kind)
    records = _records(p, kind, "jobs", ("id", "state", "partition"))
    removed = p.get("removed", [])
    if not isinstance(removed, list) or not wholes_clean(removed, JOB_LIMITS["id"]) or (
        None in removed
    ):
        raise DataError("jobs: 'removed' must be an array of job ids")
    total = p.get("total")
    if total is not None and (type(total) is not int or whole(total, JOB_LIMITS["total"]) is None):
        raise DataError("jobs: 'total' must be a whole number from 0 to 10,000,000")
    return t, job_columns_from_records(records), np.asarray(removed, np.int64), total




def _event_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_EVENT_ID:
        raise DataError(f"events: {what} {value!r} is not a whole number from 0 to 2^53 - 1")
    return value


def decode_events(payload: Any, received: float | None = None) -> EventBatch:
    """Decode ``GET /api/v1/events``.

    Ids that cannot be right refuse the whole answer (so one bad answer never moves the
    event cursor): ids that are not whole numbers, negative, beyond 2^53 - 1, or above the
    answer's own ``last_id``. ``last_id`` (the hub's newest id) and ``instance`` (the
    hub's name for its current lifetime) are optional.
    """
    kind = "events"
    p = _require(payload, kind, ("time", "events"))
    t = _time(p, kind)
    events = _records(p, kind, "events", ("id", "time", "kind", "message"))
    hub_last = p.get("last_id")
    if hub_last is not None:
        hub_last = _event_id(hub_last, "'last_id'")
    instance = p.get("instance")
    if instance is not None and (
        not isinstance(instance, str) or not 0 < len(instance) <= MAX_INSTANCE_CHARS
    ):
        raise DataError(
            f"events: 'instance' must be a string of 1 to {MAX_INSTANCE_CHARS} characters"
        )
    last = 0
    for e in events:
        eid = _event_id(e["id"], "event id")
        if hub_last is not None and eid > hub_last:
            raise DataError(f"events: event id {eid} is above the answer's last_id {hub_last}")
        last = max(last, eid)
    # Text cleaned and cut, values out of range None, unknown severities "unknown"; an
    # event without a usable time cannot be placed on any timeline and is left out.
    events = tuple(
        e for e in clean_records(events, EVENT_RECORD)
        if isinstance(e.get("time"), int | float) and not isinstance(e.get("time"), bool)
    )
    return EventBatch(
        time=t,
        received=_arrival(received),
        events=events,
        last_id=last,
        hub_last_id=hub_last,
        instance=instance,
        lifetime=instance or "",
    )


def decode_rack_detail(payload: Any, received: float | None = None) -> RackDetailSnapshot:
    """Decode ``GET /api/v1/racks/{id}``."""
    kind = "rack detail"
    p = _require(payload, kind, ("time", "rack", "nodes"))
    t = _time(p, kind)
    rack = p["rack"]
    if not isinstance(rack, Mapping) or not isinstance(rack.get("id"), str):
        raise DataError("rack detail: 'rack' must be an object with an id")
    return RackDetailSnapshot(
        time=t,
        received=_arrival(received),
        rack=clean_records((rack,), RACK_RECORD)[0],
        nodes=clean_records(_records(p, kind, "nodes", ("id", "gpus")), NODE_RECORD),
        pdus=clean_records(_records(p, kind, "pdus", ("id", "load_kw")), PDU_RECORD)
        if "pdus" in p else (),
        jobs=clean_records(_records(p, kind, "jobs", ("id",)), JOB_RECORD)
        if "jobs" in p else (),
        events=clean_records(_records(p, kind, "events", ("id",)), EVENT_RECORD)
        if "events" in p else (),
    )
