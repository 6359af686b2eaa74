"""The shift log on the command line: ``main.py hub --log-only`` as its own process, and
``main.py log add`` / ``log list`` against it (one clear line, exit 2, on bad input)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import main
from console.shiftlog.client import LogClient, LogRefused

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "cli-log-t0ken-321"


@pytest.fixture
def log_hub(tmp_path: Path) -> Iterator[str]:
    """``main.py hub --log-only`` in a process of its own, with a token file; its URL."""
    token_file = tmp_path / "token"
    token_file.write_text(f"{TOKEN}\nignored second line\n")
    with subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "hub", "--log-only", "--db",
         str(tmp_path / "log.sqlite"), "--port", "0", "--token-file", str(token_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "HUB_TOKEN"},
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert "Shift log (only) serving on http://127.0.0.1:" in line, line
            yield line.rsplit(" ", 1)[-1].strip()
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=20) == 0


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_two_clients_and_the_command_line_share_the_log_only_hub(
        log_hub: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    with LogClient(log_hub, token=TOKEN) as one, LogClient(log_hub, token=TOKEN) as two:
        a = one.add("Cooling loop B on bypass until 14:00", "maintenance",
                    [("rack", "B-02-07")], "Ann", open=True)
        assert [e.uid for e in two.read_all().entries] == [a.uid]
        monkeypatch.setenv("HUB_TOKEN", TOKEN)
        code, out, err = _run(["log", "add", "--url", log_hub, "--text", "=2+3 tenants called",
                               "--category", "customer", "--job", "48213", "--author", "Bob",
                               "--open"], capsys)
        assert code == 0, err
        written = json.loads(out)
        assert written["author"] == "Bob" and written["links"] == [{"kind": "job",
                                                                     "ref": "48213"}]
        two.clear(a.id, "Bob")
        with pytest.raises(LogRefused, match="already cleared by Bob"):
            one.clear(a.uid, "Ann")

    code, out, err = _run(["log", "list", "--url", log_hub, "--csv"], capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["author"] for r in rows] == ["Ann", "Bob"]
    assert rows[1]["text"] == "'=2+3 tenants called"  # never a formula
    assert rows[0]["cleared_by"] == "Bob" and rows[0]["links"] == "rack:B-02-07"
    code, out, err = _run(["log", "list", "--url", log_hub, "--open"], capsys)
    assert code == 0 and [json.loads(x)["author"] for x in out.splitlines()] == ["Bob"]
    code, out, err = _run(["log", "list", "--url", log_hub, "--from", "2000-01-01T00:00Z",
                           "--to", "2000-01-02T00:00Z"], capsys)
    assert code == 0 and out == ""
    stdin = tmp_path / "text.txt"
    stdin.write_text("from a file\nsecond line\n")
    monkeypatch.setattr(sys, "stdin", stdin.open())
    code, out, err = _run(["log", "add", "--url", log_hub, "--text", "-", "--category",
                           "operations"], capsys)
    sys.stdin.close()
    assert code == 0 and json.loads(out)["text"] == "from a file\nsecond line"


def test_the_log_only_hub_wants_its_token(log_hub: str, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("HUB_TOKEN", raising=False)
    code, out, err = _run(["log", "add", "--url", log_hub, "--text", "x", "--category",
                           "safety"], capsys)
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "token refused" in err
    assert TOKEN not in err


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["--category", "gossip"], "entry refused: unknown category 'gossip'"),
        (["--text", "x" * 4001], "at most 4000"),
        (["--text", "   "], "entry text is empty"),
        (["--url", "http://127.0.0.1:9"], "shift log at http://127.0.0.1:9: cannot connect"),
        (["--url", "sim://tetouan"], "runs only inside the console"),
        (["--url", "cache:///tmp/x.db"], "is no hub API"),
    ],
)
def test_bad_input_is_one_clear_line(argv: list[str], needle: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    args = {"--text": "ok", "--category": "safety", "--url": "http://127.0.0.1:9"}
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        args[flag] = value
    code, out, err = _run(["log", "add", *[x for kv in args.items() for x in kv]], capsys)
    assert code == 2 and out == ""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], err


def test_the_default_hub_is_the_configured_one(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    code, _, err = _run(["log", "list"], capsys)  # the default source: the simulated hub
    assert code == 2 and "runs only inside the console" in err
    config = tmp_path / "console.toml"
    config.write_text('[prometheus]\nurl = "http://127.0.0.1:9"\n')
    code, _, err = _run(["log", "list", "--config", str(config)], capsys)
    assert code == 2 and "give --url of the hub that keeps it" in err
    code, _, err = _run(["log", "list", "--from", "yesterday", "--url", "http://127.0.0.1:9"],
                        capsys)
    assert code == 2 and "cannot read the time 'yesterday'" in err


def test_hub_log_only_refuses_a_file_that_is_no_log(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("these are my notes, not a database " * 50)
    code, _, err = _run(["hub", "--log-only", "--db", str(bad), "--port", "0"], capsys)
    assert code == 2 and err.strip().count("\n") == 0 and str(bad) in err
    empty = tmp_path / "token"
    empty.write_text("\n")
    code, _, err = _run(["hub", "--log-only", "--db", str(tmp_path / "ok.sqlite"),
                         "--token-file", str(empty)], capsys)
    assert code == 2 and "is empty" in err
