"""Config precedence and secrets; link state from missed polls to comm loss and back."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.link import LinkMonitor, LinkState
from console.settings import ConfigError, load_settings


def test_precedence_file_env_cli(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        'source = "http://hub.local:8710"\n[hub]\ntoken = "from-file"\ntimeout_read = 9\n'
        "[poll]\nracks = 4\n[alarms]\ninlet_high_c = 30\n",
        encoding="utf-8",
    )
    s = load_settings(cfg, env={})
    assert s.source == "http://hub.local:8710" and s.token == "from-file"
    assert s.timeout_read == 9 and s.poll["racks"] == 4 and s.alarms["inlet_high_c"] == 30
    s = load_settings(cfg, env={"HUB_TOKEN": "from-env", "HUB_SOURCE": "sim://hall"})
    assert s.token == "from-env" and s.source == "sim://hall"
    s = load_settings(cfg, env={"HUB_SOURCE": "sim://hall"}, overrides={"source": "sim://rack"})
    assert s.source == "sim://rack"


def test_secrets_are_redacted(tmp_path: Path) -> None:
    s = load_settings(None, env={"HUB_TOKEN": "t0ken", "SLURM_JWT": "jwt-secret"})
    text = repr(s) + repr(s.redacted())
    assert "t0ken" not in text and "jwt-secret" not in text
    assert s.redacted()["token"] == "***"


@pytest.mark.parametrize(
    "content, needle",
    [
        ("source = ", "not valid TOML"),
        ("[poll]\nracks = -1\n", "'racks' must be a positive number"),
        ("[poll]\nweather = 3\n", "unknown poll kind 'weather'"),
        ("hub = 3\n", "[hub] must be a table"),
        ("[hub]\ndeadline_s = 0\n", "'deadline_s' must be a positive number"),
        ("[slurm]\nmax_body_mb = -1\n", "[slurm] 'max_body_mb' must be a positive number"),
        ("[prometheus]\ndeadline_s = \"1m\"\n", "[prometheus] 'deadline_s' must be a positive"),
    ],
)
def test_bad_config_file_is_one_clear_message(tmp_path: Path, content: str, needle: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=None) as exc:
        load_settings(cfg, env={})
    assert needle in str(exc.value) and str(cfg) in str(exc.value)


def test_request_limits_come_from_the_config_file(tmp_path: Path) -> None:
    from console.settings import make_source
    from console.sources.http import HUB_LIMITS, SLURM_LIMITS

    cfg = tmp_path / "c.toml"
    cfg.write_text(
        "[hub]\ndeadline_s = 7\nmax_body_mb = 16\ntimeout_read = 3\n"
        '[prometheus]\nurl = "http://127.0.0.1:1"\ndeadline_s = 9\nmax_body_mb = 32\n'
        "timeout_read = 4\n"
        '[slurm]\nurl = "slurm+http://127.0.0.1:2"\nmax_body_mb = 100\n',
        encoding="utf-8",
    )
    s = load_settings(cfg, env={})
    assert (s.deadline_s, s.max_body_mb, s.timeout_read) == (7, 16, 3)
    hub = make_source(load_settings(None, env={}), "http://127.0.0.1:1")
    try:
        assert hub.limits == HUB_LIMITS
    finally:
        hub.close()
    combined = make_source(s)
    try:
        assert combined.prometheus.client.limits.deadline_s == 9
        assert combined.prometheus.client.limits.max_body_mb == 32
        assert combined.prometheus.client.limits.timeout == (2.0, 4.0)
        slurm = combined.slurm.limits
        assert slurm.max_body_mb == 100 and slurm.deadline_s == SLURM_LIMITS.deadline_s
    finally:
        combined.close()
    s.prometheus.clear()
    s.slurm.clear()
    hub = make_source(s, "http://127.0.0.1:1")
    try:
        assert (hub.limits.deadline_s, hub.limits.max_body_mb, hub.limits.timeout) == (
            7, 16, (2.0, 3.0))
    finally:
        hub.close()


def test_passwords_in_urls_are_kept_in_memory_only(tmp_path: Path) -> None:
    from console.settings import make_source

    cfg = tmp_path / "c.toml"
    cfg.write_text('source = "https://ops:file-pw-123@hub.example:8443/api"\n', encoding="utf-8")
    s = load_settings(cfg, env={})
    assert s.source == "https://hub.example:8443/api"
    assert s.credentials == {s.source: ("ops", "file-pw-123")}
    hub = make_source(s)
    try:
        assert hub.session.auth == ("ops", "file-pw-123") and hub.url == s.source
    finally:
        hub.close()
    s = load_settings(None, env={}, overrides={
        "prometheus_url": "prometheus+http://reader:prom-pw-456@127.0.0.1:1/prom",
        "slurm_url": "slurm+http://rest:slurm-pw-789@127.0.0.1:2",
        "site_topology": "http://site:topo-pw-000@127.0.0.1:3/api/v1/site",
    })
    s.prometheus["headers"] = {"Authorization": "Bearer hdr-secret-111", "X-Scope-OrgID": "hub"}
    text = repr(s) + repr(s.redacted())
    assert s.redacted()["prometheus"]["headers"]["X-Scope-OrgID"] == "hub"
    for secret in ("prom-pw-456", "slurm-pw-789", "topo-pw-000", "hdr-secret-111"):
        assert secret not in text
    assert s.prometheus["url"] == "prometheus+http://127.0.0.1:1/prom"
    assert s.site_topology == "http://127.0.0.1:3/api/v1/site"
    combined = make_source(s)
    try:
        assert combined.prometheus.client.session.auth == ("reader", "prom-pw-456")
        assert combined.slurm.session.auth == ("rest", "slurm-pw-789")
        assert combined.prometheus._topology_auth == ("site", "topo-pw-000")
        assert "pw" not in combined.url + combined.display_url + repr(combined.prometheus)
    finally:
        combined.close()


def test_missing_explicit_config() -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings("/nonexistent/x.toml", env={})


def test_link_states() -> None:
    link = LinkMonitor({"racks": 2.0, "power": 10.0})
    assert link.state(0.0) is LinkState.CONNECTING
    link.record("racks", True, 1.0, source_time=1.0)
    link.record("power", True, 1.0)
    assert link.state(2.0) is LinkState.LIVE
    assert link.age("racks", 3.5) == pytest.approx(2.5)
    link.record("racks", False, 3.0, error="hub API: HTTP 503")
    assert link.state(3.0) is LinkState.MISSED and not link.is_stale("racks", 3.0)
    link.record("racks", False, 5.0, error="hub API: HTTP 503")
    assert link.state(5.0) is LinkState.STALE and link.is_stale("racks", 5.0)
    assert link.last_error == "hub API: HTTP 503"
    link.record("racks", True, 7.0)
    assert link.state(7.0) is LinkState.LIVE and link.last_error is None


def test_silence_is_stale_too() -> None:
    link = LinkMonitor({"racks": 2.0})
    link.record("racks", True, 0.0)
    assert not link.is_stale("racks", 5.0)
    assert link.is_stale("racks", 7.0)  # three intervals without a good poll


def test_comm_loss_age_counts_from_the_last_answer_of_any_kind() -> None:
    link = LinkMonitor({"racks": 2.0, "jobs": 10.0})
    assert link.since_any_ok(100.0) is None  # "no answer yet"
    link.record("jobs", True, 50.0)
    link.record("racks", True, 40.0)
    link.record("racks", False, 60.0, "connection refused")
    assert link.since_any_ok(100.0) == 50.0


def test_retry_warnings_are_logged_once_per_outage(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from console.sources.hub import RETRY_LOG

    pool = logging.getLogger("urllib3.connectionpool")
    RETRY_LOG.answered()
    with caplog.at_level(logging.WARNING, logger="urllib3.connectionpool"):
        for _ in range(20):
            pool.warning("Retrying (%r) after connection broken by '%r': %s", 1, "x", "/api")
        assert len(caplog.records) == 1 and "not logged until" in caplog.records[0].getMessage()
        RETRY_LOG.answered()
        pool.warning("Retrying (%r) after connection broken by '%r': %s", 1, "x", "/api")
        pool.warning("Connection pool is full")  # other warnings pass
    assert len(caplog.records) == 3
    RETRY_LOG.answered()
