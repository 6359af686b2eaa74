"""``sim://SCALE``: the simulated hub, served in-process on a loopback port."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from console.hub.params import SCALES
from console.hub.server import HubServer
from console.hub.sim import SimulatedHub
from console.sources.hub import HubApiSource


def parse_sim_url(url: str) -> tuple[str, int]:
    """``sim://tetouan?seed=3`` -> ("tetouan", 3). ValueError on an unknown scale."""
    parts = urlsplit(url)
    scale = parts.netloc or parts.path.strip("/") or "tetouan"
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r} in {url!r}; choose {', '.join(SCALES)}")
    seed = parse_qs(parts.query).get("seed", ["7"])[0]
    try:
        return scale, int(seed)
    except ValueError:
        raise ValueError(f"seed must be an integer in {url!r}") from None


class SimSource(HubApiSource):
    """Starts a :class:`SimulatedHub` behind a real HTTP server on 127.0.0.1.

    The console then reads it exactly as it reads a real hub, over HTTP.
    """

    backend = "simulated hub"

    def __init__(self, url: str = "sim://tetouan", tick_s: float = 2.0, **options: Any) -> None:
        scale, seed = parse_sim_url(url)
        self.hub = SimulatedHub(scale=scale, seed=seed)
        self.server = HubServer(self.hub, port=0, tick_s=tick_s)
        options.pop("token", None)
        super().__init__(self.server.url, **options)
        self.url = url

    @property
    def display_url(self) -> str:
        return self.url

    def start(self) -> None:
        self.server.start()

    def close(self) -> None:
        super().close()
        self.server.stop()
