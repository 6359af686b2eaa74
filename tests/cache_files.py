"""Cache files for the tests of the whole-file page check: a sound one and a copy with one
page damaged that only the whole-file check sees (console.cache.files.PageCheck)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from console.cache import Cache, CacheError
from console.cache.files import PageCheck
from console.decode import decode_racks, decode_site
from console.hub.sim import SimulatedHub

T0 = 1_780_100_000.0


def sound_cache(path: Path, polls: int = 20) -> Path:
    """A cache of a small simulated site, ``polls`` rack polls 2 s apart."""
    hub = SimulatedHub(scale="hall", seed=29, start=T0)
    topology = decode_site(hub.site(), received=T0)
    with Cache.open(path) as cache:
        for k in range(polls):
            t = T0 + 2.0 * (k + 1)
            hub.step(t)
            cache.write_poll([decode_racks(hub.racks(), topology, received=t)],
                             topology=topology)
    return path


def damaged_copy(sound: Path, path: Path) -> Path:
    """A copy of ``sound`` with one page overwritten that opening it with a glance
    (header and schema) does not read, but the whole-file check does."""
    with sqlite3.connect(sound) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    for page in range(count, 1, -1):
        shutil.copy(sound, path)
        with path.open("r+b") as handle:
            handle.seek((page - 1) * size + 8)
            handle.write(b"\xff" * 64)
        try:
            Cache.open(path, readonly=True, checked=False).close()
        except CacheError:
            continue
        if PageCheck(path, 1.0).run() is not None:
            return path
    raise AssertionError("no page whose damage only the whole-file check sees")
