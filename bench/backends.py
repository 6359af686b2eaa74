"""The console on a real Prometheus (Debian's ``prometheus`` and ``promtool``).

Figures:
- ``prom_poll_ms``: median time of one full poll (racks, unhealthy GPUs, 1 h of site
  power) through a real Prometheus holding the full site's series: the Tétouan hub's
  ``/metrics?detail=rack`` (3,520 racks x 5 rack series + 12 site series) plus the
  dcgm-exporter GPU series of one hall (34,560 GPUs x 7 series, 'hall' hub, hall A),
  with the console's recording rules loaded (``recording_rules_yaml``, ``use_rules``).
  ``prom_poll_adhoc_ms``: the same poll aggregating the GPU series at query time.
  Quick: the rack and site series only.
- ``prom_power_24h_ms`` / ``cache_power_24h_ms``: reading the same 24 h of site power
  (12 series at 10 s, 8,641 points each) from Prometheus (backfilled with promtool) and
  from the console's SQLite cache (a cold read; ``cache_power_24h_warm_ms`` when the
  reader already holds those rows); ``review_vs_prometheus_ratio`` = cache / Prometheus
  (below 1: the cache is faster).
- ``cache_power_bytes_per_sample`` / ``prometheus_bytes_per_sample``: stored bytes per
  (series, point) sample of those 24 h: the cache's power tables (the full-resolution
  blocks of ``console.cache.powerblock``, the 15-minute means and the flows' reasons, pages
  as SQLite holds them) and Prometheus's TSDB blocks (chunks + index + meta) as promtool
  wrote them.
- ``prom_stock_poll_ms``: the same poll on a stock stack (dcgm-exporter's default counters,
  snmp_exporter PDUs, Modbus meters) with only ``docs/stock-site.toml``: no hub series.
- Cost against the site's size (not with ``--quick``: about 5 minutes): ``prom_poll_ms_1of16``,
  ``_1of8``, ``_1of4``: the same poll with the recording rules against a Prometheus holding
  the Tétouan site's rack series and 1/16, 1/8, 1/4 of its per-GPU dcgm-exporter series
  (82,872 / 165,748 / 331,504 series: the GPUs of every 16th rack, 2 of 16, 4 of 16, so
  every hall and rack make), each with ``prom_series_``, ``prom_presence_ms_`` (which
  health signals are published), ``prom_rules_eval_s_`` (the rule group's last
  evaluation), ``prom_rss_mb_`` (Prometheus's memory) and ``prom_poll_min_ms_`` (the
  fastest of the 7 polls: the one Prometheus's own scrapes and rules disturbed least);
  ``prom_poll_ms_full_est``, ``prom_poll_min_ms_full_est`` and
  ``prom_rules_eval_s_full_est``: the least-squares line through the three taken to the
  whole site (1,325,952 series, 189,440 GPUs), which does not fit this machine (the
  scrape alone is 285 MB of text), and ``_growth``, the 1/4 site's figure over the 1/16's. The rules are evaluated every 60 s there (15 s in
  docs/prometheus_rules.yml), the GPU series scraped every 60 s, so Prometheus's own work
  disturbs the polls less on the 2 cores it shares with them.
Without the ``prometheus`` binary the module returns ``prom_available: 0``.
"""

from __future__ import annotations

import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from console.contract import POWER_FIELDS
from console.sources.base import FetchContext
from console.sources.prometheus import (
    POWER_METRICS,
    RULE_NAMES,
    PrometheusSource,
    recording_rules_yaml,
)

DAY = 86400.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Prometheus:
    """A prometheus process on 127.0.0.1 with the given scrape jobs."""

    def __init__(
        self,
        workdir: Path,
        jobs: list[tuple[str, str, str, str]],
        tsdb: Path,
        rules: Path | None = None,
    ) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        lines = [f"rule_files: ['{rules}']"] if rules else []
        lines.append("scrape_configs:")
        for name, address, path, interval in jobs:
            metrics_path, _, query = path.partition("?")
            lines += [f"  - job_name: {name}", f"    metrics_path: {metrics_path}",
                      f"    scrape_interval: {interval}", f"    scrape_timeout: {interval}"]  # fmt: skip
            if query:
                key, _, value = query.partition("=")
                lines += ["    params:", f"      {key}: ['{value}']"]
            lines += ["    static_configs:", f"      - targets: ['{address}']"]
        config = workdir / "prometheus.yml"
        config.write_text("\n".join(lines) + "\n")
        self.log = open(workdir / "prometheus.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tsdb}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--storage.tsdb.retention.time=30d"],
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait(self, query: str, timeout: float = 120.0) -> None:
        """Wait until ``query`` returns a non-empty vector."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("prometheus exited early")
            try:
                body = requests.get(
                    f"{self.url}/api/v1/query", params={"query": query}, timeout=5
                ).json()
                if body.get("data", {}).get("result"):
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"prometheus: no result for {query} within {timeout} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _median_ms(fn: Any, repeat: int, fastest: list[float] | None = None) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    if fastest is not None:
        fastest.append(round(min(times) * 1000, 1))
    return round(statistics.median(times) * 1000, 1)


def poll_figures(tmp: Path, quick: bool) -> dict[str, float]:
    """``prom_poll_ms`` at full site scale.

    The exposition texts are written once (the hubs are frozen) and served by a separate
    ``http.server`` process, so scrapes do not compete with the poll for this process.
    """
    from console.hub.sim import SimulatedHub

    www = tmp / "www"
    www.mkdir()
    site_hub = SimulatedHub("tetouan", seed=7)
    site_hub.inject("xid", "B-04-09", xid=79)
    (www / "site.prom").write_text(site_hub.metrics_text("rack"))
    port = _free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(www)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    jobs = [("site", f"127.0.0.1:{port}", "/site.prom", "5s")]
    if not quick:
        gpu_hub = SimulatedHub("hall", seed=7)
        gpu_hub.inject("xid", "A-03-07", xid=48)
        (www / "hall.prom").write_text(gpu_hub.metrics_text("gpu"))
        jobs.append(("dcgm", f"127.0.0.1:{port}", "/hall.prom", "30s"))
    (tmp / "poll").mkdir()
    rules = tmp / "poll" / "rules.yml"
    rules.write_text(recording_rules_yaml(interval="15s"))
    prom = _Prometheus(tmp / "poll", jobs, tmp / "poll" / "tsdb", rules=rules)
    out: dict[str, float] = {}
    repeat = 3 if quick else 5
    try:
        prom.wait('up{job="site"} == 1')
        if not quick:
            prom.wait("DCGM_FI_DEV_GPU_TEMP")
            prom.wait(RULE_NAMES["temp"])
            prom.wait(RULE_NAMES["unhealthy"])
        site_file = tmp / "site.json"
        site_file.write_text(json.dumps(site_hub.site()))
        for label, use_rules in (("prom_poll_ms", True), ("prom_poll_adhoc_ms", False)):
            with PrometheusSource(
                f"prometheus+{prom.url}", topology=str(site_file), use_rules=use_rules
            ) as src:
                topo = src.fetch("site", FetchContext())

                def poll(src: PrometheusSource = src, topo: Any = topo) -> None:
                    context = FetchContext(topology=topo, power_window_s=3600.0)
                    for kind in ("racks", "gpus", "power"):
                        src.fetch(kind, context)

                poll()  # warm the connection and the topology
                before = src.client.requests, src.client.bytes_received
                fastest: list[float] = []
                out[label] = _median_ms(poll, repeat, fastest)
                out[label.replace("_ms", "_min_ms")] = fastest[0]
                if use_rules:
                    out["prom_poll_requests"] = (src.client.requests - before[0]) / repeat
                    out["prom_poll_kb"] = round(
                        (src.client.bytes_received - before[1]) / repeat / 1e3
                    )
        series = requests.get(
            f"{prom.url}/api/v1/query", params={"query": "count({__name__=~'.+'})"}, timeout=30
        ).json()["data"]["result"][0]["value"][1]
        out["prom_series"] = float(series)
    finally:
        prom.stop()
        web.terminate()
        web.wait(timeout=10)
    return out


SCALE_PARTS = (1, 2, 4)
"""Sixteenths of the site's GPU series held by the Prometheus of each size measured."""


def _gpu_parts(text: str, site: dict[str, Any], parts: tuple[int, ...]) -> dict[int, str]:
    """The site's dcgm-exporter exposition cut to the GPUs of ``k`` racks in 16 (rack index
    modulo 16 below ``k``) for each ``k`` of ``parts``; the site and rack series left out."""
    from console.sources.slurm_decode import hub_rack_of

    index = {str(r["id"]): i % 16 for i, r in enumerate(site["racks"])}
    sixteenth: dict[str, int] = {}
    out: dict[int, list[str]] = {k: [] for k in parts}
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            if line.startswith(("# HELP DCGM", "# TYPE DCGM")):
                for lines in out.values():
                    lines.append(line)
            continue
        at = line.find('Hostname="')
        if at < 0:
            continue  # a site or rack series
        host = line[at + 10 : line.index('"', at + 10)]
        part = sixteenth.get(host)
        if part is None:
            rack = hub_rack_of(host.split(".")[0])
            part = sixteenth[host] = index.get(rack, 16) if rack else 16
        for k, lines in out.items():
            if part < k:
                lines.append(line)
    return {k: "".join(lines) for k, lines in out.items()}


def scale_figures(tmp: Path) -> dict[str, float]:
    """``prom_poll_ms_<size>`` at 1/16, 1/8 and 1/4 of the site's GPU series, each in a
    Prometheus of its own, and the line through them taken to the whole site."""
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("tetouan", seed=7)
    site = hub.site()
    for rack, xid in ((site["racks"][0]["id"], 79), (site["racks"][33]["id"], 48)):
        hub.inject("xid", rack, xid=xid)  # racks 0 and 1 of 16: in every size
    www = tmp / "scale"
    www.mkdir()
    (www / "site.prom").write_text(hub.metrics_text("rack"))
    for k, text in _gpu_parts(hub.metrics_text("gpu"), site, SCALE_PARTS).items():
        (www / f"gpu{k}.prom").write_text(text)
    del hub
    site_file = tmp / "scale-site.json"
    site_file.write_text(json.dumps(site))
    port = _free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(www)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    out: dict[str, float] = {}
    try:
        for k in SCALE_PARTS:
            out |= _scale_size(tmp / f"scale{k}", f"127.0.0.1:{port}", k, site_file)
    finally:
        web.terminate()
        web.wait(timeout=10)
    return out | full_site_estimates(out)


def full_site_estimates(figures: dict[str, float]) -> dict[str, float]:
    """``<figure>_full_est``: the least-squares line through the sizes' figures (against the
    share of the site's GPU series) at the whole site; ``<figure>_growth``: the largest
    size's figure over the smallest's (the series grew 4 times)."""
    import numpy as np

    out: dict[str, float] = {}
    x = np.array([k / 16 for k in SCALE_PARTS])
    for figure in ("prom_poll_ms", "prom_poll_min_ms", "prom_rules_eval_s"):
        y = np.array([figures[f"{figure}_1of{16 // k}"] for k in SCALE_PARTS])
        slope, at_zero = np.polyfit(x, y, 1)
        out[f"{figure}_full_est"] = round(float(at_zero + slope), 1 if figure.endswith("ms") else 2)
        out[f"{figure}_growth"] = round(float(y[-1] / y[0]), 2)
    return out


def _scale_size(work: Path, address: str, k: int, site_file: Path) -> dict[str, float]:
    """One size: a Prometheus scraping the rack series and ``k``/16 of the GPU series."""
    size = f"1of{16 // k}"
    work.mkdir()
    rules = work / "rules.yml"
    rules.write_text(recording_rules_yaml(interval="60s"))
    jobs = [("site", address, "/site.prom", "15s"), ("dcgm", address, f"/gpu{k}.prom", "60s")]
    prom = _Prometheus(work, jobs, work / "tsdb", rules=rules)
    out: dict[str, float] = {}
    try:
        prom.wait('up{job="site"} == 1')
        prom.wait('up{job="dcgm"} == 1', timeout=600)
        prom.wait(RULE_NAMES["unhealthy"], timeout=600)  # the group's last rule
        with PrometheusSource(
            f"prometheus+{prom.url}", topology=str(site_file), use_rules=True
        ) as src:
            topo = src.fetch("site", FetchContext())

            def poll(src: PrometheusSource = src, topo: Any = topo) -> None:
                context = FetchContext(topology=topo, power_window_s=3600.0)
                for kind in ("racks", "gpus", "power"):
                    src.fetch(kind, context)

            poll()  # the connections, the topology's host map, the signals published
            fastest: list[float] = []
            out[f"prom_poll_ms_{size}"] = _median_ms(poll, 7, fastest)
            out[f"prom_poll_min_ms_{size}"] = fastest[0]  # the least disturbed by the rules
            out[f"prom_presence_ms_{size}"] = _median_ms(
                lambda: src.present_metrics(max_age=0.0), 3
            )
        answer = requests.get(f"{prom.url}/api/v1/query", timeout=60,
                              params={"query": "count({__name__=~'.+'})"}).json()  # fmt: skip
        out[f"prom_series_{size}"] = float(answer["data"]["result"][0]["value"][1])
        groups = requests.get(f"{prom.url}/api/v1/rules", timeout=30).json()["data"]["groups"]
        out[f"prom_rules_eval_s_{size}"] = round(float(groups[0]["evaluationTime"]), 2)
        status = Path(f"/proc/{prom.proc.pid}/status")
        if status.exists():
            rss = next(ln for ln in status.read_text().splitlines() if ln.startswith("VmRSS"))
            out[f"prom_rss_mb_{size}"] = round(int(rss.split()[1]) / 1024)
    finally:
        prom.stop()
        shutil.rmtree(work, ignore_errors=True)
    return out


def stock_poll_figures(tmp: Path, quick: bool) -> dict[str, float]:
    """``prom_stock_poll_ms``: one poll (racks, GPUs, 1 h of power) of a stock stack with
    only docs/stock-site.toml: dcgm-exporter's default counters for 64 racks x 4 hosts x 8
    GPUs (16 with ``--quick``), hosts mapped by the topology's ``hosts`` lists, snmp_exporter
    PDU cords and Modbus meters (tests/integration/stock_exporters.py); no hub_* series."""
    import importlib.util

    from console.settings import load_settings, make_source

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "stock_exporters", root / "tests" / "integration" / "stock_exporters.py"
    )
    assert spec is not None and spec.loader is not None
    stock = importlib.util.module_from_spec(spec)
    sys.modules["stock_exporters"] = stock  # dataclasses look their module up
    spec.loader.exec_module(stock)
    n_racks = 16 if quick else 64
    racks = {f"A-{r // 16 + 1:02d}-{r % 16 + 1:02d}": [f"node-{r:03d}-{h}" for h in range(4)]
             for r in range(n_racks)}  # fmt: skip
    site = stock.StockSite(racks, gpus_per_host=8, xids={("node-003-1", 2): 79})
    www = tmp / "stock"
    www.mkdir()
    (www / "dcgm.prom").write_text(site.dcgm_text())
    (www / "snmp.prom").write_text(site.snmp_text())
    (www / "modbus.prom").write_text(site.modbus_text())
    (tmp / "stock-site.json").write_text(json.dumps(stock.topology(site)))
    port = _free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(www)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    address = f"127.0.0.1:{port}"
    jobs = [("dcgm", address, "/dcgm.prom", "5s"), ("pdu", address, "/snmp.prom", "5s"),
            ("meter", address, "/modbus.prom", "5s")]  # fmt: skip
    (tmp / "stockprom").mkdir()
    prom = _Prometheus(tmp / "stockprom", jobs, tmp / "stockprom" / "tsdb")
    out: dict[str, float] = {}
    try:
        prom.wait('up{job="meter"} == 1')
        prom.wait("DCGM_FI_DEV_GPU_TEMP")
        settings = load_settings(
            root / "docs" / "stock-site.toml", env={},
            overrides={"prometheus_url": prom.url, "site_topology": str(tmp / "stock-site.json")},
        )  # fmt: skip
        src = make_source(settings)
        try:
            topo = src.fetch("site", FetchContext())

            def poll() -> None:
                context = FetchContext(topology=topo, power_window_s=3600.0)
                for kind in ("racks", "gpus", "power"):
                    src.fetch(kind, context)

            poll()
            out["prom_stock_poll_ms"] = _median_ms(poll, 3 if quick else 5)
            out["prom_stock_gpus"] = float(topo.total_gpus)
            racks = src.fetch("racks", FetchContext(topology=topo))
            out["prom_stock_racks_reporting"] = float(
                sum(1 for v in racks["gpu_temp_max_c"] if v == v)
            )
        finally:
            src.close()
    finally:
        prom.stop()
        web.terminate()
        web.wait(timeout=10)
    return out


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def review_figures(tmp: Path, quick: bool) -> dict[str, float]:
    """24 h of site power: Prometheus (promtool backfill) against the console's cache."""
    from console.cache import Cache
    from console.decode import decode_power
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("rack", seed=7)
    end = hub.now
    start = end - DAY
    payload = hub.power(start, end, 10.0)
    t = payload["t"]
    names = dict(POWER_METRICS)
    lines = []
    for field in POWER_FIELDS:
        name = names[field]
        lines.append(f"# TYPE {name} gauge")
        lines += [f"{name} {v} {ts:.3f}" for ts, v in zip(t, payload[field], strict=True)
                  if v is not None]  # fmt: skip
    lines.append("# EOF")
    om = tmp / "power.om"
    om.write_text("\n".join(lines) + "\n")
    tsdb = tmp / "review" / "tsdb"
    tsdb.mkdir(parents=True)
    subprocess.run(
        ["promtool", "tsdb", "create-blocks-from", "openmetrics", str(om), str(tsdb)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    samples = sum(1 for f in POWER_FIELDS for v in payload[f] if v is not None)
    prom_bytes = _dir_bytes(tsdb)
    prom = _Prometheus(tmp / "review", [], tsdb)
    repeat = 3 if quick else 5
    try:
        _wait_ready(prom)
        with PrometheusSource(f"prometheus+{prom.url}") as src:
            ctx = FetchContext(power_since=start, power_window_s=DAY)
            got = src.fetch("power", ctx)
            prom_ms = _median_ms(lambda: src.fetch("power", ctx), repeat)
    finally:
        prom.stop()
    if int((~_isnan(got["it_mw"])).sum()) < len(t) * 0.9:
        raise RuntimeError("Prometheus returned less than 90 % of the backfilled power points")
    with Cache.open(tmp / "cache.db") as cache:
        cache.set_source("sim://rack")
        for k in range(0, len(t), 360):  # one write per hour of points
            window = {key: (v[k : k + 360] if isinstance(v, list) else v)
                      for key, v in payload.items()}  # fmt: skip
            cache.write_poll([decode_power(window)])
        cache.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        def cold() -> None:  # as the first jump of a review: nothing kept from before
            cache.forget_reads()
            cache.power(start, end)

        cache_ms = _median_ms(cold, repeat)
        warm_ms = _median_ms(lambda: cache.power(start, end), repeat)
        read = cache.power(start, end)
        try:
            rows = cache.conn.execute(
                "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'power%' GROUP BY name"
            ).fetchall()
            cache_bytes = sum(int(size) for _, size in rows)
        except Exception:
            cache_bytes = (tmp / "cache.db").stat().st_size
    return {
        "prom_power_24h_ms": prom_ms,
        "cache_power_24h_ms": cache_ms,
        "cache_power_24h_warm_ms": warm_ms,
        "review_vs_prometheus_ratio": round(cache_ms / prom_ms, 3) if prom_ms else float("nan"),
        "cache_power_points_24h": float(len(read)),
        "cache_power_bytes_per_sample": round(cache_bytes / samples, 3),
        "prometheus_bytes_per_sample": round(prom_bytes / samples, 3),
    }


def _isnan(values: Any) -> Any:
    import numpy as np

    return np.isnan(np.asarray(values, dtype=float))


def _wait_ready(prom: _Prometheus, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{prom.url}/-/ready", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError("prometheus not ready")


def run(quick: bool = False) -> dict[str, float]:
    """Measure the real-Prometheus figures (skipped without the binaries)."""
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        return {"prom_available": 0.0}
    out: dict[str, float] = {"prom_available": 1.0}
    with tempfile.TemporaryDirectory(prefix="bench-backends-") as name:
        tmp = Path(name)
        out |= stock_poll_figures(tmp, quick)
        out |= poll_figures(tmp, quick)
        if not quick:
            out |= scale_figures(tmp)
        out |= review_figures(tmp, quick)
    return out


if __name__ == "__main__":
    import sys

    print(json.dumps(run(quick="--quick" in sys.argv), indent=1))
