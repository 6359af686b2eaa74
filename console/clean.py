"""Values from outside made plain: text a bounded ``str``, numbers inside their limits.

The decoders of every source (``console.decode``, the Slurm and Prometheus decoders) pass
what they read through these, so what reaches a snapshot, the cache and the views is
always of the type its field says and inside the range of its limit table
(``console.model``): text is a ``str`` without control characters (ordinary whitespace
apart) or bidi overrides, cut to a bound with an ellipsis; a number is finite and within
its limits, else None; a word of an enumeration is one of its words, else the unknown word.

Records (lists of JSON objects) are checked column by column at C speed first
(:func:`clean_records`): records that are clean, the usual case, are kept as they are,
and only an answer with something wrong in it is cleaned record by record.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from operator import is_not, itemgetter
from typing import Any

import numpy as np

from console.model import NUMBER_LIMITS, TEXT_LIMITS

ID_CHARS = TEXT_LIMITS["id"]
MESSAGE_CHARS = TEXT_LIMITS["message"]
ELLIPSIS = "…"

_BAD = "\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
BAD_CHARS = re.compile(f"[\x00{_BAD}]")
"""Characters text never keeps: control characters other than tab, line feed and carriage
return; the bidi embeddings, overrides and isolates (their marks are kept); lone surrogates
(which no UTF-8 encoder writes)."""

_NONE = type(None)
_NUMBER_TYPES = frozenset({int, float})
_LOOSE_TYPES = frozenset({str, bool, int, float, _NONE})
DROP = object()
"""What :meth:`Field.clean` returns for a value a record does not keep at all."""

_not_none = partial(is_not, None)


# -- single values -----------------------------------------------------------------------------
def text(value: Any, limit: int = ID_CHARS) -> str | None:
    """``value`` as text of at most ``limit`` characters, or None.

    None stays None; a string loses the characters of :data:`BAD_CHARS` and is cut with an
    ellipsis; a number or a boolean is written with ``str()``; anything else (a list, an
    object) is refused: None.
    """
    if value is None:
        return None
    if type(value) is not str:
        if isinstance(value, bool | float):
            value = str(value)
        elif isinstance(value, int):
            if not -(2**64) < value < 2**64:
                return None
            value = str(value)
        elif isinstance(value, str):
            value = str.__str__(value)
        else:
            return None
    if len(value) > 4 * limit:  # bounded work on absurd text
        value = value[: 4 * limit]
    if BAD_CHARS.search(value) is not None:
        value = BAD_CHARS.sub("", value)
    if len(value) > limit:
        value = value[: max(0, limit - 1)] + ELLIPSIS
    return value


def texts_clean(values: Sequence[Any], limit: int = ID_CHARS) -> bool:
    """True when every value is None or a string :func:`text` would keep as it is
    (C-speed passes over the strings joined: the join fails on what is not a string)."""
    strings = values
    try:
        joined = "".join(strings)
    except TypeError:
        strings = list(filter(_not_none, values))
        if len(strings) == len(values):
            return False
        try:
            joined = "".join(strings)
        except TypeError:
            return False
    if has_bad_chars(joined):
        return False
    return len(joined) <= limit or max(map(len, strings)) <= limit


_C0 = tuple(bytes([c]) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
_C1 = tuple(bytes([c]) for c in range(0x7F, 0xA0))


def has_bad_chars(value: str) -> bool:
    """True when ``value`` holds a character of :data:`BAD_CHARS`. Text of Latin-1 letters
    only (most ids and names) is checked on its bytes (SIMD ``min``/``max``, ``memchr``);
    other text is clean when printable (every bad character is not), else checked by the
    regular expression."""
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return not value.isprintable() and BAD_CHARS.search(value) is not None
    if not raw:
        return False
    codes = np.frombuffer(raw, np.uint8)
    if codes.min() < 0x20 and any(c in raw for c in _C0):
        return True
    return bool(codes.max() >= 0x7F) and any(c in raw for c in _C1)


def number(value: Any, limits: tuple[float, float]) -> int | float | None:
    """``value`` when it is a number (not a boolean) inside ``limits``, else None."""
    kind = type(value)
    if kind is float:
        return value if limits[0] <= value <= limits[1] else None  # NaN fails both
    if kind is int:
        return value if limits[0] <= value <= limits[1] else None
    return None


def whole(value: Any, limits: tuple[float, float]) -> int | None:
    """``value`` as an ``int`` when it is a whole number inside ``limits``, else None."""
    kind = type(value)
    if kind is int:
        return value if limits[0] <= value <= limits[1] else None
    if kind is float and math.isfinite(value) and value.is_integer():
        return int(value) if limits[0] <= value <= limits[1] else None
    return None


# -- columns (lists of values) -----------------------------------------------------------------
def numbers_clean(values: Sequence[Any], limits: tuple[float, float]) -> bool:
    """True when every value is None or a finite number inside ``limits``."""
    kinds = set(map(type, values))
    if not kinds <= _NUMBER_TYPES | {_NONE}:
        return False
    present = list(filter(_not_none, values)) if _NONE in kinds else values
    if not present:
        return True
    try:
        arr = np.array(present, dtype=np.float64)
    except OverflowError:
        return False
    return bool(arr.min() >= limits[0]) and bool(arr.max() <= limits[1])  # NaN fails


def wholes_clean(values: Sequence[Any], limits: tuple[float, float]) -> bool:
    """True when every value is None or an ``int`` inside ``limits``."""
    kinds = set(map(type, values))
    if not kinds <= {int, _NONE}:
        return False
    present = list(filter(_not_none, values)) if _NONE in kinds else values
    return not present or (min(present) >= limits[0] and max(present) <= limits[1])


# -- fields of records ---------------------------------------------------------------------------
class Field:
    """How one field of a record is checked (a whole column at once) and cleaned (one value)."""

    def column_ok(self, values: Sequence[Any]) -> bool:
        raise NotImplementedError

    def clean(self, value: Any) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Field):
    """A string (or None) of at most ``limit`` characters."""

    limit: int = ID_CHARS

    def column_ok(self, values: Sequence[Any]) -> bool:
        return texts_clean(values, self.limit)

    def clean(self, value: Any) -> Any:
        return text(value, self.limit)


@dataclass(frozen=True)
class Word(Field):
    """One of ``words``; anything else (None too) reads as ``unknown``."""

    words: frozenset[str]
    unknown: str

    def column_ok(self, values: Sequence[Any]) -> bool:
        return set(map(type, values)) <= {str} and set(values) <= self.words

    def clean(self, value: Any) -> Any:
        return value if type(value) is str and value in self.words else self.unknown


@dataclass(frozen=True)
class Number(Field):
    """A finite number inside ``limits`` (its type kept), else None (or, with ``drop``,
    the field is left out of the record: for fields read without a check for None)."""

    limits: tuple[float, float]
    drop: bool = False

    def column_ok(self, values: Sequence[Any]) -> bool:
        return numbers_clean(values, self.limits) and not (self.drop and None in values)

    def clean(self, value: Any) -> Any:
        got = number(value, self.limits)
        return DROP if got is None and self.drop else got


@dataclass(frozen=True)
class Whole(Field):
    """A whole number inside ``limits`` as an ``int`` (3.0 reads 3), else None."""

    limits: tuple[float, float]

    def column_ok(self, values: Sequence[Any]) -> bool:
        return wholes_clean(values, self.limits)

    def clean(self, value: Any) -> Any:
        return whole(value, self.limits)


@dataclass(frozen=True)
class Flag(Field):
    """True, False or None; anything else reads None."""

    def column_ok(self, values: Sequence[Any]) -> bool:
        return set(map(type, values)) <= {bool, _NONE}

    def clean(self, value: Any) -> Any:
        return value if type(value) is bool else None


@dataclass(frozen=True)
class Texts(Field):
    """A list of strings (ids); a lone string reads as a list of it, anything else None."""

    limit: int = ID_CHARS

    def column_ok(self, values: Sequence[Any]) -> bool:
        kinds = set(map(type, values))
        if not kinds <= {list, _NONE}:
            return False
        inner = list(chain.from_iterable(filter(None, values)))
        return not inner or (set(map(type, inner)) <= {str} and texts_clean(inner, self.limit))

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [t for t in (text(v, self.limit) for v in value) if t is not None]
        if isinstance(value, str):
            return [text(value, self.limit)]
        return None


@dataclass(frozen=True)
class Records(Field):
    """A list of records of ``schema``; what is not a record is left out."""

    schema: Mapping[str, Field]

    def column_ok(self, values: Sequence[Any]) -> bool:
        kinds = set(map(type, values))
        if not kinds <= {list, _NONE}:
            return False
        return records_clean(list(chain.from_iterable(filter(None, values))), self.schema)

    def clean(self, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            return []
        return [clean_record(v, self.schema) for v in value if isinstance(v, Mapping)]


@dataclass(frozen=True)
class Checked(Field):
    """A field its decoder has checked already (the record is refused otherwise): kept."""

    def column_ok(self, values: Sequence[Any]) -> bool:
        return True

    def clean(self, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class Loose(Field):
    """A field no schema names: kept when a string, a boolean, None or a plausible number
    (:data:`console.model.NUMBER_LIMITS`); anything else is left out of the record."""

    limit: int = MESSAGE_CHARS

    def column_ok(self, values: Sequence[Any]) -> bool:
        kinds = set(map(type, values))
        if not kinds <= _LOOSE_TYPES:
            return False
        if str in kinds and not texts_clean([v for v in values if type(v) is str], self.limit):
            return False
        if kinds & _NUMBER_TYPES:
            nums = [v for v in values if type(v) is int or type(v) is float]
            return numbers_clean(nums, NUMBER_LIMITS)
        return True

    def clean(self, value: Any) -> Any:
        if value is None or type(value) is bool:
            return value
        if isinstance(value, str):
            return text(value, self.limit)
        if type(value) is int or type(value) is float:
            got = number(value, NUMBER_LIMITS)
            return DROP if got is None else got
        return DROP


LOOSE = Loose()


def clean_record(record: Mapping[str, Any], schema: Mapping[str, Field]) -> dict[str, Any]:
    """A new dict of ``record`` with every value cleaned by its field of ``schema`` (fields
    ``schema`` does not name by :class:`Loose`); keys that are not strings are left out."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if type(key) is not str:
            continue
        got = schema.get(key, LOOSE).clean(value)
        if got is not DROP:
            out[key] = got
    return out


def records_clean(records: Sequence[Any], schema: Mapping[str, Field]) -> bool:
    """True when every record is a dict whose every field its schema keeps as it is."""
    if not records:
        return True
    if set(map(type, records)) != {dict}:
        return False
    shapes = set(map(tuple, records))
    if len(shapes) == 1:  # the usual case: the same fields in the same order everywhere
        keys = next(iter(shapes))
        if not keys:
            return True
        return all(type(k) is str for k in keys) and all(
            schema.get(k, LOOSE).column_ok(list(map(itemgetter(k), records))) for k in keys
        )
    keys_seen = set(chain.from_iterable(shapes))
    if not all(type(k) is str for k in keys_seen):
        return False
    for key in keys_seen:
        column = [r[key] for r in records if key in r]
        if not schema.get(key, LOOSE).column_ok(column):
            return False
    return True


def clean_records(
    records: Sequence[Any], schema: Mapping[str, Field]
) -> tuple[dict[str, Any], ...]:
    """``records`` as a tuple of clean records: the same objects when all are clean (checked
    column-wise at C speed), else new dicts (:func:`clean_record`); what is not a mapping is
    left out."""
    if records_clean(records, schema):
        return tuple(records)
    return tuple(clean_record(r, schema) for r in records if isinstance(r, Mapping))


def first_bad(values: Sequence[Any], ok: Callable[[Any], bool]) -> int:
    """Index of the first value ``ok`` refuses (-1 when none)."""
    for i, value in enumerate(values):
        if not ok(value):
            return i
    return -1
