"""The console's requests session: requests' own result, merged without its per-request
Protocol checks."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from console.sources.http import make_session


def _stock(session: requests.Session) -> requests.Session:
    """The same session, preparing as requests' own Session does."""
    twin = make_session()
    twin.__class__ = requests.Session
    twin.headers = session.headers.copy()
    twin.auth = session.auth
    twin.cookies = session.cookies
    twin.trust_env = session.trust_env
    return twin


def _same(a: requests.PreparedRequest, b: requests.PreparedRequest) -> None:
    assert (a.method, a.url, a.body) == (b.method, b.url, b.body)
    assert dict(a.headers) == dict(b.headers)
    assert list(a.headers) == list(b.headers)
    assert a.hooks == b.hooks


@pytest.mark.parametrize("kwargs", [
    {},
    {"params": {"since": "42"}},
    {"params": {"start": "1780000000.000", "end": "1780003600.000", "step": "10"}},
    {"params": {"q": "sum by (rack) (x{hall=\"A\"}) & é ü/?", "": "empty"}},
    {"params": {"a": "1"}, "headers": {"Accept-Encoding": None, "X-Extra": "yes"}},
    {"params": {"n": 3, "skip": None, "many": ["a", "b"]}},  # not all text: requests' own merge
    {"params": [("a", "1"), ("a", "2")]},
    {"method": "POST", "json": {"query": "up", "time": 1.5}},
    {"method": "POST", "data": {"query": "up"}},
    {"auth": ("other", "pass")},
])
def test_a_request_is_prepared_as_requests_prepares_it(kwargs: dict[str, Any]) -> None:
    session = make_session(auth=("user", "secret-pw"))
    session.headers["Authorization"] = "Bearer t0ken"
    session.headers["Accept-Encoding"] = "identity"
    method = kwargs.pop("method", "GET")
    url = "http://127.0.0.1:8080/api/v1/events?x=1"
    request = requests.Request(method, url, **kwargs)
    _same(session.prepare_request(request), _stock(session).prepare_request(request))


def test_cookies_and_environment_settings_are_merged_as_requests_merges_them() -> None:
    session = make_session()
    session.cookies.set("sid", "abc", domain="127.0.0.1", path="/")
    request = requests.Request("GET", "http://127.0.0.1:8080/api/v1/racks", params={"a": "b"})
    prepared = session.prepare_request(request)
    _same(prepared, _stock(session).prepare_request(request))
    assert prepared.headers["Cookie"] == "sid=abc"
    url = "http://127.0.0.1:8080/"
    for args in (({}, True, None, None), ({}, None, False, ("c", "k")), ({}, False, "ca.pem", None)):
        assert (session.merge_environment_settings(url, *args)
                == _stock(session).merge_environment_settings(url, *args))
    session.trust_env = True  # requests' own, environment and all
    assert (session.merge_environment_settings(url, {}, None, None, None)
            == _stock(session).merge_environment_settings(url, {}, None, None, None))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/api/v1/events", "http://127.0.0.1:8080", "http://[::1]:9/a b/",
    "https://hub.example:8443/api/v1/racks/A-01-02",
])
@pytest.mark.parametrize("kwargs", [
    {},
    {"params": {"since": "42"}},
    {"params": {"start": "1780000000.000", "end": "1780003600.000", "step": "10"}},
    {"params": {"q": "sum by (rack) (x{hall=\"A\"}) & é ü/?~+%", "": "empty"}},
    {"params": {"a": "1"}, "headers": {"Accept-Encoding": None, "X-Extra": "yes"}},
    {"method": "HEAD", "params": {"a": "1"}},
])
def test_a_plain_get_is_prepared_as_requests_prepares_it_without_preparing_it_again(
        url: str, kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A poll's GET (no body, no basic auth, no hooks) takes its URL and headers as requests
    prepared them the first time: the same request, without requests' whole preparation
    at every poll."""
    session = make_session()
    session.headers["Authorization"] = "Bearer t0ken"
    method = kwargs.pop("method", "GET")
    request = requests.Request(method, url, **kwargs)
    want = _stock(session).prepare_request(request)
    _same(session.prepare_request(request), want)

    def not_again(*_: Any, **__: Any) -> None:
        raise AssertionError("prepared by requests again")

    monkeypatch.setattr(requests.PreparedRequest, "prepare", not_again)
    again = session.prepare_request(request)
    _same(again, want)
    assert again.headers is not session.prepare_request(request).headers  # each its own


def test_a_header_requests_refuses_is_refused_on_the_plain_path() -> None:
    session = make_session()
    session.headers["Authorization"] = "Bearer t0ken\r\nX-Injected: 1"
    request = requests.Request("GET", "http://127.0.0.1:8080/api/v1/events")
    with pytest.raises(requests.exceptions.InvalidHeader):
        session.prepare_request(request)
