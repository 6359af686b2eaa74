"""CombinedSource: site from a topology file, racks/power from Prometheus, jobs from Slurm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from backend_http import FakeBackend, fixture_reply, json_reply
from test_prometheus_source import NOW, promql, vector
from test_slurm_source import make_jwt, spec

from console.model import JobsSnapshot, RackTelemetry, SiteTopology
from console.sources.base import FetchContext, SourceError
from console.sources.combined import CombinedSource

SITE = {
    "time": NOW,
    "halls": [{"id": "A"}],
    "racks": [
        {"id": "A-07-13", "hall": "A", "row": "A-07", "x": 0.0, "y": 0.0, "w": 0.6, "h": 1.2,
         "capacity_kw": 130.0, "gpus": 72, "hosts": ["vm"]},
    ],
}  # fmt: skip


def test_each_kind_from_its_backend(tmp_path: Path) -> None:
    site_file = tmp_path / "site.json"
    site_file.write_text(json.dumps(SITE))
    route = promql(
        {"hub_rack_": vector([({"__name__": "hub_rack_power_kw", "rack": "A-07-13"}, 99.5)])}
    )
    prom = FakeBackend({"/api/v1/query": route, "/api/v1/query_range": route})
    slurm = FakeBackend(
        {
            "/openapi/v3": json_reply(spec("v0.0.38")),
            "/slurm/v0.0.38/jobs/": fixture_reply("slurm/v0.0.38-jobs.json"),
        }
    )
    with prom, slurm:
        source = CombinedSource(
            f"prometheus+{prom.url}",
            f"slurm+{slurm.url}",
            topology=str(site_file),
            slurm_options={"token": make_jwt("root")},
        )
        assert source.kinds == ("site", "racks", "gpus", "power", "forecast", "jobs")
        forecast = source.fetch("forecast", FetchContext())
        assert len(forecast) == 0 and "no forecast source configured" in forecast.flags["*"]
        site = source.fetch("site", FetchContext())
        racks = source.fetch("racks", FetchContext(topology=site))
        jobs = source.fetch("jobs", FetchContext(topology=site))
        source.close()
    assert isinstance(site, SiteTopology) and isinstance(racks, RackTelemetry)
    assert racks["power_kw"][0] == pytest.approx(99.5)
    assert isinstance(jobs, JobsSnapshot) and len(jobs) == 5
    assert jobs.row(0)["racks"] == ("A-07-13",)  # node "vm" listed under the rack's hosts
    assert "prometheus+http" in source.display_url and "slurm+http" in source.display_url


def test_slurm_only_has_no_racks() -> None:
    source = CombinedSource(None, "slurm+http://127.0.0.1:9", slurm_options={"token": ""})
    assert source.kinds == ("jobs",)
    with pytest.raises(SourceError, match="cannot deliver 'racks'"):
        source.fetch("racks", FetchContext())
    source.close()


def test_needs_a_backend() -> None:
    with pytest.raises(ValueError, match="give a Prometheus URL"):
        CombinedSource(None, None)


def test_from_settings_token_from_env(tmp_path: Path) -> None:
    from console.settings import load_settings
    from console.sources.combined import combined_from_settings

    config = tmp_path / "config.toml"
    config.write_text(
        '[prometheus]\nurl = "prometheus+http://127.0.0.1:9"\n'
        'headers = { "X-Scope-OrgID" = "hub" }\n'
        '[slurm]\nurl = "slurm+http://127.0.0.1:9"\ntenant_kinds = { "acme" = "enterprise" }\n'
    )
    token = make_jwt("ops")
    settings = load_settings(config, env={"SLURM_JWT": token})
    source = combined_from_settings(settings)
    assert source is not None and source.kinds == ("site", "racks", "gpus", "power", "forecast",
                                                   "jobs")
    assert source.prometheus.client.session.headers["X-Scope-OrgID"] == "hub"
    assert source.slurm.session.headers["X-SLURM-USER-TOKEN"] == token
    assert source.slurm.tenant_kinds == {"acme": "enterprise"}
    assert token not in repr(source.slurm)
    source.close()
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert combined_from_settings(load_settings(empty, env={})) is None
