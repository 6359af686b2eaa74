"""Real servers for the integration tests (127.0.0.1 only).

Slurm (munged, slurmctld, slurmd, slurmrestd) is started by ``.ci/services.sh``, which
writes ``$HUBCI_DIR/env`` (default /tmp/hubci/env); Prometheus is started by the test
itself from Debian's ``prometheus`` binary. Without them the tests are skipped with
the reason, so the unit suite runs anywhere.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

HUBCI_DIR = Path(os.environ.get("HUBCI_DIR", "/tmp/hubci"))
REQUIRED = os.environ.get("HUBCI_REQUIRED") == "1"
"""Set by .ci/run: there the real servers must be up, so a missing one fails the test."""


def unavailable(reason: str) -> None:
    """Skip (anywhere) or fail (in CI, where the servers are part of the run)."""
    if REQUIRED:
        pytest.fail(f"integration server missing in CI: {reason}")
    pytest.skip(reason)


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of the services' env file."""
    out: dict[str, str] = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.startswith("#"):
            out[key.strip()] = value.strip()
    return out


@pytest.fixture(scope="session")
def slurm_env() -> dict[str, str]:
    """The running Slurm's URL, token and node (skips when .ci/services.sh did not run)."""
    if shutil.which("slurmrestd") is None:
        unavailable("slurmrestd not installed (Debian: slurmrestd; .ci/services.sh installs it)")
    env_file = HUBCI_DIR / "env"
    if not env_file.is_file():
        unavailable(f"real Slurm not started: run .ci/services.sh (no {env_file})")
    env = read_env_file(env_file)
    if not env.get("SLURM_JWT"):
        unavailable(f"no SLURM_JWT in {env_file}")
    return env


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrometheusProcess:
    """Debian's prometheus scraping the given targets every second, on 127.0.0.1."""

    def __init__(
        self,
        workdir: Path,
        targets: dict[str, tuple[str, str]],
        interval: str = "1s",
        rules: str | None = None,
    ):
        self.binary = shutil.which("prometheus")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        jobs = []
        for job, (address, path) in targets.items():
            metrics_path, _, query = path.partition("?")
            params = ""
            if query:
                key, _, value = query.partition("=")
                params = f"\n    params:\n      {key}: ['{value}']"
            jobs.append(
                f"  - job_name: {job}\n    metrics_path: {metrics_path}{params}\n"
                f"    scrape_interval: {interval}\n    scrape_timeout: {interval}\n"
                f"    static_configs:\n      - targets: ['{address}']"
            )
        self.config = workdir / "prometheus.yml"
        rule_files = ""
        if rules:
            (workdir / "rules.yml").write_text(rules)
            rule_files = f"rule_files: ['{workdir / 'rules.yml'}']\n"
        self.config.write_text(
            f"global:\n  scrape_interval: {interval}\n  evaluation_interval: {interval}\n"
            + rule_files
            + "scrape_configs:\n"
            + "\n".join(jobs)
            + "\n"
        )
        self.log = open(workdir / "prometheus.log", "wb")  # noqa: SIM115 - closed in stop()
        assert self.binary is not None
        self.process = subprocess.Popen(
            [
                self.binary,
                f"--config.file={self.config}",
                f"--storage.tsdb.path={workdir / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--storage.tsdb.retention.time=1d",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_up(self, job: str, timeout: float = 60.0) -> None:
        """Wait until ``up{job=...} == 1`` has a sample."""
        self.wait_for(f'up{{job="{job}"}} == 1', timeout)

    def wait_for(self, query: str, timeout: float = 60.0) -> None:
        """Wait until ``query`` has a result."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"prometheus exited: {(self.workdir / 'prometheus.log').read_text()[-2000:]}"
                )
            try:
                r = requests.get(
                    f"{self.url}/api/v1/query", params={"query": query}, timeout=2
                ).json()
                if r["data"]["result"]:
                    return
            except (requests.RequestException, ValueError, KeyError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"prometheus: no result for {query} within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def prometheus_factory(tmp_path: Path) -> Iterator[type]:
    """Start Prometheus processes for a test; all are stopped after it."""
    if shutil.which("prometheus") is None:
        unavailable("prometheus not installed (Debian: prometheus; .ci/services.sh installs it)")
    started: list[PrometheusProcess] = []

    def start(
        targets: dict[str, tuple[str, str]], interval: str = "1s", rules: str | None = None
    ) -> PrometheusProcess:
        proc = PrometheusProcess(tmp_path / f"prom{len(started)}", targets, interval, rules)
        started.append(proc)
        return proc

    for d in range(4):
        (tmp_path / f"prom{d}").mkdir()
    yield start  # type: ignore[misc]
    for proc in started:
        proc.stop()
