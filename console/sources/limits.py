"""Limits of one HTTP request (time, size) and the secrets kept out of every message: the
parts of :mod:`console.sources.http` that settings and messages need, without ``requests``
(imported once a source makes its first request, not at start-up)."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from console.urls import USERINFO

MB = 1 << 20

# --- limits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How long and how much one request may take."""

    timeout: tuple[float, float] = (2.0, 5.0)
    """``requests``' (connect, read) timeouts: each socket read, not the whole answer."""
    deadline_s: float = 20.0
    """The whole request, from the first connect to the last byte (retries included)."""
    max_body_mb: float = 64.0
    """The most of a body read, counted after decompression."""

    @property
    def max_bytes(self) -> int:
        return int(self.max_body_mb * MB)


HUB_LIMITS = Limits((2.0, 5.0), 20.0, 64.0)
"""The hub API: its largest answer at full scale is the job queue, 2.4 MB (the site 1.1 MB)."""
PROMETHEUS_LIMITS = Limits((2.0, 15.0), 30.0, 128.0)
"""Prometheus: the per-host aggregates at full scale are about 3 MB (40,960 hosts); every
GPU's series with dcgm-exporter's labels would be about 60 MB (189,440 GPUs)."""
SLURM_LIMITS = Limits((2.0, 10.0), 60.0, 1024.0)
"""slurmrestd pretty-prints: the full site's 7,100 jobs are about 145 MB, its 40,960 nodes
about 100 MB (20 kB and 2.5 kB a record as recorded from 24.05 and 25.11); the job list is
also held to ``console.sources.slurm.MAX_JOBS_BYTES`` once its white space is left out."""


def limits_from(
    table: Mapping[str, Any], default: Limits, where: str = ""
) -> Limits:
    """``default`` with ``timeout_connect``, ``timeout_read``, ``deadline_s`` and
    ``max_body_mb`` taken from a settings table (ValueError naming ``where`` and the key
    for a value that is not a positive number)."""

    def number(key: str, fallback: float) -> float:
        if key not in table:
            return fallback
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"{where}'{key}' must be a positive number".strip())
        return float(value)

    return Limits(
        (number("timeout_connect", default.timeout[0]), number("timeout_read", default.timeout[1])),
        number("deadline_s", default.deadline_s),
        number("max_body_mb", default.max_body_mb),
    )


# --- secrets ----------------------------------------------------------------------------------

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
SECRET_HEADERS = ("authorization", "proxy-authorization", "x-api-key", "x-auth-token")
"""Request headers (lower case) whose values are credentials."""
MIN_SECRET_LEN = 4
"""Shorter values are not searched for (they would blank out ordinary words)."""
_USERINFO = USERINFO
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}")
"""A credential after its scheme word: 8 or more token characters, a digit among them (so
"Basic authentication required" stays as it is)."""


def remember_secret(value: str | None) -> None:
    """Add a token or password in use to those :func:`redact` removes."""
    if value and len(value) >= MIN_SECRET_LEN:
        with _SECRETS_LOCK:
            _SECRETS.add(value)


def redact(text: str) -> str:
    """``text`` (from a server, an exception, a URL) without the secrets in use, URL user
    info and ``Bearer``/``Basic`` credentials: each becomes ``***``."""
    if not text:
        return text
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    text = _USERINFO.sub(r"\1***@", text)
    return _BEARER.sub(r"\1 ***", text)


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``(url without user:password, (user, password))``; the URL as given and None when
    it carries no password (a user name alone is no secret)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url, None
    if password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    user, password = unquote(parts.username or ""), unquote(password)
    remember_secret(password)
    return urlunsplit(parts._replace(netloc=host)), (user, password)
