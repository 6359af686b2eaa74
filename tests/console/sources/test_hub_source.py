"""The hub API client and the poller against bad input: each failure is one clear line,
nothing raises into the caller, the last good data stays with the caller."""

from __future__ import annotations

import json
import math
import threading
from typing import Any

import pytest

from console.decode import DataError, decode_racks, decode_site
from console.poller import Poller
from console.sources.base import FetchContext, SourceError, open_source
from console.sources.hub import HubApiSource
from tests.backend_http import FakeBackend, json_reply

SITE = {
    "time": 1_780_000_000.0,
    "name": "Test",
    "timezone": "Africa/Casablanca",
    "capacity_mw": 386,
    "halls": [{"id": "A"}],
    "rows": [{"id": "A-01"}],
    "racks": [
        {"id": f"A-01-0{i}", "hall": "A", "row": "A-01", "x": i, "y": 0, "w": 0.6, "h": 1.2,
         "capacity_kw": 132, "gpus": 72}
        for i in range(1, 4)
    ],
}


def racks_payload(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "time": 1_780_000_002.0,
        "rack_ids": ["A-01-01", "A-01-02", "A-01-03"],
        "power_kw": [120.0, 121.0, 119.5],
        "inlet_c": [24.0, 25.0, 24.5],
        "outlet_c": [38.0, 39.0, 38.5],
        "gpu_temp_max_c": [58.0, 59.0, 57.0],
        "gpu_util_mean": [90.0, 88.0, 91.0],
        "gpus_unhealthy": [0, 1, 0],
        "pdu_a_kw": [60.0, 60.5, 59.7],
        "pdu_b_kw": [60.0, 60.5, 59.8],
        "alarm": [0, 2, 0],
    }
    base.update(over)
    return base


def test_decode_aligns_and_flags_bad_values() -> None:
    topo = decode_site(SITE)
    good = decode_racks(racks_payload(), topo)
    assert good["power_kw"].tolist() == [120.0, 121.0, 119.5]
    assert not good["power_kw"].flags.writeable
    weird = decode_racks(racks_payload(power_kw=[-5.0, 1e9, None], inlet_c=[24, "hot", 900]), topo)
    assert all(math.isnan(v) for v in weird["power_kw"].tolist())
    assert math.isnan(weird["inlet_c"][1]) and math.isnan(weird["inlet_c"][2])
    assert weird.invalid_values == 4  # -5, 1e9, 'hot', 900; None is a gap, not invalid


def test_decode_partial_and_unknown_racks() -> None:
    topo = decode_site(SITE)
    payload = racks_payload(rack_ids=["A-01-03", "Z-99-99"])
    for key in payload:
        if isinstance(payload[key], list) and key != "rack_ids":
            payload[key] = payload[key][:2]
    tele = decode_racks(payload, topo)
    assert tele.unknown_ids == ("Z-99-99",)
    assert tele.missing.tolist() == [True, True, False]
    assert math.isnan(tele["power_kw"][0]) and tele["power_kw"][2] == 120.0


@pytest.mark.parametrize(
    "payload, message",
    [
        ([], "expected a JSON object"),
        ({"time": 1_780_000_000.0}, "missing field"),
        (racks_payload(power_kw=[1.0, 2.0]), "'power_kw' has 2 values, expected 3"),
        (racks_payload(time="yesterday"), "'time' must be a number"),
        (racks_payload(time=12.0), "not a plausible date"),
        (racks_payload(rack_ids="A-01-01"), "'rack_ids' must be an array"),
    ],
)
def test_decode_refuses_wrong_shapes(payload: Any, message: str) -> None:
    with pytest.raises(DataError, match=message):
        decode_racks(payload, decode_site(SITE))


def _poller_on(routes: dict[str, Any], **options: Any) -> tuple[FakeBackend, Poller]:
    backend = FakeBackend(routes)
    source = HubApiSource(backend.url, timeout=(0.5, 0.5), retries=0, **options)
    return backend, Poller(source)


class RecordingCache:
    def __init__(self) -> None:
        self.writes: list[Any] = []

    def write_poll(self, snapshots: Any, topology: Any = None) -> None:
        self.writes.extend(snapshots)


@pytest.mark.parametrize(
    "reply, needle",
    [
        ((500, "application/json", b'{"error": "boom", "status": 500}'), "HTTP 500 on /api/v1/racks: boom"),
        ((404, "text/html", b"<h1>nope</h1>"), "HTTP 404"),
        ((200, "application/json", b"{not json"), "invalid JSON"),
        (json_reply(json.dumps({"time": 1_780_000_000.0})), "missing field"),
        (json_reply(json.dumps(racks_payload(inlet_c=[1, 2]))), "expected 3"),
        ((401, "application/json", b'{"error": "bad token"}'), "token refused"),
    ],
)
def test_poll_failures_are_clear_and_cache_nothing(reply: Any, needle: str) -> None:
    backend, poller = _poller_on({"/api/v1/site": json_reply(json.dumps(SITE)), "/api/v1/racks": reply})
    cache = RecordingCache()
    poller.cache = cache
    with backend:
        result = poller.poll("racks")
    assert not result.ok
    assert result.error is not None and result.error.startswith("hub API: ")
    assert needle in result.error
    assert "\n" not in result.error
    assert [s.kind for s in cache.writes] == ["site"]  # nothing from the bad poll


def test_hub_down_and_slow() -> None:
    backend = FakeBackend({})
    url = backend.url
    backend.server.server_close()  # nothing listens there now
    down = Poller(HubApiSource(url, timeout=(0.5, 0.5), retries=0)).poll("site")
    assert down.error == "hub API: cannot connect (server down or wrong URL)"

    release = threading.Event()

    def slow(_: Any) -> Any:
        release.wait(5)
        return json_reply(json.dumps(SITE))

    backend, poller = _poller_on({"/api/v1/site": slow})
    with backend:
        result = poller.poll("site")
        release.set()
    assert result.error == "hub API: no answer within 0.5 s (read timeout)"


def test_token_is_sent_and_never_shown() -> None:
    seen: list[str] = []

    def site(request: Any) -> Any:
        seen.append(request.headers.get("Authorization", ""))
        return json_reply(json.dumps(SITE))

    backend, poller = _poller_on({"/api/v1/site": site}, token="s3cret-token")
    with backend:
        assert poller.poll("site").ok
    assert seen == ["Bearer s3cret-token"]
    assert "s3cret" not in repr(poller.source)
    assert "s3cret" not in poller.source.display_url


def test_credentials_in_url_are_hidden() -> None:
    source = HubApiSource("https://ops:pa55@hub.example.org:8443/api")
    assert source.display_url == "https://hub.example.org:8443/api"
    assert source.url == source.display_url and "pa55" not in repr(source)
    assert source.session.auth == ("ops", "pa55")  # used as basic auth, kept in memory
    assert source.session.verify is True
    with pytest.raises(ValueError) as bad:
        HubApiSource("https://ops:pa55@/api")
    assert "pa55" not in str(bad.value)


def test_password_in_url_is_sent_as_basic_auth_and_a_token_wins() -> None:
    seen: list[str] = []

    def site(request: Any) -> Any:
        seen.append(request.headers.get("Authorization", ""))
        return json_reply(json.dumps(SITE))

    backend = FakeBackend({"/api/v1/site": site})
    url = backend.url.replace("http://", "http://ops:pa55word@")
    with backend:
        assert Poller(HubApiSource(url)).poll("site").ok
        assert Poller(HubApiSource(url, token="tok-123456")).poll("site").ok
    assert seen == ["Basic b3BzOnBhNTV3b3Jk", "Bearer tok-123456"]


def test_error_text_from_the_hub_is_redacted_of_the_token() -> None:
    reply = json_reply(json.dumps({"error": "token tok-123456 expired"}), 500)
    backend, poller = _poller_on({"/api/v1/site": reply}, token="tok-123456")
    with backend:
        result = poller.poll("site")
    assert result.error == "hub API: HTTP 500 on /api/v1/site: token *** expired"


def test_answers_are_bounded_in_size() -> None:
    big = json.dumps({**SITE, "padding": "x" * (2 << 20)})
    backend = FakeBackend({"/api/v1/site": json_reply(big)})
    with backend:
        result = Poller(HubApiSource(backend.url, max_body_mb=1)).poll("site")
        assert Poller(HubApiSource(backend.url, max_body_mb=3)).poll("site").ok
    assert result.error == (
        "hub API: answer from /api/v1/site larger than 1 MB (after decompression); refused")


def test_open_source_by_scheme() -> None:
    assert isinstance(open_source("http://127.0.0.1:1"), HubApiSource)
    with pytest.raises(ValueError, match="unsupported source URL"):
        open_source("gopher://x")


@pytest.mark.parametrize("names", [("instance",), ("last_id",), ()], ids=str)
def test_poller_keeps_cursors(names: tuple[str, ...]) -> None:
    """The cursor moves to the newest id; a hub that names neither its lifetime nor its
    newest id is asked again from the oldest event kept (to tell a restart by its times),
    and the events asked again are not taken twice."""
    events: dict[str, Any] = {"time": 1_780_000_000.0, "events": [
        {"id": 4, "time": 1_780_000_000.0, "kind": "xid", "message": "XID 79"},
        {"id": 9, "time": 1_780_000_001.0, "kind": "xid", "message": "XID 48"},
    ]}
    events |= {"instance": "hub-1", "last_id": 9}
    events = {k: v for k, v in events.items() if k in ("time", "events", *names)}
    backend, poller = _poller_on({"/api/v1/events": json_reply(json.dumps(events))})
    with backend:
        assert poller.poll("events").ok
        assert poller.context.last_event_id == 9
        again = poller.poll("events")
    assert backend.requests[-1].params["since"] == (["9"] if names else ["3"])
    assert again.ok and poller.context.last_event_id == 9
    if not names:  # this stub answers every since alike: the poller left them out itself
        assert again.snapshot.events == ()  # type: ignore[union-attr]


def test_fetch_context_default() -> None:
    ctx = FetchContext()
    assert ctx.topology is None and ctx.last_event_id == 0


def test_source_error_names_backend() -> None:
    err = SourceError("hub API", "HTTP 503")
    assert str(err) == "hub API: HTTP 503"
