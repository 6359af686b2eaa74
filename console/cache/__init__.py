"""Local history of the site in SQLite: write each poll, roll up, retain, read back, replay.

See :class:`console.cache.store.Cache`.
"""

from console.cache.files import default_path
from console.cache.rollup import RetentionPolicy
from console.cache.schema import SCHEMA_VERSION, CacheError
from console.cache.store import Cache

__all__ = ["SCHEMA_VERSION", "Cache", "CacheError", "RetentionPolicy", "default_path"]
