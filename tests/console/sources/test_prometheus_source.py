"""PrometheusSource over real HTTP against recorded Prometheus 2.42 answers and built ones."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from backend_http import FIXTURES, FakeBackend, Request, fixture_reply, json_reply

from console.decode import decode_site
from console.model import SiteTopology
from console.sources.base import FetchContext, SourceError, open_source
from console.sources.prometheus import POWER_METRICS, PrometheusSource
from console.sources.promql import MAX_POINTS, PromClient, split_ranges

PROM = FIXTURES / "prometheus"
NOW = 1_795_892_394.0


def site(*rack_ids: str) -> SiteTopology:
    """A small topology in the hub's /api/v1/site shape."""
    racks = [
        {"id": r, "hall": r[0], "row": r[:4], "x": float(i), "y": 0.0, "w": 0.6, "h": 1.2,
         "capacity_kw": 130.0, "gpus": 72}
        for i, r in enumerate(rack_ids)
    ]  # fmt: skip
    return decode_site({"time": NOW, "halls": [{"id": "A"}], "racks": racks})


def vector(items: list[tuple[dict[str, str], Any]], warnings: list[str] | None = None) -> bytes:
    body: dict[str, Any] = {
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [{"metric": m, "value": [NOW, str(v)]} for m, v in items],
        },
    }
    if warnings:
        body["warnings"] = warnings
    return json.dumps(body).encode()


EMPTY = vector([])


def promql(answers: dict[str, bytes | Callable[[Request], tuple]]) -> Callable[[Request], tuple]:
    """Answer a query by the first key found in it (else an empty vector)."""

    def route(req: Request) -> tuple:
        query = req.params.get("query", [""])[0]
        for key, answer in answers.items():
            if key in query:
                return answer(req) if callable(answer) else (200, "application/json", answer)
        return 200, "application/json", EMPTY

    return route


def serve(answers: dict[str, Any], prefix: str = "") -> FakeBackend:
    route = promql(answers)
    return FakeBackend({f"{prefix}/api/v1/query": route, f"{prefix}/api/v1/query_range": route})


def test_recorded_dcgm_vectors_aggregate_to_racks() -> None:
    answers = {
        "max by (Hostname, hostname) (DCGM_FI_DEV_GPU_TEMP)": (PROM / "query-vector-avg-util-by-host.json").read_bytes(),
        "DCGM_FI_DEV_GPU_TEMP >=": (PROM / "query-vector-gpu-temp.json").read_bytes(),
    }  # fmt: skip
    with serve(answers) as backend:
        src = PrometheusSource(
            f"prometheus+{backend.url}", topology=site("A-01-01", "A-01-02"),
            host_racks={"vm": "A-01-01"}, hot_c=40,
        )  # fmt: skip
        racks = src.fetch("racks", FetchContext())
        gpus = src.fetch("gpus", FetchContext())
        src.close()
    assert racks["gpu_temp_max_c"][0] == 45 and math.isnan(racks["gpu_temp_max_c"][1])
    recorded = json.loads((PROM / "query-vector-gpu-temp.json").read_bytes())["data"]["result"]
    hot = [r for r in recorded if float(r["value"][1]) >= 40]
    assert len(gpus.gpus) == len(hot) > 0
    assert {g["uuid"] for g in gpus.gpus} == {r["metric"]["UUID"] for r in hot}
    assert all(g["rack"] == "A-01-01" and g["status"] == "degraded" for g in gpus.gpus)
    assert racks["gpus_unhealthy"][0] == len(hot)


@pytest.mark.parametrize(("host_label", "uuid_label"), [("Hostname", "UUID"), ("hostname", "uuid")])
def test_label_spellings(host_label: str, uuid_label: str) -> None:
    def gpu(host: str, i: int) -> dict[str, str]:
        return {host_label: host, uuid_label: f"GPU-{host}-{i}", "gpu": str(i)}

    answers = {
        "max by (Hostname, hostname) (DCGM_FI_DEV_GPU_TEMP)": vector(
            [({host_label: "a07-13-n01"}, 61), ({host_label: "a07-13-n02"}, 70),
             ({host_label: "b01-01-n01"}, 55)]
        ),
        "sum by (Hostname, hostname) (DCGM_FI_DEV_GPU_UTIL)": vector(
            [({host_label: "a07-13-n01"}, 300), ({host_label: "a07-13-n02"}, 100)]
        ),
        "count by (Hostname, hostname) (DCGM_FI_DEV_GPU_UTIL)": vector(
            [({host_label: "a07-13-n01"}, 4), ({host_label: "a07-13-n02"}, 4)]
        ),
        "sum by (Hostname, hostname) (DCGM_FI_DEV_POWER_USAGE)": vector(
            [({host_label: "a07-13-n01"}, 2400), ({host_label: "a07-13-n02"}, 2000)]
        ),
        "DCGM_FI_DEV_XID_ERRORS": vector([(gpu("a07-13-n02", 3), 79)]),
        "DCGM_FI_DEV_ECC_DBE": vector([(gpu("a07-13-n01", 0), 2)]),
    }  # fmt: skip
    with serve(answers) as backend:
        with PrometheusSource(
            f"prometheus+{backend.url}", topology=site("A-07-13", "B-01-01")
        ) as src:
            racks = src.fetch("racks", FetchContext())
            gpus = src.fetch("gpus", FetchContext())
            assert src.unmapped_hosts == set()
    assert racks["gpu_temp_max_c"].tolist() == [70, 55]
    assert racks["gpu_util_mean"][0] == pytest.approx(50.0)
    assert racks["power_kw"][0] == pytest.approx(4.4)
    by_uuid = {g["uuid"]: g for g in gpus.gpus}
    assert by_uuid["GPU-a07-13-n02-3"]["status"] == "off_bus"
    assert by_uuid["GPU-a07-13-n02-3"]["node"] == "A-07-13-n02"
    assert by_uuid["GPU-a07-13-n02-3"]["slot"] == 3
    assert by_uuid["GPU-a07-13-n01-0"]["status"] == "failed"
    assert gpus.counts["off_bus"] == 1 and gpus.counts["failed"] == 1


def test_hub_rack_series_preferred() -> None:
    answers = {
        "hub_rack_": vector(
            [({"__name__": "hub_rack_power_kw", "rack": "A-07-13"}, 118.5),
             ({"__name__": "hub_rack_inlet_c", "rack": "A-07-13"}, 24.0),
             ({"__name__": "hub_rack_alarm_level", "rack": "A-07-13"}, 2),
             ({"__name__": "hub_rack_pdu_load_kw", "rack": "A-07-13", "feed": "A"}, 60.0),
             ({"__name__": "hub_rack_pdu_load_kw", "rack": "A-07-13", "feed": "B"}, 58.5),
             ({"__name__": "hub_rack_power_kw", "rack": "Z-99-99"}, 1.0)]
        ),
    }  # fmt: skip
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site("A-07-13")) as src:
            racks = src.fetch("racks", FetchContext())
    assert racks["power_kw"][0] == pytest.approx(118.5) and racks["inlet_c"][0] == 24.0
    assert racks.unknown_ids == ("Z-99-99",)
    assert racks["alarm"][0] == 2 and racks["gpus_unhealthy"][0] == 0
    assert racks["pdu_a_kw"][0] == 60.0 and racks["pdu_b_kw"][0] == 58.5


def matrix_for(req: Request, values: Callable[[str, float], str]) -> tuple:
    """A range answer with every power metric of the query on the requested grid."""
    start = float(req.params["start"][0])
    end = float(req.params["end"][0])
    step = float(req.params["step"][0])
    if (end - start) / step + 1 > MAX_POINTS:
        return fixture_reply("prometheus/error-400-query_range-too-many-points.json", 400)
    t = np.arange(start, end + step / 2, step)
    names = req.params["query"][0].split('"')[1].replace("\\", "").split("|")
    result = [
        {"metric": {"__name__": n, "job": "hub"}, "values": [[x, values(n, x)] for x in t]}
        for n in names
        if n != POWER_METRICS["renewable_share_pct"]
    ]
    body = {"status": "success", "data": {"resultType": "matrix", "result": result}}
    return 200, "application/json", json.dumps(body).encode()


def power_value(name: str, t: float) -> str:
    return {
        "hub_site_facility_load_mw": "300",
        "hub_grid_import_mw": "120",
        "hub_site_pue": "NaN" if int(t) % 100 == 0 else "1.2",
        "hub_site_solar_mw": "+Inf" if int(t) % 1000 == 10 else "80",
    }.get(name, "50")


def test_power_series_split_and_renewable_share() -> None:
    backend = serve({"hub_site": lambda req: matrix_for(req, power_value)})
    with backend, PrometheusSource(f"prometheus+{backend.url}", power_step=1.0) as src:
        snap = src.fetch("power", FetchContext(power_window_s=30 * 3600))
    ranges = [r for r in backend.requests if r.path.endswith("query_range")]
    assert len(ranges) == len(split_ranges(0, 30 * 3600, 1.0)) == 11
    assert len(snap) == 30 * 3600 + 1
    assert not np.isnan(snap["it_mw"]).any()  # chunks joined without gaps
    assert np.nanmax(snap["renewable_share_pct"]) == pytest.approx(60.0)  # (300-120)/300
    assert np.isnan(snap["pue"]).sum() > 0 and snap.invalid_values > 0  # NaN/+Inf flagged
    assert np.isnan(snap["solar_mw"]).sum() == snap.invalid_values - np.isnan(snap["pue"]).sum()


def test_split_ranges_stay_under_limit() -> None:
    for span, step in ((86400 * 7, 10.0), (11_000, 1.0), (10_999, 1.0), (5, 1.0)):
        ranges = split_ranges(0, span, step)
        assert all((e - s) / step + 1 <= MAX_POINTS for s, e in ranges)
        assert ranges[0][0] == 0 and ranges[-1][1] == span
        assert all(b[0] - a[1] == step for a, b in zip(ranges, ranges[1:], strict=False))


def test_long_query_is_posted_with_base_path_and_headers() -> None:
    backend = serve({"up": vector([({"job": "x"}, 1)])}, prefix="/prometheus")
    with backend:
        client = PromClient(f"{backend.url}/prometheus", headers={"X-Scope-OrgID": "hub"})
        short = client.query("up")
        long_query = "up or " + " or ".join(f'up{{instance="h{i:04d}"}}' for i in range(100))
        client.query(long_query)
        client.close()
    assert short.series[0].value == 1
    get, post = backend.requests
    assert get.method == "GET" and post.method == "POST"
    assert post.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert post.params["query"] == [long_query]
    assert get.headers["X-Scope-OrgID"] == post.headers["X-Scope-OrgID"] == "hub"
    assert get.path == "/prometheus/api/v1/query"


@pytest.mark.parametrize(
    ("reply", "expect"),
    [
        (fixture_reply("prometheus/error-400-bad-promql.json", 400), "bad_data: invalid parameter"),
        (
            fixture_reply("prometheus/error-400-query_range-too-many-points.json", 400),
            "bad_data: exceeded maximum resolution",
        ),
        (
            json_reply(b'{"status":"error","errorType":"execution","error":"many-to-many"}', 422),
            "execution: many-to-many",
        ),
        (
            json_reply(b'{"status":"error","errorType":"timeout","error":"query timed out"}', 503),
            "timeout: query timed out",
        ),
        (
            json_reply(vector([({"rack": "A-07-13"}, 1)], ["store s1 unreachable"])),
            "partial response: store s1 unreachable",
        ),
        ((502, "text/html", b"<html>bad gateway</html>"), "not a Prometheus API answer"),
        ((401, "text/plain", b"no"), "access refused"),
    ],
)
def test_errors_are_one_clear_line(reply: tuple, expect: str) -> None:
    with FakeBackend({"/api/v1/query": reply}) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site("A-07-13")) as src:
            with pytest.raises(SourceError) as err:
                src.fetch("racks", FetchContext())
    assert str(err.value).startswith("Prometheus: ") and expect in str(err.value)
    assert "\n" not in str(err.value)


def test_partial_answers_accepted_when_configured() -> None:
    answers = {"hub_rack_": vector([({"__name__": "hub_rack_power_kw", "rack": "A-07-13"}, 5)],
                                   ["partial"])}  # fmt: skip
    with serve(answers) as backend:
        src = PrometheusSource(
            f"prometheus+{backend.url}", topology=site("A-07-13"), accept_partial=True
        )
        assert src.fetch("racks", FetchContext())["power_kw"][0] == 5
        src.close()


def test_series_without_host_labels() -> None:
    answers = {"max by (Hostname, hostname)": vector([({}, 61)])}
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site("A-07-13")) as src:
            with pytest.raises(SourceError, match="no Hostname/hostname label"):
                src.fetch("racks", FetchContext())


def test_nothing_scraped_is_an_error_not_zero() -> None:
    with serve({}) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site("A-07-13")) as src:
            with pytest.raises(SourceError, match="no rack or GPU series"):
                src.fetch("racks", FetchContext())
            # Issue 13: no hub_site_* series is a power kind with reasons, not an error
            # that kills the whole export ("no site power series").
            power = src.fetch("power", FetchContext(power_window_s=60))
    assert len(power) and all(np.isnan(v).all() for v in power.fields.values())
    assert power.missing["it_mw"].startswith("no data: hub_site_it_load_mw")
    assert power.missing["pue"] == "n/a: facility load: no data: hub_site_facility_load_mw " \
        "returned no series in the window"


def test_recorded_scalar_matrix_and_empty() -> None:
    answers = {
        "scalar": (PROM / "query-scalar.json").read_bytes(),
        "empty": (PROM / "query-vector-empty.json").read_bytes(),
        "GPU_UTIL": lambda req: fixture_reply("prometheus/query_range-matrix-gpu-util.json"),
    }
    with serve(answers) as backend:
        client = PromClient(backend.url)
        assert client.query("scalar(x)").series[0].value == pytest.approx(977.026)
        assert client.query("empty").series == []
        util = client.query_range("DCGM_FI_DEV_GPU_UTIL", NOW - 15, NOW, 1.0)
        client.close()
    recorded = json.loads((PROM / "query_range-matrix-gpu-util.json").read_bytes())
    assert len(util.series) == len(recorded["data"]["result"])
    assert util.series[0].labels["Hostname"] == "vm"


def test_rack_detail_from_gpu_series() -> None:
    labels = {"Hostname": "a07-13-n02", "UUID": "GPU-1", "gpu": "1", "modelName": "NVIDIA GB200"}
    answers = {
        "a07\\\\-13\\\\-": vector(
            [({**labels, "__name__": "DCGM_FI_DEV_GPU_TEMP"}, 66),
             ({**labels, "__name__": "DCGM_FI_DEV_POWER_USAGE"}, 690.5),
             ({**labels, "__name__": "DCGM_FI_DEV_XID_ERRORS"}, 0)]
        )
    }  # fmt: skip
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site("A-07-13")) as src:
            detail = src.fetch_rack("A-07-13")
    gpu = detail.nodes[0]["gpus"][0]
    assert detail.nodes[0]["id"] == "A-07-13-n02"
    assert gpu["temp_c"] == 66 and gpu["power_w"] == 690.5 and gpu["xid"] is None
    assert gpu["status"] == "healthy"


def test_scheme_registered() -> None:
    src = open_source("prometheus://127.0.0.1:9/prom")
    assert isinstance(src, PrometheusSource) and src.client.base == "http://127.0.0.1:9/prom"
    src.close()


def test_recording_rules_mode() -> None:
    from console.sources.prometheus import RULE_NAMES, recording_rules_yaml

    host = {"Hostname": "a07-13-n01"}
    gpu = {**host, "UUID": "GPU-x", "gpu": "2"}
    answers = {
        RULE_NAMES["temp"]: vector([(host, 71)]),
        RULE_NAMES["util_sum"]: vector([(host, 200)]),
        RULE_NAMES["util_count"]: vector([(host, 4)]),
        RULE_NAMES["watts"]: vector([(host, 2800)]),
        RULE_NAMES["unhealthy"]: vector(
            [({**gpu, "criterion": "xid"}, 48), ({**gpu, "criterion": "temp_c"}, 90)]
        ),
    }
    with serve(answers) as backend:
        with PrometheusSource(
            f"prometheus+{backend.url}", topology=site("A-07-13"), use_rules=True
        ) as src:
            racks = src.fetch("racks", FetchContext())
            gpus = src.fetch("gpus", FetchContext())
    queries = {r.params["query"][0] for r in backend.requests if "query" in r.params}
    assert not any("by (Hostname" in q for q in queries)  # nothing aggregated at query time
    assert racks["gpu_temp_max_c"][0] == 71 and racks["gpu_util_mean"][0] == 50
    assert racks["power_kw"][0] == pytest.approx(2.8) and racks["gpus_unhealthy"][0] == 1
    assert gpus.gpus[0]["status"] == "failed" and gpus.gpus[0]["temp_c"] == 90
    rules = recording_rules_yaml()
    assert all(name in rules for name in RULE_NAMES.values())


def test_incremental_power_poll_before_next_point_is_empty() -> None:
    import time

    with serve({}) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", power_step=3600.0) as src:
            snap = src.fetch("power", FetchContext(power_since=time.time() + 1.0))
    assert len(snap) == 0 and backend.requests == []


def test_shipped_rules_file_is_current() -> None:
    from pathlib import Path

    from console.sources.prometheus import recording_rules_yaml

    shipped = Path(__file__).resolve().parents[3] / "docs" / "prometheus_rules.yml"
    body = "".join(line for line in shipped.read_text().splitlines(True) if line[:1] != "#")
    assert body == recording_rules_yaml()


def test_rack_series_fill_one_array_a_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full site's 17,600 per-rack series filled a new rack array for each series (an
    eager setdefault default: 0.1 s a poll); now one array a field."""
    racks = [f"A-{r:02d}-{p:02d}" for r in range(1, 11) for p in range(1, 11)]
    names = ("hub_rack_power_kw", "hub_rack_inlet_c", "hub_rack_alarm_level")
    answers = {"hub_rack_": vector([({"__name__": n, "rack": r}, 7) for n in names for r in racks])}
    filled: list[int] = []
    full = np.full
    monkeypatch.setattr(np, "full", lambda n, *a, **k: (filled.append(n), full(n, *a, **k))[1])
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site(*racks)) as src:
            got = src.fetch("racks", FetchContext())
    assert (got["power_kw"] == 7).all() and (got["inlet_c"] == 7).all()
    assert len(filled) < 50  # 300 series


def test_each_rack_field_is_a_query_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """At scale the per-rack series are read a field at a time, all at once, each aggregated
    to its rack label (one regex query over a full site's 17,600 series took 0.2-0.3 s of
    Prometheus's time, apart about 40 ms each)."""
    import console.sources.prometheus as prometheus

    monkeypatch.setattr(prometheus, "ONE_RACK_QUERY_RACKS", 0)  # as on a site of thousands
    answers = {'"hub_rack_power_kw"': vector([({"rack": "A-07-13"}, 118.5),
                                              ({"rack": "Z-99-99"}, 1.0)]),
               'feed="B"': vector([({"rack": "A-07-13"}, 58.5)])}  # fmt: skip
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site("A-07-13")) as src:
            racks = src.fetch("racks", FetchContext())
    queries = {r.params["query"][0] for r in backend.requests if "query" in r.params}
    assert 'max by (rack) ({__name__="hub_rack_power_kw"})' in queries
    assert 'max by (rack) ({__name__="hub_rack_pdu_load_kw", feed="A"})' in queries
    assert not any("__name__=~" in q for q in queries if "hub_rack" in q)
    assert racks["power_kw"][0] == 118.5 and racks["pdu_b_kw"][0] == 58.5
    assert np.isnan(racks["pdu_a_kw"][0]) and racks.unknown_ids == ("Z-99-99",)


def test_a_small_site_reads_its_rack_fields_in_one_query() -> None:
    """Up to ONE_RACK_QUERY_RACKS racks, one query reads every rack field (a request costs
    more than its evaluation there), split by metric name and filter exactly as the
    fields' own queries select: a series without the filter's label is no feed's."""
    both = vector([
        ({"__name__": "hub_rack_power_kw", "rack": "A-07-13"}, 118.5),
        ({"__name__": "hub_rack_power_kw", "rack": "Z-99-99"}, 1.0),
        ({"__name__": "hub_rack_pdu_load_kw", "rack": "A-07-13", "feed": "B"}, 58.5),
        ({"__name__": "hub_rack_pdu_load_kw", "rack": "A-07-13"}, 7.0),  # no feed label
    ])
    with serve({"__name__=~": both}) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site("A-07-13")) as src:
            racks = src.fetch("racks", FetchContext())
    queries = [r.params["query"][0] for r in backend.requests if "query" in r.params]
    mine = [q for q in queries if "hub_rack" in q]
    assert len(mine) == 1 and mine[0].startswith("max by (__name__, feed, rack) (")
    assert racks["power_kw"][0] == 118.5 and racks["pdu_b_kw"][0] == 58.5
    assert np.isnan(racks["pdu_a_kw"][0]) and racks.unknown_ids == ("Z-99-99",)
