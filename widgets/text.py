"""Text from outside (tenants, users, job names, hub messages) made safe to show.

Two hazards: Qt guesses rich text from a string's content (a tooltip holding
``<img src=…>`` would load it), and right-to-left or bidi-control characters in a
tenant's name can reorder the text around it ("job 42 of <RTL name> on A-07-04" shown
with the rack id inside the name). :func:`isolate` wraps such text in Unicode
first-strong isolates (U+2068 … U+2069) after removing the explicit bidi controls it
carries; :func:`plain_tooltip` escapes text for a tooltip so it shows as typed.
"""

from __future__ import annotations

import html

FSI = "\u2068"
"""FIRST STRONG ISOLATE: the isolated text takes its direction from its own first letter."""
PDI = "\u2069"
"""POP DIRECTIONAL ISOLATE: ends the isolate."""
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)
"""Explicit embeddings, overrides, isolates and marks (LRE … RLO, LRI … PDI, LRM, RLM, ALM)."""


def isolate(text: object) -> str:
    """``text`` as a bidi-isolated run: its direction never leaks into the line around it.

    Explicit bidi controls inside it are dropped first, so an unmatched PDI or an
    override in a tenant's name cannot end the isolate early or flip what follows.
    """
    s = "" if text is None else str(text)
    return FSI + s.translate(_BIDI_CONTROLS) + PDI if s else ""


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` exactly as typed (escaped; line breaks kept)."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text, quote=False) + "</p>" if text else ""
