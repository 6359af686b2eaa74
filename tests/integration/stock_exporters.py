"""Stand-ins for a stock site's exporters, served over HTTP on 127.0.0.1.

- ``/metrics``: NVIDIA dcgm-exporter 3.x as shipped: the enabled fields of its
  ``etc/default-counters.csv`` (ECC, throttle time and the DCGM_EXP_* fields are commented
  out there, so absent here), one series per GPU with the exporter's label set
  (``gpu``, ``UUID``, ``pci_bus_id``, ``device``, ``modelName``, ``Hostname``,
  ``DCGM_FI_DRIVER_VERSION``), ``# HELP`` / ``# TYPE`` lines as the exporter writes them.
- ``/snmp``: rack PDUs as snmp_exporter renders ServerTech's Sentry4-MIB
  (``st4InputCordActivePower`` in W, index labels ``st4UnitIndex``/``st4InputCordIndex``;
  the PDU is the scrape target, so ``pdu`` stands in for the target's relabelled name).
- ``/modbus``: revenue meters as a Modbus meter exporter publishes them
  (``meter_active_power_watts{meter="facility"|"grid"}``).

Not the simulated hub's /metrics: none of its ``hub_*`` series exist here. Values are fixed,
so a test can compare what the console shows with what was served.
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEFAULT_COUNTERS: tuple[tuple[str, str, str], ...] = (
    ("DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz)."),
    ("DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz)."),
    ("DCGM_FI_DEV_MEMORY_TEMP", "gauge", "Memory temperature (in C)."),
    ("DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C)."),
    ("DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W)."),
    ("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter",
     "Total energy consumption since boot (in mJ)."),
    ("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "counter", "Total number of PCIe retries."),
    ("DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %)."),
    ("DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %)."),
    ("DCGM_FI_DEV_ENC_UTIL", "gauge", "Encoder utilization (in %)."),
    ("DCGM_FI_DEV_DEC_UTIL", "gauge", "Decoder utilization (in %)."),
    ("DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered."),
    ("DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB)."),
    ("DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB)."),
    ("DCGM_FI_DEV_FB_RESERVED", "gauge", "Framebuffer memory reserved (in MiB)."),
    ("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", "counter",
     "Total number of NVLink bandwidth counters for all lanes."),
    ("DCGM_FI_DEV_VGPU_LICENSE_STATUS", "gauge", "vGPU License status"),
    ("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "counter",
     "Number of remapped rows for uncorrectable errors"),
    ("DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", "counter",
     "Number of remapped rows for correctable errors"),
    ("DCGM_FI_DEV_ROW_REMAP_FAILURE", "gauge", "Whether remapping of rows has failed"),
    ("DCGM_FI_PROF_GR_ENGINE_ACTIVE", "gauge", "Ratio of time the graphics engine is active."),
    ("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "gauge",
     "Ratio of cycles the tensor (HMMA) pipe is active."),
    ("DCGM_FI_PROF_DRAM_ACTIVE", "gauge",
     "Ratio of cycles the device memory interface is active sending or receiving data."),
    ("DCGM_FI_PROF_PCIE_TX_BYTES", "gauge",
     "The rate of data transmitted over the PCIe bus - including both protocol headers and "
     "data payloads - in bytes per second."),
    ("DCGM_FI_PROF_PCIE_RX_BYTES", "gauge",
     "The rate of data received over the PCIe bus - including both protocol headers and "
     "data payloads - in bytes per second."),
)  # fmt: skip
"""The enabled lines of dcgm-exporter's etc/default-counters.csv (field, type, help)."""


@dataclass
class Gpu:
    host: str
    index: int
    temp: int
    power_w: float
    util: int
    xid: int = 0

    @property
    def uuid(self) -> str:
        crc = zlib.crc32(self.host.encode())
        return f"GPU-{crc:08x}-5b1c-4f2e-9a0d-{self.index:012d}"


@dataclass
class StockSite:
    """Racks of hosts with GPUs, the PDUs' cords and the site meters, all fixed values."""

    racks: dict[str, list[str]]
    """rack id -> host names (the topology's racks[].hosts)."""
    gpus_per_host: int = 4
    model: str = "NVIDIA H200"
    driver: str = "550.54.15"
    host_label: str = "Hostname"
    xids: dict[tuple[str, int], int] = field(default_factory=dict)
    cord_w: float = 5200.0
    """Each rack has two PDUs with one input cord each, drawing this much."""
    facility_w: float = 27_040.0
    grid_w: float = 10_000.0
    extra_hosts: tuple[str, ...] = ()
    """Hosts with GPUs that no rack lists (a login node)."""

    def gpus(self) -> list[Gpu]:
        out = []
        hosts = [h for hs in self.racks.values() for h in hs] + list(self.extra_hosts)
        for n, host in enumerate(hosts):
            for i in range(self.gpus_per_host):
                out.append(Gpu(host, i, temp=38 + (n * 3 + i) % 50, power_w=82.0 + (100 * n) % 600 + 10 * i,
                               util=(10 * n + 5 * i) % 101, xid=self.xids.get((host, i), 0)))  # fmt: skip
        return out

    def it_w(self) -> float:
        return 2 * self.cord_w * len(self.racks)

    def dcgm_text(self) -> str:
        gpus = self.gpus()
        lines = []
        for name, kind, help_text in DEFAULT_COUNTERS:
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {kind}")
            for g in gpus:
                labels = (
                    f'gpu="{g.index}",UUID="{g.uuid}",pci_bus_id="00000000:{0x18 + g.index:02X}:00.0",'
                    f'device="nvidia{g.index}",modelName="{self.model}",'
                    f'{self.host_label}="{g.host}",DCGM_FI_DRIVER_VERSION="{self.driver}"'
                )
                lines.append(f"{name}{{{labels}}} {self._value(name, g)}")
        return "\n".join(lines) + "\n"

    @staticmethod
    def _value(name: str, g: Gpu) -> str:
        values = {
            "DCGM_FI_DEV_GPU_TEMP": g.temp, "DCGM_FI_DEV_MEMORY_TEMP": g.temp + 4,
            "DCGM_FI_DEV_POWER_USAGE": f"{g.power_w:.3f}", "DCGM_FI_DEV_GPU_UTIL": g.util,
            "DCGM_FI_DEV_XID_ERRORS": g.xid, "DCGM_FI_DEV_SM_CLOCK": 1980,
            "DCGM_FI_DEV_MEM_CLOCK": 2619, "DCGM_FI_DEV_FB_USED": 1024, "DCGM_FI_DEV_FB_FREE": 142000,
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": 123456789,
            "DCGM_FI_PROF_GR_ENGINE_ACTIVE": f"{g.util / 100:.6f}",
        }  # fmt: skip
        return str(values.get(name, 0))

    def snmp_text(self) -> str:
        lines = ["# HELP st4InputCordActivePower The measured active power of the input cord "
                 "in Watts. - 1.3.6.1.4.1.1718.4.1.3.3.1.3",
                 "# TYPE st4InputCordActivePower gauge"]  # fmt: skip
        for rack in self.racks:
            for pdu in ("a", "b"):
                lines.append(
                    f'st4InputCordActivePower{{pdu="pdu-{rack.lower()}-{pdu}",'
                    f'st4InputCordIndex="1",st4UnitIndex="1"}} {self.cord_w:g}'
                )
        return "\n".join(lines) + "\n"

    def modbus_text(self) -> str:
        return (
            "# HELP meter_active_power_watts Active power at the meter.\n"
            "# TYPE meter_active_power_watts gauge\n"
            f'meter_active_power_watts{{meter="facility",unit_id="1"}} {self.facility_w:g}\n'
            f'meter_active_power_watts{{meter="grid",unit_id="2"}} {self.grid_w:g}\n'
        )


class ExporterServer:
    """The stand-ins on 127.0.0.1 (one server, a path per exporter)."""

    def __init__(self, site: StockSite) -> None:
        self.site = site
        texts = {"/metrics": site.dcgm_text, "/snmp": site.snmp_text,
                 "/modbus": site.modbus_text}  # fmt: skip

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                make = texts.get(self.path.split("?")[0])
                if make is None:
                    self.send_error(404)
                    return
                body = make().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> ExporterServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def topology(site: StockSite) -> dict:
    """The site layout in the hub's /api/v1/site shape, racks listing their hosts."""
    racks = []
    for i, (rack, hosts) in enumerate(site.racks.items()):
        racks.append({"id": rack, "hall": rack[0], "row": rack[:4], "x": float(i), "y": 0.0,
                      "w": 0.6, "h": 1.2, "capacity_kw": 45.0,
                      "gpus": site.gpus_per_host * len(hosts), "hosts": list(hosts)})  # fmt: skip
    return {"time": time.time(), "name": "stock site", "halls": [{"id": "A", "gpu_model": site.model}],
            "racks": racks}  # fmt: skip


@contextmanager
def serve_stock_site(site: StockSite, prometheus_factory: Any, folder: Path) -> Iterator[Any]:
    """The site's exporters served and scraped by a real Prometheus until every job is up
    and a meter sample is older than one 10 s power step (so the last grid point has a
    value); yields ``(prometheus, site layout file)``."""
    server = ExporterServer(site).start()
    try:
        prom = prometheus_factory({"dcgm": (server.address, "/metrics"),
                                   "pdu": (server.address, "/snmp"),
                                   "meter": (server.address, "/modbus")})  # fmt: skip
        for job in ("dcgm", "pdu", "meter"):
            prom.wait_up(job)
        prom.wait_for("meter_active_power_watts offset 11s", timeout=90)
        site_file = folder / "site.json"
        site_file.write_text(json.dumps(topology(site)))
        yield prom, site_file
    finally:
        server.stop()
