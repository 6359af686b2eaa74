"""Local history of the site in SQLite: write each poll, roll up, retain, read back, replay.

See :class:`console.cache.store.Cache`. The names below are imported from their modules on
first use (PEP 562): importing one module of the package (the poll step names
:class:`CacheError` of ``console.cache.schema``) does not import the store and its roll-ups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.lazy import lazy_names

if TYPE_CHECKING:
    from console.cache.files import default_path
    from console.cache.rollup import RetentionPolicy
    from console.cache.schema import SCHEMA_VERSION, CacheError
    from console.cache.store import Cache

_WHERE = {
    "default_path": "files",
    "RetentionPolicy": "rollup",
    "SCHEMA_VERSION": "schema",
    "CacheError": "schema",
    "Cache": "store",
}

__all__ = ["SCHEMA_VERSION", "Cache", "CacheError", "RetentionPolicy", "default_path"]

__getattr__, __dir__ = lazy_names(__name__, _WHERE)
