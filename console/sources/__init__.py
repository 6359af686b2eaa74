"""Where data comes from: one :class:`Source` interface, chosen by URL scheme."""

from console.sources.base import FetchContext, Source, SourceError, open_source, register_scheme

__all__ = ["FetchContext", "Source", "SourceError", "open_source", "register_scheme"]
