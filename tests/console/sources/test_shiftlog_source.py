"""The shift log of a log-only hub as a source: what a site read from Prometheus and Slurm
gets from ``[log] url`` (combined_from_settings), read and written with its token."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.hub.server import HubServer
from console.settings import load_settings
from console.shiftlog.client import LogClient, LogRefused
from console.shiftlog.model import LogSnapshot
from console.sources.base import FetchContext, SourceError
from console.sources.combined import combined_from_settings
from console.sources.shiftlog import ShiftLogSource


def _config(tmp_path: Path, log_table: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        'site_topology = "site.json"\n'
        '[prometheus]\nurl = "prometheus+http://127.0.0.1:9"\n'
        f"[log]\n{log_table}\n", encoding="utf-8")
    return path


def test_log_url_gives_a_prometheus_site_the_log_kind(tmp_path: Path) -> None:
    with HubServer(None, log_db=tmp_path / "log.db", token="s3cret-log") as hub:
        settings = load_settings(
            _config(tmp_path, f'url = "{hub.url}"\ntoken = "s3cret-log"\ndeadline_s = 5'),
            env={})
        assert settings.redacted()["log"]["token"] == "***"
        source = combined_from_settings(settings)
        assert source is not None and source.shift_log is not None
        try:
            assert "log" in source.kinds
            assert source.shift_log.client.limits.deadline_s == 5.0
            first = source.fetch("log", FetchContext())
            assert isinstance(first, LogSnapshot) and first.entries == ()
            writer = source.log_client()  # the same hub, the same token
            try:
                entry = writer.add("Chiller 2 on standby", "maintenance", (), "Amina", True)
            finally:
                writer.close()
            changed = source.fetch("log", FetchContext())
            assert isinstance(changed, LogSnapshot)
            assert [e.uid for e in changed.entries] == [entry.uid]
            again = source.fetch("log", FetchContext())  # only what changed since
            assert isinstance(again, LogSnapshot) and again.entries == ()
        finally:
            source.close()


def test_without_log_url_the_site_keeps_no_log(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path, ""), env={})
    source = combined_from_settings(settings)
    assert source is not None and "log" not in source.kinds
    with pytest.raises(AttributeError):
        source.log_client()
    source.close()


def test_a_refused_token_and_a_hub_away_are_one_line_each(tmp_path: Path) -> None:
    with HubServer(None, log_db=tmp_path / "log.db", token="right-token") as hub:
        wrong = ShiftLogSource(hub.url, token="wrong-token", retries=0)
        with pytest.raises(SourceError) as refused:
            wrong.fetch("log", FetchContext())
        assert refused.value.auth and "token refused" in str(refused.value)
        assert "wrong-token" not in str(refused.value)
        wrong.close()
        url = hub.url
    away = ShiftLogSource(url, retries=0)
    with pytest.raises(SourceError) as down:
        away.fetch("log", FetchContext())
    assert str(down.value).startswith("shift log: ") and "\n" not in str(down.value)
    with pytest.raises(SourceError):
        away.fetch("racks", FetchContext())
    away.close()


def test_the_cli_reads_log_url_too(tmp_path: Path) -> None:
    from console.shiftlog.cli import client_for

    with HubServer(None, log_db=tmp_path / "log.db", token="tok-en") as hub:
        settings = load_settings(_config(tmp_path, f'url = "{hub.url}"\ntoken = "tok-en"'),
                                 env={})
        client = client_for(settings, None)
        try:
            assert client.base == hub.url
            entry = client.add("Written by a script", "operations", (), "cron")
            with pytest.raises(LogRefused):
                client.clear(entry.uid, "cron")  # no open item: refused, but authorised
        finally:
            client.close()
    assert isinstance(client, LogClient)
