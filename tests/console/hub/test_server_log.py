"""The hub's shift-log API (/api/v1/log): its contract, status codes and OpenAPI document."""

from __future__ import annotations

import http.client
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource

from console.contract import LOG_ENTRY_FIELDS, LOG_MAX_BODY_BYTES
from console.hub.openapi import openapi_document
from console.hub.server import HubServer
from console.hub.sim import SimulatedHub

TOKEN = "log-t0ken-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _schema(doc: dict[str, Any], ref: str) -> OAS31Validator:
    registry: Registry = Registry().with_resource("urn:hub", Resource.opaque(doc))
    return OAS31Validator({"$ref": f"urn:hub#/components/schemas/{ref}"}, registry=registry)


def _body(**over: Any) -> dict[str, Any]:
    return {"uid": str(uuid.uuid4()), "author": "Ann", "category": "safety",
            "text": "Chiller 2 tripped", "links": [{"kind": "rack", "ref": "A-01-01"}],
            "open": True} | over


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubServer]:
    """The simulated hub ('rack' scale: racks A-01-01 and E-01-01) with a token."""
    with HubServer(SimulatedHub("rack", seed=1), token=TOKEN, log_db=tmp_path / "log.sqlite",
                   tick_s=60) as server:
        yield server


@pytest.fixture
def log_only(tmp_path: Path) -> Iterator[HubServer]:
    with HubServer(None, log_db=tmp_path / "only.sqlite") as server:
        yield server


def test_the_openapi_document_lists_the_log_paths(hub: HubServer, log_only: HubServer) -> None:
    from openapi_spec_validator import validate

    doc = requests.get(f"{hub.url}/openapi.json", timeout=10).json()
    assert doc == openapi_document()
    assert {"get", "post"} <= set(doc["paths"]["/api/v1/log"])
    assert "post" in doc["paths"]["/api/v1/log/{entry}/clear"]
    assert doc["components"]["schemas"]["LogEntry"]["required"] == list(LOG_ENTRY_FIELDS)
    only = requests.get(f"{log_only.url}/openapi.json", timeout=10).json()
    assert only == openapi_document(log_only=True)
    assert set(only["paths"]) == {"/api/v1/log", "/api/v1/log/{entry}/clear", "/healthz"}
    validate(doc)
    validate(only)


def test_write_read_and_clear_follow_the_contract(hub: HubServer) -> None:
    doc = openapi_document()
    url = f"{hub.url}/api/v1/log"
    body = _body()
    made = requests.post(url, json=body, headers=AUTH, timeout=10)
    assert made.status_code == 201
    entry = made.json()
    _schema(doc, "LogEntry").validate(entry)
    assert entry["uid"] == body["uid"] and entry["open"] is True and entry["cleared_by"] is None
    again = requests.post(url, json=body, headers=AUTH, timeout=10)
    assert again.status_code == 200 and again.json() == entry  # a retry: the same entry
    listing = requests.get(url, params={"since_rev": 0}, headers=AUTH, timeout=10).json()
    _schema(doc, "LogEntries").validate(listing)
    assert [e["uid"] for e in listing["entries"]] == [body["uid"]] and listing["rev"] == 1
    assert requests.get(url, params={"since_rev": 1}, headers=AUTH,
                        timeout=10).json()["entries"] == []

    cleared = requests.post(f"{url}/{entry['id']}/clear", json={"who": "Bob"}, headers=AUTH,
                            timeout=10)
    assert cleared.status_code == 200 and cleared.json()["cleared_by"] == "Bob"
    changes = requests.get(url, params={"since_rev": 1}, headers=AUTH, timeout=10).json()
    assert [e["cleared_by"] for e in changes["entries"]] == ["Bob"] and changes["rev"] == 2
    second = requests.post(f"{url}/{body['uid']}/clear", json={"who": "Carol"}, headers=AUTH,
                           timeout=10)
    assert second.status_code == 409
    _schema(doc, "LogConflict").validate(second.json())
    assert second.json()["error"].startswith(f"entry {entry['id']} already cleared by Bob at ")
    assert second.json()["cleared_by"] == "Bob"
    assert requests.get(url, params={"open": 1}, headers=AUTH, timeout=10).json()["entries"] == []


@pytest.mark.parametrize(
    "body, needle",
    [
        (_body(category="gossip"), "unknown category 'gossip'"),
        (_body(text="x" * 4001), "at most 4000"),
        (_body(text=" \x07 "), "entry text is empty"),
        (_body(links=[{"kind": "rack", "ref": "Z-99-99"}]), "no rack 'Z-99-99'"),
        (_body(links=[{"kind": "ticket", "ref": "1"}]), "unknown link kind 'ticket'"),
        (_body(uid="nope"), "not a UUID"),
        ({"text": "x"}, "missing field(s) uid, author, category"),
        (_body(author=""), "author is empty"),
        (_body(open="yes"), "open must be true or false"),
        ([1, 2], "request body must be a JSON object"),
    ],
)
def test_bad_entries_are_400_with_a_one_line_reason(hub: HubServer, body: Any,
                                                     needle: str) -> None:
    answer = requests.post(f"{hub.url}/api/v1/log", json=body, headers=AUTH, timeout=10)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert needle in error and "\n" not in error
    assert requests.get(f"{hub.url}/api/v1/log", headers=AUTH, timeout=10).json()["rev"] == 0


def test_bodies_that_cannot_be_read(hub: HubServer) -> None:
    url = f"{hub.url}/api/v1/log"
    not_json = requests.post(url, data=b"{uid:", headers=AUTH, timeout=10)
    assert not_json.status_code == 400 and "not valid JSON" in not_json.json()["error"]
    huge = requests.post(url, json=_body(text="x" * LOG_MAX_BODY_BYTES), headers=AUTH,
                         timeout=10)
    assert huge.status_code == 413 and "too large" in huge.json()["error"]
    assert huge.headers.get("Connection") == "close"  # its body was never read
    conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)
    try:
        conn.putrequest("POST", "/api/v1/log")
        conn.putheader("Authorization", AUTH["Authorization"])
        conn.putheader("Content-Length", "-5")
        conn.endheaders()
        answer = conn.getresponse()
        assert answer.status == 400 and b"negative" in answer.read()
    finally:
        conn.close()
    for path, params in (("", {"since_rev": "-1"}), ("", {"since_rev": "x"}),
                         ("", {"open": "maybe"}), ("", {"start": "nan"})):
        assert requests.get(url + path, params=params, headers=AUTH,
                            timeout=10).status_code == 400


def test_clears_of_no_entry_and_of_no_open_item(hub: HubServer) -> None:
    url = f"{hub.url}/api/v1/log"
    note = requests.post(url, json=_body(open=False), headers=AUTH, timeout=10).json()
    for ref in ("999", str(uuid.uuid4())):
        missing = requests.post(f"{url}/{ref}/clear", json={"who": "Bob"}, headers=AUTH,
                                timeout=10)
        assert missing.status_code == 404 and "no log entry" in missing.json()["error"]
    not_open = requests.post(f"{url}/{note['id']}/clear", json={"who": "Bob"}, headers=AUTH,
                             timeout=10)
    assert not_open.status_code == 409 and not_open.json()["cleared_by"] is None
    nobody = requests.post(f"{url}/{note['id']}/clear", json={}, headers=AUTH, timeout=10)
    assert nobody.status_code == 400 and "who" in nobody.json()["error"]


def test_reads_and_writes_need_the_token(hub: HubServer) -> None:
    url = f"{hub.url}/api/v1/log"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.post(url, json=_body(), timeout=10).status_code == 401
    assert requests.post(url, json=_body(), headers={"Authorization": "Bearer wrong"},
                         timeout=10).status_code == 401
    assert requests.get(url, headers=AUTH, timeout=10).json()["entries"] == []


def test_an_outage_takes_the_log_down_too(hub: HubServer) -> None:
    url = f"{hub.url}/api/v1/log"
    requests.post(f"{hub.url}/api/v1/sim/outage", json={"on": True}, headers=AUTH, timeout=10)
    assert requests.get(url, headers=AUTH, timeout=10).status_code == 503
    assert requests.post(url, json=_body(), headers=AUTH, timeout=10).status_code == 503
    requests.post(f"{hub.url}/api/v1/sim/outage", json={"on": False}, headers=AUTH, timeout=10)
    assert requests.post(url, json=_body(), headers=AUTH, timeout=10).status_code == 201


def test_a_log_only_hub_keeps_the_log_and_nothing_else(log_only: HubServer) -> None:
    url = log_only.url
    health = requests.get(f"{url}/healthz", timeout=10).json()
    assert health["status"] == "ok" and health["scale"] == "log-only"
    made = requests.post(f"{url}/api/v1/log",
                         json=_body(links=[{"kind": "rack", "ref": "any-rack"}]), timeout=10)
    assert made.status_code == 201  # no topology here: rack links are not checked
    for path in ("/api/v1/site", "/api/v1/racks", "/metrics"):
        assert requests.get(f"{url}{path}", timeout=10).status_code == 404
    assert requests.post(f"{url}/api/v1/sim/outage", json={"on": True},
                         timeout=10).status_code == 404


def test_the_log_lives_in_its_own_file_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    with HubServer(SimulatedHub("rack", seed=1), log_db=db, tick_s=60) as first:
        entry = requests.post(f"{first.url}/api/v1/log", json=_body(), timeout=10).json()
    with HubServer(SimulatedHub("rack", seed=2), log_db=db, tick_s=60) as second:
        listing = requests.get(f"{second.url}/api/v1/log", timeout=10).json()
    assert listing["entries"] == [entry] and db.exists()


def test_a_stopped_hub_answers_no_kept_connection(tmp_path: Path) -> None:
    """A client's kept-alive connection is not served on after the hub stopped: the hub is
    gone for it, as a stopped hub process is."""
    server = HubServer(None, log_db=tmp_path / "log.sqlite").start()
    session = requests.Session()
    try:
        assert session.get(f"{server.url}/api/v1/log", timeout=10).status_code == 200
        server.stop()
        with pytest.raises(requests.ConnectionError):
            session.post(f"{server.url}/api/v1/log", json=_body(), timeout=10)
    finally:
        session.close()
