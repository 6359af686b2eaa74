"""Rack frames as the cache codes them: delta frames run-length coded (plain zlib streams),
smaller than the default coding and read back exactly."""

from __future__ import annotations

import struct
import zlib

import numpy as np

from console.cache import codec
from console.decode import decode_racks, decode_site

T0 = 1_780_000_000.0


def _frames() -> list[np.ndarray]:
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="hall", seed=3, start=T0)
    topo = decode_site(hub.site(), received=T0)
    out = []
    for k in range(3):
        t = T0 + 2.0 * (k + 1)
        hub.step(t)
        racks = decode_racks(hub.racks(), topo, received=t)
        out.append(np.stack([np.asarray(v, np.float32) for v in racks.fields.values()]))
    return out


def _chunks(blob: bytes) -> list[bytes]:
    _, n_fields, _ = codec.frame_info(blob)
    sizes = struct.unpack_from(f"<{n_fields}I", blob, codec._HEADER.size)
    offset = codec._HEADER.size + 4 * n_fields
    out = []
    for size in sizes:
        out.append(blob[offset : offset + size])
        offset += size
    return out


def test_a_delta_frame_is_smaller_than_the_default_coding_and_reads_back_exactly() -> None:
    first, second, third = _frames()
    second[0, :5] = np.nan  # gaps travel too
    q1, nan1 = codec.quantise(first)
    q2, nan2 = codec.quantise(second)
    blob, is_key = codec.encode_frame(q2, nan2, codec.reference(q1, nan1))
    assert not is_key
    # The same values coded with zlib's default match search, chunk by chunk.
    default = sum(len(zlib.compress(zlib.decompress(c), codec._LEVEL)) for c in _chunks(blob))
    assert len(blob) - codec._HEADER.size - 4 * len(first) < default
    key, _ = codec.decode_frame(codec.encode_frame(q1, nan1, None)[0], None)
    ref, nan = codec.decode_frame(blob, key)
    assert np.array_equal(nan, nan2)
    assert np.array_equal(codec.to_float(ref, nan), codec.to_float(*codec.quantise(second)),
                          equal_nan=True)
    # A chain goes on from it as from any frame.
    q3, nan3 = codec.quantise(third)
    ref3, nan3_read = codec.decode_frame(codec.encode_frame(q3, nan3, ref)[0], ref)
    assert np.array_equal(codec.to_float(ref3, nan3_read), codec.to_float(q3, nan3),
                          equal_nan=True)


def test_keyframes_keep_the_default_coding() -> None:
    first = _frames()[0]
    q, nan = codec.quantise(first)
    blob, is_key = codec.encode_frame(q, nan, None)
    assert is_key
    for chunk in _chunks(blob):
        assert chunk == zlib.compress(zlib.decompress(chunk), codec._LEVEL)
