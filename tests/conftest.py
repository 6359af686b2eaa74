"""Shared fixtures: offscreen Qt, isolated settings and data dirs, a loopback simulated hub."""

from __future__ import annotations

import os
import threading

# Widget tests run offscreen; the one real-window test starts its own Xvfb process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep QSettings, config and cache of every test under a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("HUB_TOKEN", raising=False)
    monkeypatch.delenv("SLURM_JWT", raising=False)


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> object:
    """Fail a test that leaves non-daemon threads running."""
    before = set(threading.enumerate())
    yield
    leaked = [
        t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon
    ]
    for t in leaked:
        t.join(timeout=5)
    leaked = [t for t in leaked if t.is_alive()]
    assert not leaked, f"test left threads running: {leaked}"


@pytest.fixture(scope="session")
def hall_hub() -> object:
    """A simulated hub at 'hall' scale (480 racks), shared read-mostly by tests."""
    from console.hub.sim import SimulatedHub

    return SimulatedHub(scale="hall", seed=11, start=1_780_000_000.0)


@pytest.fixture
def hub_server() -> object:
    """A simulated hub ('hall' scale) served on an ephemeral 127.0.0.1 port."""
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="hall", seed=5)
    server = HubServer(hub, port=0, tick_s=0.5).start()
    yield server
    server.stop()
