"""The simulated hub's scale presets, apart from its other numbers (:mod:`console.hub.params`
re-exports them): the console checks a ``sim://`` URL's scale before its window's first frame
(:mod:`console.hub.prestart`), and the hub's parameters (frozen dataclasses, hundreds of
figures) are the hub process's to import, not the console's start-up."""

from __future__ import annotations

SCALES: tuple[str, ...] = ("tetouan", "tetouan-x2", "tetouan-x4", "hall", "rack")
"""Scale presets: the full site, a synthetic site of twice or four times its halls (the same
halls again under the next letters, for measuring cost against size), hall A alone, or one
NVL72 rack plus one HGX rack."""
