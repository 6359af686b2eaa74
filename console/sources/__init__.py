"""Where data comes from: one :class:`Source` interface, chosen by URL scheme (the console's
own schemes and those of installed plug-ins, entry-point group ``hub_console.sources``)."""

from console.sources.base import (
    ENTRY_POINT_GROUP,
    FetchContext,
    Source,
    SourceError,
    open_source,
    plugin_schemes,
    register_scheme,
    schemes,
    source_class,
    unsupported,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "FetchContext",
    "Source",
    "SourceError",
    "open_source",
    "plugin_schemes",
    "register_scheme",
    "schemes",
    "source_class",
    "unsupported",
]
