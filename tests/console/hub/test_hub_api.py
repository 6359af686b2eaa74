"""The simulated hub's HTTP API: every response validates against its OpenAPI document."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource

from console.hub.openapi import openapi_document


def _validator(doc: dict[str, Any], path: str, method: str = "get") -> OAS31Validator:
    schema = doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    registry: Registry = Registry().with_resource("urn:hub", Resource.opaque(doc))
    full = {"$ref": "urn:hub#" + schema["$ref"].removeprefix("#")} if "$ref" in schema else schema
    return OAS31Validator(full, registry=registry)


@pytest.fixture
def api(hub_server: Any) -> tuple[str, dict[str, Any]]:
    doc = requests.get(f"{hub_server.url}/openapi.json", timeout=10).json()
    return hub_server.url, doc


def test_openapi_document_is_served_and_valid(api: tuple[str, dict[str, Any]]) -> None:
    from openapi_spec_validator import validate

    url, doc = api
    assert doc == openapi_document()
    validate(doc)


@pytest.mark.parametrize(
    "path, template",
    [
        ("/api/v1/site", "/api/v1/site"),
        ("/api/v1/racks", "/api/v1/racks"),
        ("/api/v1/racks/A-01-01", "/api/v1/racks/{rack_id}"),
        ("/api/v1/gpus/unhealthy", "/api/v1/gpus/unhealthy"),
        ("/api/v1/power", "/api/v1/power"),
        ("/api/v1/jobs", "/api/v1/jobs"),
        ("/api/v1/events?since=0", "/api/v1/events"),
        ("/api/v1/forecast", "/api/v1/forecast"),
        ("/api/v1/forecast?hours=72", "/api/v1/forecast"),
        ("/api/v1/forecast?hours=1", "/api/v1/forecast"),
        ("/healthz", "/healthz"),
    ],
)
def test_responses_validate_against_openapi(api: tuple[str, dict[str, Any]], path: str, template: str) -> None:
    url, doc = api
    response = requests.get(f"{url}{path}", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    _validator(doc, template).validate(response.json())


def test_unknown_endpoint_is_404_json(hub_server: Any) -> None:
    for path in ("/api/v1/nothing", "/nope", "/api/v1/racks/Z-99-99"):
        response = requests.get(f"{hub_server.url}{path}", timeout=10)
        assert response.status_code == 404
        body = response.json()
        assert body["status"] == 404 and body["error"]


def test_bad_query_is_400_json(hub_server: Any) -> None:
    response = requests.get(f"{hub_server.url}/api/v1/power?start=abc", timeout=10)
    assert response.status_code == 400
    assert "start" in response.json()["error"]
    response = requests.get(f"{hub_server.url}/api/v1/power?start=200&end=100", timeout=10)
    assert response.status_code == 400


@pytest.mark.parametrize("hours", ["0", "73", "abc", "1.5", "-1", "", "9" * 5000, "١"])
def test_bad_forecast_hours_is_400_json(hub_server: Any, hours: str) -> None:
    response = requests.get(f"{hub_server.url}/api/v1/forecast", params={"hours": hours}, timeout=10)
    if hours == "":  # an empty value is no value: the default
        assert response.status_code == 200
        return
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and "hours" in body["error"] and "\n" not in body["error"]


def test_forecast_hours_and_times(hub_server: Any) -> None:
    body = requests.get(f"{hub_server.url}/api/v1/forecast?hours=6", timeout=10).json()
    assert len(body["t"]) == 6 * 4 and body["step"] == 900.0
    assert body["issued"] < body["t"][0] and body["t"][-1] <= body["issued"] + 6 * 3600
    assert body["issued"] % 3600 == 0
    default = requests.get(f"{hub_server.url}/api/v1/forecast", timeout=10).json()
    assert len(default["t"]) == 24 * 4


def test_power_balances(hub_server: Any) -> None:
    p = requests.get(f"{hub_server.url}/api/v1/power", timeout=10).json()
    assert len(p["t"]) > 100
    for i in range(len(p["t"])):
        supply = (
            p["solar_mw"][i] + p["wind_mw"][i] + p["battery_discharge_mw"][i]
            - p["battery_charge_mw"][i] + p["grid_mw"][i] - p["curtailment_mw"][i]
        )
        assert supply == pytest.approx(p["facility_mw"][i], rel=1e-3, abs=0.01)
        assert p["facility_mw"][i] == pytest.approx(p["it_mw"][i] * p["pue"][i], rel=2e-3)


def test_metrics_carry_dcgm_fields(hub_server: Any) -> None:
    text = requests.get(f"{hub_server.url}/metrics", timeout=30).text
    names = set()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_labels, value = line.rsplit(" ", 1)
        float(value)
        names.add(name_labels.split("{", 1)[0])
    assert {"DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_POWER_USAGE"} <= names


def test_token_required_when_configured() -> None:
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    with HubServer(SimulatedHub("rack", seed=1), token="s3cret") as server:
        assert requests.get(f"{server.url}/api/v1/site", timeout=10).status_code == 401
        ok = requests.get(
            f"{server.url}/api/v1/site", headers={"Authorization": "Bearer s3cret"}, timeout=10
        )
        assert ok.status_code == 200


def test_outage_answers_503_then_recovers(hub_server: Any) -> None:
    url = hub_server.url
    assert requests.post(f"{url}/api/v1/sim/outage", json={"on": True}, timeout=10).json() == {"on": True}
    assert requests.get(f"{url}/api/v1/racks", timeout=10).status_code == 503
    requests.post(f"{url}/api/v1/sim/outage", json={"on": False}, timeout=10)
    assert requests.get(f"{url}/api/v1/racks", timeout=10).status_code == 200


def test_a_stopped_hub_port_binds_again_at_once() -> None:
    """A hub stopped while a client still holds a keep-alive connection to it: a new hub
    binds the same port at once (address reuse), as a restarted hub process must."""
    import http.client

    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    first = HubServer(SimulatedHub("rack", seed=1), port=0).start()
    port = first.port
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        client.request("GET", "/healthz")
        answer = client.getresponse()
        answer.read()
        assert answer.status == 200 and not answer.will_close  # still connected
        first.stop()
        second = HubServer(SimulatedHub("rack", seed=2), port=port).start()
        try:
            assert requests.get(f"{second.url}/healthz", timeout=10).status_code == 200
        finally:
            second.stop()
    finally:
        client.close()


def _event_answer(**over: Any) -> dict[str, Any]:
    event = {"id": 3, "time": 1_780_000_000.0, "kind": "xid", "message": "XID 79"}
    return {"time": 1_780_000_001.0, "events": [event], "last_id": 3, "instance": "hub-1"} | over


def test_event_answers_carry_last_id_and_instance() -> None:
    from console.decode import decode_events
    from console.hub.sim import SimulatedHub

    batch = decode_events(_event_answer(last_id=9))
    assert (batch.last_id, batch.hub_last_id, batch.instance, batch.lifetime) == (3, 9, "hub-1",
                                                                                  "hub-1")
    bare = decode_events({"time": 1_780_000_001.0, "events": []})  # both optional
    assert (bare.last_id, bare.hub_last_id, bare.instance, bare.lifetime) == (0, None, None, "")
    # The simulated hub names each lifetime: the same inputs the same name, a restart another.
    a, b = SimulatedHub("rack", seed=1, start=1_780_000_000.0), SimulatedHub("rack", seed=1,
                                                                            start=1_780_000_000.0)
    later = SimulatedHub("rack", seed=1, start=1_780_000_060.0)
    assert a.events()["instance"] == b.instance != later.instance
    assert a.events()["last_id"] == a.event_log.last_id


@pytest.mark.parametrize(
    "over, needle",
    [
        ({"events": [{"id": -1, "time": 1.78e9, "kind": "x", "message": ""}]}, "event id -1"),
        ({"events": [{"id": 1.5, "time": 1.78e9, "kind": "x", "message": ""}]}, "event id 1.5"),
        ({"events": [{"id": True, "time": 1.78e9, "kind": "x", "message": ""}]}, "event id True"),
        ({"events": [{"id": "2", "time": 1.78e9, "kind": "x", "message": ""}]}, "event id '2'"),
        ({"events": [{"id": 2**53, "time": 1.78e9, "kind": "x", "message": ""}],
          "last_id": 2**53}, "is not a whole number from 0 to 2^53 - 1"),
        ({"last_id": 2}, "event id 3 is above the answer's last_id 2"),
        ({"last_id": -3}, "'last_id' -3"),
        ({"last_id": "9"}, "'last_id' '9'"),
        ({"instance": 7}, "'instance' must be a string"),
        ({"instance": ""}, "'instance' must be a string"),
        ({"instance": "x" * 201}, "'instance' must be a string"),
    ],
)
def test_event_answers_with_ids_that_cannot_be_right_are_refused(
    over: dict[str, Any], needle: str
) -> None:
    from console.decode import DataError, decode_events

    with pytest.raises(DataError, match=re.escape(needle)):
        decode_events(_event_answer(**over))


def test_the_clock_takes_the_job_queue_ahead_once_a_client_follows_it(tmp_path: Path) -> None:
    """Nobody asked for the jobs: the clock builds no queue. Once a client has, each tick's
    queue is taken into the job feed on the clock's thread, so a changes-only request
    finds it ready."""
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="rack", seed=5)
    server = HubServer(hub, port=0, tick_s=3600.0, log_db=tmp_path / "log.sqlite").start()
    try:
        httpd = server._httpd
        httpd.warm()
        assert not httpd.jobs.followed
        first = requests.get(f"{server.url}/api/v1/jobs", timeout=10).json()
        assert httpd.jobs.followed
        hub.step(hub.now + 60.0)
        httpd.warm()
        assert httpd.jobs._key == httpd._state()  # this tick's queue, taken ahead
        answer = requests.get(f"{server.url}/api/v1/jobs", params={"since": first["version"]},
                              timeout=10).json()
        assert answer["since"] == first["version"] and answer["total"] == len(hub.jobs()["jobs"])
    finally:
        server.stop()


@pytest.mark.parametrize(("host", "local"), [
    ("127.0.0.1", True), ("127.8.0.3", True), ("::1", True), ("::ffff:127.0.0.1", True),
    ("fe80::1%eth0", False), ("10.1.2.3", False), ("::ffff:10.1.2.3", False), ("2001:db8::5", False),
    ("", False), ("localhost", False),
])
def test_on_this_machine_knows_loopback_addresses(host: str, local: bool) -> None:
    from console.hub.server import on_this_machine

    assert on_this_machine(host) is local


def test_big_answers_go_to_a_local_client_uncompressed_and_as_utf8_json(hub_server: Any) -> None:
    """A client on this machine gets a big document as it is (compressing it for loopback
    costs more than it saves), in UTF-8 JSON."""
    site = requests.get(f"{hub_server.url}/api/v1/site",
                        headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert site.status_code == 200 and len(site.content) >= 32_768
    assert "Content-Encoding" not in site.headers
    assert site.json()["name"] == site.content.decode("utf-8").split('"name":"', 1)[1].split('"')[0]


def test_a_remote_client_that_takes_gzip_gets_big_answers_compressed() -> None:
    """The same server seen from another machine: the answer is compressed."""
    import gzip
    import io

    from console.hub.server import GZIP_MIN_BYTES, _Handler

    sent = io.BytesIO()
    handler = _Handler.__new__(_Handler)
    handler.client_address = ("10.1.2.3", 50000)
    handler.headers = {"Accept-Encoding": "gzip, deflate"}  # type: ignore[assignment]
    handler.command, handler.request_version, handler.close_connection = "GET", "HTTP/1.1", False
    handler.wfile = sent
    handler.requestline = "GET /api/v1/racks HTTP/1.1"
    body = b"[" + b"1," * GZIP_MIN_BYTES + b"1]"
    handler._send(200, body, "application/json")
    head, _, payload = sent.getvalue().partition(b"\r\n\r\n")
    assert b"Content-Encoding: gzip" in head
    assert gzip.decompress(payload) == body


def test_the_site_document_is_its_layout_encoded_once_with_the_time_of_each_answer(
        tmp_path: Path) -> None:
    """The layout (1.1 MB at full scale) is encoded once; each answer is the very JSON of
    ``hub.site()`` at its time."""
    from console.hub.server import HubServer, encode_json
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="rack", seed=5, start=1_780_000_000.0)
    server = HubServer(hub, port=0, tick_s=3600.0, log_db=tmp_path / "log.sqlite").start()
    try:
        for now in (1_780_000_000.0, 1_780_000_002.1234567, 1_780_000_061.5):
            hub.step(now)
            answer = requests.get(f"{server.url}/api/v1/site", timeout=10)
            assert answer.content == encode_json(hub.site())
            assert answer.json()["time"] == round(now, 3)
        parts = server._httpd._site_parts
        assert parts is not None and parts[0] is hub.layout
    finally:
        server.stop()


def test_after_its_first_answer_the_server_makes_ready_the_jobs_and_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is warmed before the first answer (it would hold that answer up); after it,
    between answers, the rack and GPU documents, the job queue and the shift log are made
    ready before anyone asks for them."""
    import time

    from console.hub import server as server_module
    from console.hub.sim import SimulatedHub

    monkeypatch.setattr(server_module, "WARM_UP_AFTER_S", 60.0)
    hub = SimulatedHub(scale="rack", seed=5)
    server = server_module.HubServer(hub, port=0, tick_s=3600.0,
                                     log_db=tmp_path / "log.sqlite").start()
    try:
        httpd = server._httpd
        assert httpd._log is None and "jobs" not in hub._cache and not httpd._encoded
        assert httpd._site_parts is None
        assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200
        deadline = time.monotonic() + 30.0
        while httpd._log is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert httpd._log is not None
        assert "jobs" in hub._cache and set(httpd._encoded) == {"racks", "gpus"}
        assert httpd._site_parts is not None and httpd._site_parts[0] is hub.layout
        assert not httpd.jobs.followed  # the clock takes no queue until a client asks
        answer = requests.get(f"{server.url}/api/v1/log", timeout=10).json()
        assert answer["entries"] == []
    finally:
        server.stop()


def test_a_server_stopped_before_its_first_answer_ends_its_warm_up(tmp_path: Path) -> None:
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    server = HubServer(SimulatedHub(scale="rack", seed=5), port=0, tick_s=3600.0,
                       log_db=tmp_path / "log.sqlite").start()
    server.stop()
    assert not any(t.is_alive() for t in server._threads)
    assert server._httpd._log is None


def test_while_the_hub_computes_a_tick_it_answers_from_the_last_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A poll that meets the clock's step (15 ms at full scale, ~50 ms at four times it,
    the hub's lock held throughout) is not held up by it: racks, GPU health, job changes,
    events and power are answered at once from the last tick, as that tick answered them;
    once the step is done, from the new one."""
    import threading

    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="rack", seed=5)
    server = HubServer(hub, port=0, tick_s=3600.0, log_db=tmp_path / "log.sqlite").start()
    session = requests.Session()

    def get(path: str, **params: Any) -> Any:
        answer = session.get(f"{server.url}{path}", params=params, timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    entered, leave = threading.Event(), threading.Event()
    try:
        first = get("/api/v1/jobs")
        hub.inject("xid", None)  # an event to read back
        hub.step(hub.now + 60.0)
        server._httpd.warm()  # the tick, as the clock takes it
        last_id = hub.event_log.last_id
        assert last_id >= 1
        window = {"start": f"{hub.now - 600:.3f}", "end": f"{hub.now + 60:.3f}", "step": "10"}
        queries: list[tuple[str, dict[str, Any]]] = [
            ("/api/v1/racks", {}), ("/api/v1/gpus/unhealthy", {}),
            ("/api/v1/jobs", {"since": first["version"]}), ("/api/v1/power", window),
            ("/api/v1/power", {}),
            *[("/api/v1/events", {"since": s}) for s in (0, last_id - 1, last_id, last_id + 3)],
        ]
        want = [get(path, **params) for path, params in queries]
        record = hub._record

        def held_record(*args: Any, **kwargs: Any) -> None:  # half-way through the step
            entered.set()
            leave.wait(30)
            record(*args, **kwargs)

        monkeypatch.setattr(hub, "_record", held_record)
        stepping = threading.Thread(target=hub.step, args=(hub.now + 60.0,))
        stepping.start()
        assert entered.wait(10)
        during = [get(path, **params) for path, params in queries]  # each within 5 s
        leave.set()
        stepping.join(10)
        assert not stepping.is_alive()
        assert during == want
        after = get("/api/v1/racks")
        assert after["time"] == round(hub.now, 3) > want[0]["time"]
    finally:
        leave.set()
        server.stop()


def test_while_the_clock_makes_a_tick_ready_requests_get_the_last_one(tmp_path: Path) -> None:
    """From the step's start until the tick's documents are encoded (the clock's
    ``ticking``), a request does not build them itself on the hub's interpreter lock: it
    gets the last tick's; after, the new tick's."""
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="rack", seed=5)
    server = HubServer(hub, port=0, tick_s=3600.0, log_db=tmp_path / "log.sqlite").start()
    try:
        httpd = server._httpd
        url = f"{server.url}/api/v1/racks"
        before = requests.get(url, timeout=10).json()
        httpd.ticking = True
        hub.step(hub.now + 60.0)
        assert requests.get(url, timeout=10).json() == before
        httpd.warm()
        httpd.ticking = False
        after = requests.get(url, timeout=10).json()
        assert after["time"] == round(hub.now, 3) > before["time"]
    finally:
        server.stop()


def test_the_clock_gives_way_to_a_poll_until_it_is_over(tmp_path: Path) -> None:
    """The step waits while a request is answered and until none was for ``quiet_s`` (a
    client's requests of one poll come one after another), never longer than ``limit_s``;
    a stop ends the wait."""
    import threading
    import time

    from console.hub.server import HubHTTPServer

    httpd = HubHTTPServer(None, "127.0.0.1", 0, None, tmp_path / "log.sqlite")
    stop = threading.Event()
    try:
        t0 = time.monotonic()
        httpd.give_way(stop, 5.0, 10.0)  # nothing answered yet
        assert time.monotonic() - t0 < 2.0
        httpd.last_answer = time.monotonic()
        t0 = time.monotonic()
        httpd.give_way(stop, 0.3, 10.0)
        assert 0.3 <= time.monotonic() - t0 < 5.0
        httpd._busy = 1  # a request being answered
        t0 = time.monotonic()
        httpd.give_way(stop, 0.0, 0.3)
        assert 0.3 <= time.monotonic() - t0 < 5.0
        threading.Timer(0.2, stop.set).start()
        t0 = time.monotonic()
        waiter = threading.Thread(target=httpd.give_way, args=(stop, 0.0, 30.0))
        waiter.start()
        stop.wait(10)
        with httpd._busy_changed:
            httpd._busy_changed.notify_all()
        waiter.join(10)
        assert not waiter.is_alive() and time.monotonic() - t0 < 10.0
    finally:
        httpd._busy = 0
        httpd.server_close()


def test_the_clock_computes_a_tick_with_a_short_switch_interval(tmp_path: Path) -> None:
    """While the clock computes a tick, a request thread waits at most half a millisecond
    for the interpreter lock at a time (not 5 ms); the interval before comes back after."""
    import sys
    import threading

    from console.hub.server import TICK_SWITCH_INTERVAL_S, HubServer
    from console.hub.sim import SimulatedHub

    before = sys.getswitchinterval()
    assert before > TICK_SWITCH_INTERVAL_S
    hub = SimulatedHub(scale="rack", seed=5)
    seen: list[float] = []
    ticked = threading.Event()
    step = hub.step

    def recorded_step(now: float | None = None) -> None:
        seen.append(sys.getswitchinterval())
        step(now)
        ticked.set()

    hub.step = recorded_step  # type: ignore[method-assign]
    server = HubServer(hub, port=0, tick_s=0.05, log_db=tmp_path / "log.sqlite").start()
    try:
        assert ticked.wait(30)
    finally:
        server.stop()
    assert seen and seen[0] == TICK_SWITCH_INTERVAL_S
    assert sys.getswitchinterval() == before
