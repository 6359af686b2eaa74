"""Source plug-ins of installed packages (entry-point group ``hub_console.sources``): packages
installed by pip from a temporary folder are picked by their URL scheme, a broken one is one
line, and the console's own schemes cannot be taken over (console/sources/base.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

DEMO_PYPROJECT = """\
[build-system]
requires = ["setuptools>=70.1"]
build-backend = "setuptools.build_meta"

[project]
name = "hub-console-demo-source"
version = "0.1.0"

[project.entry-points."hub_console.sources"]
demo = "demo_source:DemoSource"
demofactory = "demo_source:open_demo"
notasource = "demo_source:NOT_A_SOURCE"
broken = "broken_source:BrokenSource"

[tool.setuptools]
py-modules = ["demo_source", "broken_source"]
"""

DEMO_SOURCE = '''\
"""A site's own source: two racks from fixed data."""

import time
from urllib.parse import urlsplit

import numpy as np

from console.model import RackTelemetry, SiteTopology
from console.sources import FetchContext, Source, SourceError

RACKS = ({"id": "demo-r1", "hall": "H1", "row": "A"}, {"id": "demo-r2", "hall": "H1", "row": "A"})


class DemoSource(Source):
    backend = "demo"
    kinds = ("site", "racks")

    def __init__(self, url, **options):
        super().__init__(url)
        self.options = sorted(options)

    def fetch(self, kind, context: FetchContext):
        now = time.time()
        if kind == "site":
            return SiteTopology(now, name=f"Demo site {urlsplit(self.url).netloc}", racks=RACKS,
                                rack_index={"demo-r1": 0, "demo-r2": 1},
                                gpus=np.array([8, 16], np.int32))
        if kind == "racks":
            return RackTelemetry(now, fields={"power_kw": np.array([12.5, 30.0])},
                                 missing=np.zeros(2, bool))
        raise SourceError(self.backend, f"no {kind} here")


def open_demo(url, **options):
    return DemoSource(url, **options)


NOT_A_SOURCE = 42
'''

BROKEN_SOURCE = '''\
import hub_console_missing_dependency  # noqa: F401  (not installed: the import fails)


class BrokenSource:
    pass
'''

RIVAL_PYPROJECT = """\
[build-system]
requires = ["setuptools>=70.1"]
build-backend = "setuptools.build_meta"

[project]
name = "hub-console-rival-source"
version = "0.2.0"

[project.entry-points."hub_console.sources"]
http = "rival_source:RivalSource"
demo = "rival_source:RivalSource"

[tool.setuptools]
py-modules = ["rival_source"]
"""

RIVAL_SOURCE = '''\
from console.sources import Source


class RivalSource(Source):
    backend = "rival"

    def fetch(self, kind, context):
        raise AssertionError("never used")
'''


def _install(tmp: Path, name: str, files: dict[str, str]) -> Path:
    """Write a package and install it with pip into its own folder, offline."""
    pkg = tmp / name
    pkg.mkdir()
    for file, text in files.items():
        (pkg / file).write_text(text)
    site = tmp / f"{name}-site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--no-index", "--disable-pip-version-check", "--quiet", "--target", str(site),
         str(pkg)],
        capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"pip cannot build and install a package offline here "
                    f"(setuptools>=70.1 is needed, from the test extra): {last}")
    return site


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("plugins")
    return {
        "demo": _install(tmp, "demo", {"pyproject.toml": DEMO_PYPROJECT,
                                       "demo_source.py": DEMO_SOURCE,
                                       "broken_source.py": BROKEN_SOURCE}),
        "rival": _install(tmp, "rival", {"pyproject.toml": RIVAL_PYPROJECT,
                                         "rival_source.py": RIVAL_SOURCE}),
    }


def _env(tmp: Path, *sites: Path) -> dict[str, str]:
    config = tmp / "empty.toml"
    config.write_text("")
    env = dict(os.environ, HUB_CONSOLE_CONFIG=str(config),
               PYTHONPATH=os.pathsep.join([*map(str, sites), str(ROOT)]))
    env.pop("HUB_SOURCE", None)
    return env


def run_main(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--cache", "off", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_reads_the_site_from_an_installed_plugin(tmp_path: Path,
                                                      sites: dict[str, Path]) -> None:
    done = run_main(_env(tmp_path, sites["demo"]), "check", "--source", "demo://x", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # an installed plug-in is used without a word
    report = json.loads(done.stdout)
    assert report["source"] == "demo://x" and report["reachable"]
    by = {(r["view"], r["figure"]): r for r in report["rows"]}
    assert by[("Rack map", "site layout")]["status"] == "found"
    assert by[("Rack map", "site layout")]["detail"] == "Demo site x: 2 racks, 24 GPUs"
    power = by[("Rack map", "rack power")]
    assert (power["status"], power["detail"]) == ("found", "2 racks")
    assert by[("Rack map", "rack figures")]["detail"] == "2 of 2 racks with data"


def test_plugins_are_listed_and_imported_only_when_looked_up(tmp_path: Path,
                                                             sites: dict[str, Path]) -> None:
    code = textwrap.dedent("""\
        import json, sys
        from console.sources import open_source, plugin_schemes, schemes, source_class
        out = {"schemes": schemes(), "plugins": plugin_schemes(),
               "imported_before": "demo_source" in sys.modules}
        source = open_source("demofactory://y", token=None, retries=2)
        out["factory"] = [type(source).__name__, source.url, source.options]
        out["class"] = source_class("DEMO").__name__
        try:
            source_class("notasource")
        except ValueError as exc:
            out["notasource"] = str(exc)
        out["broken_imported"] = "broken_source" in sys.modules
        print(json.dumps(out))
        """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=_env(tmp_path, sites["demo"]))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["schemes"] == sorted(out["schemes"])
    assert {"demo", "demofactory", "broken", "notasource", "sim", "http"} <= set(out["schemes"])
    assert out["plugins"]["demo"] == "demo_source:DemoSource from hub-console-demo-source 0.1.0"
    assert not out["imported_before"] and not out["broken_imported"]
    assert out["factory"] == ["DemoSource", "demofactory://y", ["retries", "token"]]
    assert out["class"] == "DemoSource"
    assert out["notasource"] == (
        "source plug-in notasource:// (demo_source:NOT_A_SOURCE from hub-console-demo-source "
        "0.1.0) cannot be loaded: demo_source:NOT_A_SOURCE is not a "
        "console.sources.base.Source subclass or factory")


def test_a_broken_plugin_is_one_line_and_exit_2(tmp_path: Path, sites: dict[str, Path]) -> None:
    env = _env(tmp_path, sites["demo"])
    for args in (("check", "--source", "broken://x"), ("check", "--source", "BROKEN://x", "--json")):
        done = run_main(env, *args)
        err = done.stderr.strip()
        assert done.returncode == 2, err
        assert len(err.splitlines()) == 1 and "Traceback" not in err, err
        assert err == ("main.py: error: source plug-in broken:// (broken_source:BrokenSource from "
                       "hub-console-demo-source 0.1.0) cannot be loaded: ModuleNotFoundError: "
                       "No module named 'hub_console_missing_dependency'")
        assert done.stdout == ""
    # the other plug-ins of the package still work
    assert run_main(env, "check", "--source", "demo://x", "--json").returncode == 0


def test_an_unknown_scheme_names_the_plugins_schemes(tmp_path: Path,
                                                    sites: dict[str, Path]) -> None:
    done = run_main(_env(tmp_path, sites["demo"]), "check", "--source", "gopher://x")
    err = done.stderr.strip()
    assert done.returncode == 2 and len(err.splitlines()) == 1, err
    assert "unsupported source URL 'gopher://x'" in err
    for scheme in ("demo://", "demofactory://", "broken://", "sim://", "http://"):
        assert scheme in err, scheme


def test_a_plugin_cannot_take_a_builtin_or_taken_scheme(tmp_path: Path,
                                                        sites: dict[str, Path]) -> None:
    code = ("from console.sources import source_class\n"
            "print(source_class('http').__module__, source_class('demo').__module__)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env=_env(tmp_path, sites["demo"], sites["rival"]))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["console.sources.hub", "demo_source"]
    warnings = done.stderr.strip().splitlines()
    assert len(warnings) == 2, done.stderr
    assert ("source plug-in http:// (rival_source:RivalSource from hub-console-rival-source "
            "0.2.0) ignored: the console's own http:// source is kept") in done.stderr
    assert ("source plug-in demo:// (rival_source:RivalSource from hub-console-rival-source "
            "0.2.0) ignored: demo_source:DemoSource from hub-console-demo-source 0.1.0 "
            "already provides it") in done.stderr


def test_the_consoles_own_schemes_are_opened_without_reading_the_plugins(
        tmp_path: Path, sites: dict[str, Path]) -> None:
    """A start on one of the console's own schemes neither imports importlib.metadata nor
    scans the installed packages (tens of milliseconds before the first frame): no plug-in
    can take such a scheme. A plug-in's scheme still finds its plug-in."""
    code = ("import sys\n"
            "import main\n"
            "main._check_source('sim://tetouan')\n"
            "print('importlib.metadata' in sys.modules)\n"
            "import console.sources.base as base\n"
            "scan = base._find_plugins\n"
            "base._find_plugins = lambda: 1 / 0\n"
            "main._check_source('SIM://tetouan')\n"
            "base.open_source('sim://tetouan').close()\n"
            "base._find_plugins = scan\n"
            "main._check_source('demo://site')\n"
            "print(base.source_class('demo').__module__)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=_env(tmp_path, sites["demo"]))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "demo_source"]
