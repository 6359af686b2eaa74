"""Hostile servers against every HTTP source: no server can stall a poll past its deadline
or make the console read more than its size cap; credentials are never stored or shown.

Servers listen on 127.0.0.1 (bench/faults_http.py): a trickle (a byte every 0.5 s, without
end, in the body or already in the status line), a gzip bomb (1 GB of zeros in about 1 MB),
an endless body, a Content-Length far over the cap.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from backend_http import FIXTURES, FakeBackend, json_reply

from bench.faults_http import (
    GB,
    HostileServer,
    declared_oversize,
    endless,
    gzip_bomb,
    gzip_member,
    poll_trickling_hub,
    reply,
    trickle,
)
from console.poller import Poller
from console.sources.base import SourceError
from console.sources.http import Limits, hide_userinfo, redact, split_credentials
from console.sources.hub import HubApiSource
from console.sources.prometheus import load_topology
from console.sources.promql import PromClient
from console.sources.slurm import SlurmSource

DEADLINE_S = 2.0
CAP_MB = 8.0
SLURM_JOBS = "/slurm/v0.0.41/jobs/"


def _deadline(backend: str, what: str) -> str:
    return f"{backend}: answer from {what} took longer than {DEADLINE_S:g} s (deadline); refused"


def _too_big(backend: str, what: str) -> str:
    return f"{backend}: answer from {what} larger than {CAP_MB:g} MB (after decompression); refused"


# --- the hub API -------------------------------------------------------------------------------


def test_requests_on_several_threads_each_end_at_their_own_deadline() -> None:
    """One watchdog ends every request: a short deadline set after a long one still ends
    its request on time, and a request that ended in time is never cut afterwards."""
    import threading

    from console.sources.http import fetch, make_session

    ended: dict[str, float] = {}
    errors: dict[str, str] = {}

    def get(url: str, name: str, deadline_s: float) -> None:
        t0 = time.monotonic()
        with make_session() as session:
            try:
                fetch(session, url, backend="hub API", what=name,
                      limits=Limits((2.0, 5.0), deadline_s, CAP_MB))
            except SourceError as exc:
                errors[name] = str(exc)
        ended[name] = time.monotonic() - t0

    with HostileServer(trickle(0.2), {"/ok": reply(200, b"{}")}) as server:
        url = server.url
        get(url + "/ok", "/ok", 0.5)  # ended in time: its deadline passes unnoticed
        slow = threading.Thread(target=get, args=(url + "/slow", "/slow", 6.0))
        slow.start()
        get(url + "/fast", "/fast", 0.5)
        slow.join(10)
    assert "/ok" not in errors
    assert errors["/fast"] == "hub API: answer from /fast took longer than 0.5 s (deadline); refused"
    assert ended["/fast"] <= 1.5 < ended["/slow"]
    assert errors["/slow"] == "hub API: answer from /slow took longer than 6 s (deadline); refused"


@pytest.mark.parametrize("head", [False, True], ids=["body", "status-line"])
def test_a_trickling_hub_fails_the_poll_within_the_deadline(head: bool) -> None:
    result, took = poll_trickling_hub(DEADLINE_S, head=head)
    print(f"trickle ({'status line' if head else 'body'}): poll failed after {took:.2f} s")
    assert result.error == _deadline("hub API", "/api/v1/site")
    assert took <= DEADLINE_S + 1.0


def test_a_gzip_bomb_is_refused_at_the_cap_without_inflating() -> None:
    gzip_member()  # made before measuring (the server's, not the client's, memory)
    with HostileServer(gzip_bomb(GB)) as server:
        # On loopback the source asks for identity: a hostile hub compresses all the same.
        source = HubApiSource(server.url, max_body_mb=CAP_MB)
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            t0 = time.monotonic()
            with pytest.raises(SourceError) as caught:
                source.get_json("/api/v1/racks")
            took = time.monotonic() - t0
            peak = (tracemalloc.get_traced_memory()[1] - base) / 2**20
        finally:
            tracemalloc.stop()
            source.close()
    print(f"gzip bomb (1 GB inflated): refused after {took:.2f} s, peak Python memory "
          f"growth {peak:.1f} MB at a cap of {CAP_MB:g} MB")
    assert str(caught.value) == _too_big("hub API", "/api/v1/racks")
    assert peak < 4 * CAP_MB  # the cap and its working copies, never the gigabyte


def test_an_endless_body_and_a_declared_oversize_answer_are_refused() -> None:
    for behaviour in (endless(), declared_oversize(200 << 20)):
        with HostileServer(behaviour) as server:
            source = HubApiSource(server.url, max_body_mb=CAP_MB, deadline_s=30.0)
            try:
                t0 = time.monotonic()
                result = Poller(source).poll("site")
                took = time.monotonic() - t0
            finally:
                source.close()
        assert result.error == _too_big("hub API", "/api/v1/site")
        assert took < 10.0
    assert took < 1.0  # a Content-Length over the cap fails at once, nothing is read


def test_answers_within_the_limits_still_come_through() -> None:
    site = json.dumps({"time": 1.0, "racks": []}).encode()
    with HostileServer(reply(200, site)) as server:
        source = HubApiSource(server.url, max_body_mb=CAP_MB, deadline_s=DEADLINE_S)
        try:
            assert source.get_json("/api/v1/site") == {"time": 1.0, "racks": []}
            assert source.get_json("/api/v1/site") == {"time": 1.0, "racks": []}
        finally:
            source.close()


# --- Prometheus and the topology loader --------------------------------------------------------


@pytest.mark.parametrize(
    "behaviour, kind",
    [(trickle(0.5), "deadline"), (trickle(0.5, head=True), "deadline"),
     (gzip_bomb(GB), "size"), (endless(), "size"), (declared_oversize(), "size")],
    ids=["trickle", "trickle-status-line", "gzip-bomb", "endless", "content-length"],
)
def test_prometheus_queries_are_bounded(behaviour: Any, kind: str) -> None:
    with HostileServer(behaviour) as server:
        client = PromClient(server.url, deadline_s=DEADLINE_S, max_body_mb=CAP_MB)
        try:
            t0 = time.monotonic()
            with pytest.raises(SourceError) as caught:
                client.query("up")
            took = time.monotonic() - t0
        finally:
            client.close()
    expected = (_deadline if kind == "deadline" else _too_big)("Prometheus", "/api/v1/query")
    assert str(caught.value) == expected
    assert took <= DEADLINE_S + 1.0


def test_prometheus_long_queries_posted_are_bounded_too() -> None:
    with HostileServer(trickle(0.5)) as server:
        client = PromClient(server.url, deadline_s=DEADLINE_S, post_over=10)
        try:
            with pytest.raises(SourceError, match="deadline"):
                client.query("sum(" + "x" * 100 + ")")
        finally:
            client.close()
    assert server.requests[0][0] == "POST"


def test_the_topology_loader_is_bounded() -> None:
    with HostileServer(trickle(0.5)) as server:
        t0 = time.monotonic()
        with pytest.raises(SourceError) as caught:
            load_topology(server.url, limits=Limits((2.0, 5.0), DEADLINE_S, CAP_MB))
        took = time.monotonic() - t0
    assert "took longer than 2 s (deadline); refused" in str(caught.value)
    assert str(caught.value).startswith("topology: cannot load the site from http://127.0.0.1:")
    assert took <= DEADLINE_S + 1.0


# --- slurmrestd -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "behaviour, kind",
    [(trickle(0.5), "deadline"), (gzip_bomb(GB), "size"), (declared_oversize(), "size")],
    ids=["trickle", "gzip-bomb", "content-length"],
)
def test_the_slurm_job_list_is_bounded(behaviour: Any, kind: str) -> None:
    with HostileServer(behaviour) as server:
        source = SlurmSource(server.url, version="v0.0.41", token="x.eyJzdW4iOiJvcHMifQ.y",
                             deadline_s=DEADLINE_S, max_body_mb=CAP_MB)
        try:
            t0 = time.monotonic()
            with pytest.raises(SourceError) as caught:
                source.fetch_jobs()
            took = time.monotonic() - t0
        finally:
            source.close()
    expected = (_deadline if kind == "deadline" else _too_big)("Slurm", SLURM_JOBS)
    assert str(caught.value) == expected
    assert took <= DEADLINE_S + 1.0


def test_a_trickling_slurmrestd_holds_a_poll_one_deadline_at_most() -> None:
    # Negotiation tries three OpenAPI paths; a deadline on the first ends it.
    with HostileServer(trickle(0.5)) as server:
        source = SlurmSource(server.url, deadline_s=DEADLINE_S)
        try:
            t0 = time.monotonic()
            with pytest.raises(SourceError) as caught:
                source.fetch_jobs()
            took = time.monotonic() - t0
        finally:
            source.close()
    assert str(caught.value) == _deadline("Slurm", "/openapi/v3")
    assert took <= DEADLINE_S + 1.0
    # The job list comes after 1.5 s; the nodes read after it has what is left of the
    # deadline (under a second: it waits for the next poll), not a deadline of its own.
    jobs = reply(200, (FIXTURES / "slurmrestd" / "24.05-v0.0.41" / "slurm-jobs.json").read_bytes())

    def slow_jobs(handler: Any, stop: Any) -> None:
        if not stop.wait(1.5):
            jobs(handler, stop)

    with HostileServer(trickle(0.5), {SLURM_JOBS: slow_jobs}) as server:
        source = SlurmSource(server.url, version="v0.0.41", deadline_s=DEADLINE_S)
        try:
            t0 = time.monotonic()
            snapshot = source.fetch_jobs()
            took = time.monotonic() - t0
        finally:
            source.close()
    assert len(snapshot.columns["id"]) > 0 and snapshot.partition_gpus == {}
    assert took <= DEADLINE_S + 1.0


def test_slurm_error_pages_and_other_reads_are_bounded() -> None:
    routes = {SLURM_JOBS: reply(500, b"x" * (int(CAP_MB * 2**20) + 10), "text/plain")}
    with HostileServer(endless(), routes) as server:
        source = SlurmSource(server.url, version="v0.0.41", max_body_mb=CAP_MB)
        try:
            with pytest.raises(SourceError) as caught:
                source.nodes()
            assert str(caught.value) == _too_big("Slurm", "/slurm/v0.0.41/nodes/")
            with pytest.raises(SourceError) as caught:
                source.fetch_jobs()  # an error page over the cap is not read either
            assert str(caught.value) == _too_big("Slurm", SLURM_JOBS)
        finally:
            source.close()


# --- credentials and redaction ----------------------------------------------------------------

PASSWORD = "pa55-Wd-9f3k"
TOKEN = "hubtok-7Q2rT9zX"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_split_credentials_and_redact() -> None:
    clean, auth = split_credentials(f"https://ops:{PASSWORD}@hub.example.org:8443/api")
    assert clean == "https://hub.example.org:8443/api" and auth == ("ops", PASSWORD)
    assert split_credentials("http://ops@hub:1") == ("http://ops@hub:1", None)
    assert split_credentials("http://[::1]:8/x".replace("//", f"//u:{PASSWORD}@"))[0] == (
        "http://[::1]:8/x")
    text = f"failed for https://ops:{PASSWORD}@hub/x with Bearer abcdefgh12345 and {PASSWORD}"
    assert PASSWORD not in redact(text) and "abcdefgh12345" not in redact(text)
    assert redact("HTTP 401: Basic authentication required") == (
        "HTTP 401: Basic authentication required")
    assert hide_userinfo("prometheus+http://a:b@p:9 + slurm+http://s@h:1") == (
        "prometheus+http://p:9 + slurm+http://h:1")


def _run_main(argv: list[str], tmp: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    import main

    config = tmp / "empty.toml"
    config.write_text("")
    monkeypatch.setenv("HUB_CONSOLE_CONFIG", str(config))
    monkeypatch.delenv("HUB_SOURCE", raising=False)
    return main.main(["--log-level", "DEBUG", "--cache", "off", *argv])


def test_a_password_in_the_url_is_used_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    def answer(request: Any) -> Any:
        if request.headers.get("Authorization") != _basic("ops", PASSWORD):
            return json_reply(b'{"error": "who are you"}', 401)
        # A hub that quotes what it was sent.
        return json_reply(json.dumps({"error": f"ops:{PASSWORD} may not read this"}), 500)

    caplog.set_level(logging.DEBUG)
    backend = FakeBackend({p: answer for p in (
        "/api/v1/site", "/api/v1/racks", "/api/v1/gpus/unhealthy", "/api/v1/power",
        "/api/v1/jobs", "/api/v1/events")})
    url = backend.url.replace("http://", f"http://ops:{PASSWORD}@")
    with backend:
        code = _run_main(["check", "--source", url, "--timeout", "20"], tmp_path, monkeypatch)
    out, err = capsys.readouterr()
    assert code == 1  # every kind failed (HTTP 500), said in one line
    assert backend.requests and all(r.headers.get("Authorization") == _basic("ops", PASSWORD)
                                    for r in backend.requests)
    assert "is used for this run only and never saved" in err
    assert f"nothing reachable at {backend.url}" in err and "may not read this" in err
    for text in (out, err, caplog.text):
        assert PASSWORD not in text


def test_a_server_error_quoting_the_token_is_printed_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    error = json_reply(json.dumps({"error": f"bearer {TOKEN} is not valid here"}), 500)
    backend = FakeBackend({p: error for p in (
        "/api/v1/site", "/api/v1/racks", "/api/v1/gpus/unhealthy", "/api/v1/power",
        "/api/v1/jobs", "/api/v1/events")})
    monkeypatch.setenv("HUB_TOKEN", TOKEN)
    with backend:
        _run_main(["check", "--source", backend.url, "--json", "--timeout", "20"], tmp_path,
                  monkeypatch)
    out, err = capsys.readouterr()
    assert backend.requests[0].headers.get("Authorization") == f"Bearer {TOKEN}"
    assert "bearer *** is not valid here" in out + err
    for text in (out, err, caplog.text):
        assert TOKEN not in text


def test_slurm_and_prometheus_errors_are_redacted() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdW4iOiJvcHMifQ.c2lnbmF0dXJl"
    key = "promkey-5Hq8Zt3w"  # not used by any other test: redacted for its header alone
    body = json.dumps({"errors": [{"error": f"token {jwt} refused", "description": "no"}]})
    prom = json.dumps({"status": "error", "errorType": "bad_data",
                       "error": f"key {key} rejected"})
    with FakeBackend({"/slurm/v0.0.41/nodes/": json_reply(body, 500),
                      "/api/v1/query": json_reply(prom, 400)}) as backend:
        source = SlurmSource(backend.url, version="v0.0.41", token=jwt)
        client = PromClient(backend.url, headers={"X-Api-Key": key})
        try:
            with pytest.raises(SourceError) as slurm_error:
                source.nodes()
            with pytest.raises(SourceError) as prom_error:
                client.query("up")
        finally:
            source.close()
            client.close()
    assert jwt not in str(slurm_error.value) and "token *** refused" in str(slurm_error.value)
    assert str(prom_error.value) == "Prometheus: bad_data: key *** rejected"


def test_the_window_and_its_settings_never_hold_the_password(
    qtbot: Any, tmp_path: Path
) -> None:
    import argparse

    from PySide6.QtCore import QSettings

    import main
    from console.settings import load_settings
    from widgets.app import live_window
    from widgets.data_sources import open_data_sources

    backend = FakeBackend({})  # every path: 404, enough for the check to say so
    raw = backend.url.replace("http://", f"http://ops:{PASSWORD}@")
    ini = tmp_path / "console.ini"
    qsettings = QSettings(str(ini), QSettings.Format.IniFormat)
    qsettings.setValue("source/last", raw)  # as an earlier version may have stored it
    settings = load_settings(overrides={"cache": "off"}, env={})
    assert PASSWORD not in repr(settings) + repr(settings.redacted())
    url = main.gui_source_url(settings, argparse.Namespace(), qsettings)
    assert url == backend.url and settings.credentials[url] == ("ops", PASSWORD)
    qsettings.setValue("source/last", url)  # what cmd_gui stores

    settings = load_settings(overrides={"source": raw, "cache": "off"}, env={})
    assert settings.source == backend.url
    window = live_window(settings, settings.source, qsettings)
    qtbot.addWidget(window)
    with backend:
        dialog = open_data_sources(window)
        with qtbot.waitSignal(dialog.finished_check, timeout=30_000):
            pass
        shown = [window.windowTitle(), window.source_status.text(), dialog.summary.text()]
        shown += [dialog.table.item(r, c).text() for r in range(dialog.table.rowCount())
                  for c in range(dialog.table.columnCount()) if dialog.table.item(r, c)]
        dialog.close()
    window.save_layout()
    qsettings.sync()
    assert backend.url in window.windowTitle()
    for text in shown:
        assert PASSWORD not in text and "ops@" not in text
    assert PASSWORD not in ini.read_text()
    assert any(r.headers.get("Authorization") == _basic("ops", PASSWORD)
               for r in backend.requests)  # the dialog's check used it


@pytest.mark.parametrize(
    "url, shown",
    [
        ("http://op:secret@[::1]:8710/api", "http://[::1]:8710/api"),
        ("http://op:secret@hub.example:8443", "http://hub.example:8443"),
        ("http://op:secret@hub.example:port", "http://?"),
    ],
)
def test_display_url_hides_credentials_and_keeps_ipv6_brackets(url: str, shown: str) -> None:
    from console.sources.base import Source

    class Bare(Source):
        def fetch(self, kind, context):  # noqa: ANN001, ANN201 - never called
            raise NotImplementedError

    assert Bare(url).display_url == shown


# --- one deadline a poll, however many requests it makes ----------------------------------------


def test_a_prometheus_poll_of_many_queries_takes_one_deadline() -> None:
    """More queries than workers: those that wait for a worker get what is left of the
    poll's deadline, not a deadline of their own (before: two deadlines for 7 to 12)."""
    from console.sources.prometheus import PrometheusSource

    with HostileServer(trickle(0.5)) as server:
        source = PrometheusSource(server.url, deadline_s=DEADLINE_S)
        try:
            t0 = time.monotonic()
            with pytest.raises(SourceError, match="deadline"):
                source._queries({f"q{i}": f"up{i}" for i in range(10)}, time.time())
            took = time.monotonic() - t0
        finally:
            source.close()
    assert took <= DEADLINE_S + 1.0
    from console.sources.promql import QUERY_WORKERS

    assert QUERY_WORKERS < 10
    assert len(server.requests) == QUERY_WORKERS  # the others were refused without a request


def test_a_slow_slurm_never_makes_the_gpu_poll_take_two_deadlines() -> None:
    """The combined source's GPU poll reads Slurm's node states after Prometheus, with what
    is left of the poll's deadline (under a second: the last states, read later)."""
    from console.sources.combined import CombinedSource

    with HostileServer(trickle(0.5)) as slurm:
        source = CombinedSource(None, slurm.url, slurm_options={"deadline_s": 60.0,
                                                               "version": "v0.0.41"})
        try:
            t0 = time.monotonic()
            assert source.node_states(left_s=0.5) == {}  # nothing asked: too little time
            assert slurm.requests == []
            source.node_states(left_s=DEADLINE_S)  # asked, cut at what is left
            took = time.monotonic() - t0
        finally:
            source.close()
    assert len(slurm.requests) == 1 and took <= DEADLINE_S + 1.0
