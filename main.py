"""Hub Operations Console: command-line entry point.

``python main.py`` opens the console on the built-in simulated hub. See
``python main.py --help`` and ``python main.py COMMAND --help``.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

PROCESS_START = time.time()
log = logging.getLogger("console")


class CliError(Exception):
    """A user error: printed as one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _source_options(
    parser: argparse.ArgumentParser, sub: bool = False, with_source: bool = True
) -> None:
    """Add the data-source options (subcommands repeat them without clobbering the top level)."""
    group = parser.add_argument_group("data source")
    if sub:
        group.argument_default = argparse.SUPPRESS
    if with_source:
        _add_source(group)
    _add_backends(group)


def _add_source(group: Any) -> None:
    group.add_argument(
        "--source",
        metavar="URL",
        help="where to read the site: sim://tetouan|tetouan-x2|tetouan-x4|hall|rack (default, "
        "simulated), "
        "http(s)://HOST[:PORT] (hub API), nvml:// (this machine's GPUs), cache://FILE.db (replay)",
    )


def _add_backends(group: Any) -> None:
    group.add_argument("--prometheus", metavar="URL", help="Prometheus (or Thanos/VictoriaMetrics/Mimir) base URL")
    group.add_argument("--slurm", metavar="URL", help="slurmrestd base URL (token from SLURM_JWT)")
    group.add_argument("--topology", metavar="FILE_OR_URL",
                       help="site layout for --prometheus: the hub's /api/v1/site URL or a JSON file of it")
    group.add_argument("--cache", metavar="PATH", help="history cache file (default: user data dir; 'off' disables)")
    group.add_argument("--config", metavar="FILE", help="TOML config file (default: user config dir)")


def _lang_option(parser: argparse.ArgumentParser, sub: bool = False) -> None:
    """``--lang`` of the commands that show words to people (windows and the export)."""
    parser.add_argument("--lang", choices=["en", "fr", "ar"],
                        default=argparse.SUPPRESS if sub else None,
                        help="language of the windows and the export: en, fr or ar (default: "
                        "the config file's [ui] lang, else the system locale's, else en)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="main.py",
        description="Hub Operations Console — the control-room console of the Tétouan AI hub. "
        "With no command it opens the console window, live, on the built-in simulated hub.",
        epilog="Environment: HUB_SOURCE, HUB_TOKEN (hub API bearer token), HUB_CACHE, "
        "HUB_CONSOLE_CONFIG, SLURM_JWT. Tokens are never accepted on the command line.",
    )
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="log verbosity on stderr (default WARNING)")
    _source_options(parser)
    _lang_option(parser)
    parser.add_argument("--exit-after-first-frame", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gui = sub.add_parser("gui", help="open the console window (the default)",
                         description="Open the console window on the configured source.")
    _source_options(gui, sub=True)
    _lang_option(gui, sub=True)

    wall = sub.add_parser(
        "wall",
        help="show chosen views full screen on chosen monitors (a control room's wall)",
        description="Show the chosen views full screen on the chosen monitors, each with the "
        "alarm banner and no menus, from one live feed. The views are dealt to the screens in "
        "turn; a screen with several shows them side by side, or one at a time with --rotate. "
        "Ctrl+Q quits.",
    )
    wall.add_argument("--views", default="rackmap,power,alarms", metavar="LIST",
                      help="comma-separated views: rackmap, gpus, maintenance, alarms, power, "
                      "jobs, log, steering, tenants, idle (default rackmap,power,alarms)")
    wall.add_argument("--screens", metavar="LIST",
                      help="comma-separated screen numbers, 0 the primary (default: every "
                      "screen, as many as there are views); see --list-screens")
    wall.add_argument("--rotate", type=float, default=0.0, metavar="SECONDS",
                      help="show a screen's views one at a time, the next every SECONDS "
                      "(default 0: side by side)")
    wall.add_argument("--list-screens", action="store_true",
                      help="print the screens with their numbers and exit")
    _source_options(wall, sub=True)
    _lang_option(wall, sub=True)

    hub = sub.add_parser(
        "hub",
        help="serve the simulated hub API alone until interrupted",
        description="Serve the simulated Tétouan hub (hub API, /openapi.json, /metrics, /healthz) "
        "on 127.0.0.1 until Ctrl-C. If HUB_TOKEN is set, API requests must send it as a bearer token. "
        "With --log-only: the shift log alone (/api/v1/log), for sites whose telemetry comes "
        "from Prometheus and Slurm.",
    )
    hub.add_argument("--port", type=int, default=8710, help="TCP port on 127.0.0.1 (default 8710; 0 = any free)")
    hub.add_argument("--log-only", action="store_true",
                     help="serve only the shift log (no simulated site)")
    hub.add_argument("--db", metavar="PATH",
                     help="the shift log's SQLite file (default: shiftlog.sqlite, with --log-only, "
                     "or shiftlog-sim.sqlite in the user data dir)")
    hub.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1; another address lets other "
                     "workstations in: set a token, and put TLS in front)")
    hub.add_argument("--token-file", metavar="FILE",
                     help="read the bearer token from FILE (its first line) instead of HUB_TOKEN")
    hub.add_argument("--scale", default="tetouan",
                     help="tetouan (full site), tetouan-x2 or tetouan-x4 (synthetic sites of twice "
                     "or four times its halls), hall or rack (default tetouan)")
    hub.add_argument("--seed", type=int, default=7, help="random seed of the simulation (default 7)")
    hub.add_argument("--tick", type=float, default=2.0, help="seconds between simulation steps (default 2)")
    hub.add_argument("--no-faults", action="store_true", help="no scheduled random faults")

    review = sub.add_parser(
        "review",
        help="review a cache file offline, with a timeline scrubber",
        description="Open the console's views on a cache file: every view shows the site as it "
        "was at the scrubber's time. Needs no network and never writes to the file.",
    )
    review.add_argument("cache_file", metavar="CACHE.db", help="the cache file to review")
    review.add_argument("--at", metavar="TIME", help="start at this time (ISO 8601 or epoch seconds)")
    _lang_option(review, sub=True)

    shiftlog = sub.add_parser(
        "log",
        help="write and list shift-log entries (for scripts)",
        description="Write an entry to the shift log, or list it, on the hub that keeps it "
        "(--url, default: the configured hub; token from HUB_TOKEN or the config file). "
        "One clear line and exit code 2 on bad input or an unreachable hub.",
    )
    actions = shiftlog.add_subparsers(dest="log_command", metavar="ACTION", parser_class=_Parser,
                                      required=True)
    add = actions.add_parser("add", help="write one entry (printed back as a JSON line)")
    add.add_argument("--text", required=True, help="the entry, plain text ('-': read stdin)")
    add.add_argument("--category", required=True,
                     help="operations, maintenance, safety or customer")
    for name in ("rack", "alarm", "incident", "job"):
        add.add_argument(f"--{name}", action="append", default=[], metavar="ID",
                         help=f"link the entry to this {name} (repeatable)")
    add.add_argument("--author", help="who writes it (default: this computer's user name)")
    add.add_argument("--open", action="store_true",
                     help="an open item: carried forward at every handover until cleared")
    listing = actions.add_parser("list", help="print the entries: JSON lines, or --csv")
    listing.add_argument("--open", action="store_true", help="only open items not cleared")
    listing.add_argument("--from", dest="start", metavar="TIME",
                         help="entries written at or after TIME (ISO 8601 or epoch seconds)")
    listing.add_argument("--to", dest="end", metavar="TIME",
                         help="entries written at or before TIME")
    listing.add_argument("--csv", action="store_true",
                         help="CSV (no cell starts a formula) instead of JSON lines")
    for action in (add, listing):
        action.add_argument("--url", metavar="URL",
                            help="the hub that keeps the log (default: the configured hub)")
        action.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                            help="TOML config file (default: user config dir)")

    export = sub.add_parser(
        "export",
        help="write a shift handover pack (view PNGs, handover.pdf, summary.json), headless",
        description="Write the shift handover pack into DIR: one PNG per view, handover.pdf and "
        "summary.json, from the live source (default sim://tetouan) or a cache (--review). "
        "Runs offscreen; needs no display.",
    )
    export.add_argument("--out", required=True, metavar="DIR",
                        help="folder for the pack (absent or empty, unless --force)")
    where = export.add_mutually_exclusive_group()
    where.add_argument("--source", metavar="URL", default=argparse.SUPPRESS,
                       help="live source URL (default: HUB_SOURCE or sim://tetouan)")
    where.add_argument("--review", metavar="CACHE.db",
                       help="read the shift from this cache file (never written)")
    export.add_argument("--shift", metavar="START..END",
                        help="shift window, ISO 8601 (site time unless an offset is given) or "
                        "epoch seconds; default: the shift in progress (live source) or the last "
                        "complete shift in the cache")
    export.add_argument("--at", metavar="TIME",
                        help="with --review: the moment the views show (default: the shift's end)")
    export.add_argument("--notes", metavar="FILE", help="operator notes, a plain text file")
    export.add_argument("--force", action="store_true", help="replace DIR if it is not empty")
    _lang_option(export, sub=True)
    _source_options(export, sub=True, with_source=False)
    export.add_argument("--timeout", type=float, default=30.0, metavar="S",
                        help="seconds to wait for valid data from the live source (default 30)")

    check = sub.add_parser(
        "check",
        help="say what each data source delivers, per view and figure, and what to enable",
        description="Ask the configured source (or --prometheus / --slurm / --topology, or "
        "--source) what it delivers: for each view and figure, found, missing or error, and "
        "what to enable. Exit 0 when anything is reachable; one line and exit 1 when nothing is.",
    )
    _source_options(check, sub=True)
    check.add_argument("--timeout", type=float, default=60.0, metavar="S",
                       help="seconds for the whole check (default 60)")
    check.add_argument("--json", action="store_true", help="print the rows as JSON")

    reports = sub.add_parser(
        "report",
        help="customer reports from the history cache (energy and carbon per tenant)",
        description="Reports from the history cache (read, never written). One clear line and "
        "exit code 2 when the cache does not hold the period (it names what it holds).",
    )
    kinds = reports.add_subparsers(dest="report_command", metavar="REPORT", parser_class=_Parser,
                                   required=True)
    tenants = kinds.add_parser(
        "tenants", help="energy (kWh), carbon (kg CO2eq) and GPU-hours per tenant, as CSV",
        description="Rack energy attributed to the jobs by the GPUs each held on each rack in "
        "each interval, then to tenants (or their kind, or country); carbon from each "
        "interval's supply mix. Lines 'unallocated' (rack energy no job held) and 'facility "
        "overhead' (cooling and losses) complete the site's energy.")
    tenants.add_argument("--from", dest="start", required=True, metavar="TIME",
                         help="start: ISO 8601 (site time unless an offset is given) or epoch seconds")
    tenants.add_argument("--to", dest="end", required=True, metavar="TIME", help="end, as --from")
    tenants.add_argument("--out", required=True, metavar="FILE.csv", help="the CSV file to write")
    tenants.add_argument("--by", choices=["tenant", "kind", "country"], default="tenant",
                         help="one line per tenant (default), tenant kind or country")
    _source_options(tenants, sub=True, with_source=False)

    bench = sub.add_parser(
        "bench",
        help="run the benchmarks and print one JSON object of figures",
        description="Run the benchmarks under bench/ and print one JSON object of figures on stdout.",
    )
    bench.add_argument("--quick", action="store_true", help="shorter runs (smoke check of the benchmarks)")
    bench.add_argument("--only", metavar="NAME", action="append",
                       help="run only this benchmark module (repeatable), e.g. core, rackmap")
    _source_options(bench, sub=True)
    return parser


# -- commands ------------------------------------------------------------------------------


def cmd_hub(args: argparse.Namespace) -> int:
    from console.hub.params import SCALES
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    if args.scale not in SCALES:
        raise CliError(f"unknown scale {args.scale!r}; choose {', '.join(SCALES)}")
    if not 0 <= args.port <= 65535:
        raise CliError(f"port {args.port} is out of range 0-65535")
    if args.tick <= 0:
        raise CliError("--tick must be positive")
    token, db = _hub_token(args), _hub_log_db(args)
    hub = None if args.log_only else SimulatedHub(scale=args.scale, seed=args.seed,
                                                  faults=not args.no_faults)
    try:
        server = HubServer(hub, host=args.host, port=args.port, tick_s=args.tick, token=token,
                           log_db=db)
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    server.start()
    if hub is None:
        print(f"Shift log (only) serving on {server.url}", flush=True)
        print(f"  {server.url}/api/v1/log  {server.url}/openapi.json  (kept in {db})", flush=True)
    else:
        print(f"Simulated hub ({args.scale}, seed {args.seed}) serving on {server.url}", flush=True)
        print(f"  {server.url}/api/v1/site  {server.url}/openapi.json  {server.url}/metrics", flush=True)
    stop = {"flag": False}

    def _stop(*_: Any) -> None:
        stop["flag"] = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop["flag"]:
            time.sleep(0.2)
    finally:
        server.stop()
    return 0


def _hub_token(args: argparse.Namespace) -> str | None:
    """The hub's bearer token: the first line of --token-file, else HUB_TOKEN (None: none)."""
    if not args.token_file:
        return os.environ.get("HUB_TOKEN") or None
    try:
        lines = Path(args.token_file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read the token file {args.token_file}: "
                       f"{getattr(exc, 'strerror', None) or exc}") from None
    token = lines[0].strip() if lines else ""
    if not token:
        raise CliError(f"the token file {args.token_file} is empty")
    return token


def _hub_log_db(args: argparse.Namespace) -> Path:
    """The hub's shift-log file (--db, else the default), checked before the hub listens."""
    from console.shiftlog.files import (
        LogStoreError,
        check_log_file,
        default_log_path,
        default_sim_log_path,
    )

    path = Path(args.db).expanduser() if args.db else (
        default_log_path() if args.log_only else default_sim_log_path())
    try:
        check_log_file(path)
    except LogStoreError as exc:
        raise CliError(str(exc)) from None
    return path


def cmd_log(args: argparse.Namespace) -> int:
    from console.shiftlog.cli import CommandError, add_entry, list_entries

    settings = _settings(args)
    try:
        if args.log_command == "add":
            return add_entry(settings, url=args.url, text=args.text, category=args.category,
                             racks=args.rack, alarms=args.alarm, incidents=args.incident,
                             jobs=args.job, author=args.author, open_item=args.open)
        start = parse_time(args.start) if args.start else None
        end = parse_time(args.end) if args.end else None
        return list_entries(settings, url=args.url, open_only=args.open, start=start, end=end,
                            as_csv=args.csv)
    except CommandError as exc:
        raise CliError(str(exc)) from None


def _settings(args: argparse.Namespace) -> Any:
    """The settings of the command line, environment and config file. A password in any
    source URL is taken out of it (kept in memory for this run, never saved or shown):
    one line on stderr says so."""
    from console.settings import ConfigError, load_settings

    try:
        settings = load_settings(
            getattr(args, "config", None),
            overrides={
                "source": getattr(args, "source", None),
                "cache": getattr(args, "cache", None),
                "prometheus_url": getattr(args, "prometheus", None),
                "slurm_url": getattr(args, "slurm", None),
                "site_topology": getattr(args, "topology", None),
            },
        )
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    if getattr(args, "source", None):
        args.source = settings.source  # the URL without its password, from here on
    _say_credentials_not_saved(settings)
    return settings


def _say_credentials_not_saved(settings: Any) -> None:
    """One line on stderr for the passwords given with URLs (used, never saved)."""
    if settings.credentials:
        shown = ", ".join(settings.credentials)  # the URLs without their user info
        print(f"main.py: the password given with {shown} is used for this run only and never "
              "saved; to keep one, use a token ([hub] token or HUB_TOKEN, [slurm] token or "
              "SLURM_JWT, [prometheus] headers)", file=sys.stderr)


def _check_source(url: str) -> None:
    from urllib.parse import urlsplit

    from console.sources import plugin_schemes, schemes, source_class, unsupported
    from console.sources.base import is_builtin_scheme

    scheme = urlsplit(url).scheme.lower()
    if is_builtin_scheme(scheme):
        pass  # no plug-in can take it: the installed packages' plug-ins are not read
    elif scheme not in schemes():
        raise CliError(unsupported(url))
    elif scheme in plugin_schemes():
        try:
            source_class(scheme)  # a plug-in that cannot be imported: one line, exit 2
        except ValueError as exc:
            raise CliError(str(exc)) from None
    if scheme == "sim":
        from console.hub.prestart import parse_sim_url

        try:
            parse_sim_url(url)
        except ValueError as exc:
            raise CliError(str(exc)) from None


def gui_source_url(settings: Any, args: argparse.Namespace, qsettings: Any) -> str:
    """The window's source: the one given (command line, HUB_SOURCE, config file), else the
    last one shown (QSettings ``source/last``). Without a password in either: one stored by
    an earlier version is taken out (kept in memory for this run) before it is used again."""
    from console.settings import take_credentials

    explicit = getattr(args, "source", None) or os.environ.get("HUB_SOURCE")
    url = settings.source
    if not explicit and settings.config_file is None:
        url = qsettings.value("source/last", settings.source, type=str) or settings.source
        url = take_credentials(settings, url)
    return str(url)


HEADLESS_HINT = (
    "the commands check, export, report, hub, log and bench need none (or set "
    "QT_QPA_PLATFORM=offscreen to draw without a screen)"
)


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """Why a window cannot open here (one line), or None when it can: on Linux with Qt's
    default platform, an X display (``DISPLAY``, reachable) or a Wayland one is needed;
    without one Qt aborts the process (exit 134) with a message about its xcb plug-in."""
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if not sys.platform.startswith("linux") or platform not in ("", "xcb"):
        return None  # another platform (offscreen, wayland, vnc ...) or another system
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None
    display = env.get("DISPLAY", "").strip()
    if not display:
        return f"no display: the console's window needs a graphical session (DISPLAY is not set); {HEADLESS_HINT}"
    if not _x_display_reachable(display):
        return f"no display: cannot reach the X display {display!r}; {HEADLESS_HINT}"
    return None


def _x_display_reachable(display: str, timeout_s: float = 1.0) -> bool:
    """Whether an X server answers at ``display`` (``[host]:N[.screen]``): its socket
    accepts a connection (local: the socket file, or the abstract one Linux X servers also
    listen on). Forms this cannot check are taken as reachable."""
    import socket

    host, _, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if not number.isdigit():
        return True
    if host in ("", "unix"):
        for address in (f"/tmp/.X11-unix/X{number}", f"\0/tmp/.X11-unix/X{number}"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout_s)
                try:
                    sock.connect(address)
                    return True
                except OSError:
                    continue
        return False
    try:
        with socket.create_connection((host, 6000 + int(number)), timeout=timeout_s):
            return True
    except OSError:
        return False


def _need_display() -> None:
    problem = display_problem()
    if problem is not None:
        raise CliError(problem)


def _prestart_given(args: argparse.Namespace) -> None:
    """A ``sim://`` source given on the command line or in HUB_SOURCE: its hub's process
    starts now, before the console's own imports (the config file and QSettings are read
    after them; a configuration that names other backends stops it again)."""
    if getattr(args, "prometheus", None) or getattr(args, "slurm", None):
        return
    url = getattr(args, "source", None) or os.environ.get("HUB_SOURCE")
    if url:
        from console.hub.prestart import prestart

        prestart(url)


def _prestart_chosen(settings: Any, url: str) -> None:
    """The window's source chosen: its hub's process runs from now while the window is
    built (already running when :func:`_prestart_given` started it); none for a site read
    from Prometheus or Slurm, and one started ahead for nothing stops."""
    from console.hub import prestart

    if settings.prometheus.get("url") or settings.slurm.get("url"):
        prestart.stop_all()
    else:
        prestart.prestart(url)


def cmd_gui(args: argparse.Namespace) -> int:
    # The start allocates a few hundred thousand objects that live as long as the console
    # (modules, Qt wrappers, the site layout): the cyclic collector walking them over and
    # over (150 times before the first frame, a quarter of its time) finds nothing to free.
    # It is back once the first frame is painted, with what exists then out of its sight
    # (as console.session.settle_heap does: else its first pass walks it all, ~50 ms before
    # the feed starts), or on any way out.
    collecting = gc.isenabled()
    gc.disable()

    def collect_again() -> None:
        if collecting and not gc.isenabled():
            gc.freeze()
            gc.enable()

    try:
        return _gui(args, collect_again)
    finally:
        if collecting:
            gc.enable()


def _gui(args: argparse.Namespace, collect_again: Callable[[], None]) -> int:
    _need_display()
    _prestart_given(args)
    settings = _settings(args)
    from PySide6.QtCore import QSettings, QTimer

    from widgets.app import (
        DEFERRED_VIEWS,
        SHOWN_AFTER_FIRST_FRAME,
        live_window,
        make_app,
        show_last_recorded,
    )

    app = make_app()
    _install_language(args, settings)
    qsettings = QSettings()
    url = gui_source_url(settings, args, qsettings)
    _check_source(url)
    _prestart_chosen(settings, url)
    try:
        window = live_window(settings, url, qsettings, defer=DEFERRED_VIEWS)
    except ValueError as exc:
        raise CliError(f"[alarms] in the config file: {exc}") from None
    feed = window.feed
    qsettings.setValue("source/last", url)  # never with a password (gui_source_url)
    window.show()
    stamp: dict[str, Any] = {"process_start_epoch": PROCESS_START}

    def painted() -> float:
        for view in [window.summary, *window.views.values()]:
            view.flush()
        app.processEvents()  # layouts settled first: no widget painted where it was made
        window.repaint()
        app.processEvents()
        return time.time()

    # Laid out before anything is drawn; a deferred view whose dock shows (the layout kept
    # puts it in front) is built now, the rest after the first frame (the floor as last
    # recorded, if the cache holds it); the feed asks for the site meanwhile.
    window.settle()
    window.build_deferred([k for k in window.deferred_shown() if k not in SHOWN_AFTER_FIRST_FRAME])
    recorded = show_last_recorded(window, settings)
    first = painted()
    collect_again()
    if recorded:
        stamp["first_frame_epoch"] = first
        stamp["first_frame_from"] = "cache"
    if args.exit_after_first_frame:

        def first_live_frame(result: Any) -> None:
            if result.kind == "racks" and result.ok:

                def paint() -> None:
                    if "live_frame_epoch" in stamp:
                        return  # a second rack answer came before the first was painted
                    stamp["live_frame_epoch"] = painted()
                    stamp.setdefault("first_frame_epoch", stamp["live_frame_epoch"])
                    stamp.setdefault("first_frame_from", "live")
                    print(json.dumps(stamp), flush=True)
                    window.close()

                QTimer.singleShot(0, paint)

        feed.polled.connect(first_live_frame)
    feed.start()
    window.build_deferred_after_first_frame()
    signal.signal(signal.SIGINT, lambda *_: window.close())
    # Let Python see Ctrl-C while Qt runs its loop.
    tick = QTimer()
    tick.start(250)
    tick.timeout.connect(lambda: None)
    code = app.exec()
    window.stop()
    return int(code)


def cmd_wall(args: argparse.Namespace) -> int:
    """``wall``: views full screen on monitors, fed by one live window's feed (the window
    itself stays hidden)."""
    if args.rotate < 0 or args.rotate != args.rotate:
        raise CliError("--rotate must be 0 (no rotation) or a number of seconds")
    from widgets.main_window import VIEW_SPECS
    from widgets.wall import WallError, parse_views

    known = [spec[0] for spec in VIEW_SPECS]
    try:
        views = parse_views(args.views, known)
    except WallError as exc:
        raise CliError(str(exc)) from None
    settings = _settings(args)
    _need_display()
    from PySide6.QtCore import QSettings, QTimer

    from widgets.app import live_window, make_app
    from widgets.placement import current_screens, describe
    from widgets.wall import Wall, parse_screens

    app = make_app()
    screens = current_screens()
    if args.list_screens:
        for line in describe(screens).values():
            print(line)
        return 0
    try:
        numbers = parse_screens(args.screens, len(screens))
    except WallError as exc:
        raise CliError(str(exc)) from None
    if args.screens is None:
        numbers = numbers[:len(views)]
    _install_language(args, settings)
    qsettings = QSettings()
    url = gui_source_url(settings, args, qsettings)
    _check_source(url)
    _prestart_chosen(settings, url)
    try:
        window = live_window(settings, url, qsettings)
    except ValueError as exc:
        raise CliError(f"[alarms] in the config file: {exc}") from None
    try:
        wall = Wall(window, views, numbers, args.rotate)
    except WallError as exc:
        window.stop()
        raise CliError(str(exc)) from None
    from PySide6.QtGui import QKeySequence, QShortcut

    for screen in wall.screens:
        QShortcut(QKeySequence("Ctrl+Q"), screen, app.quit)
    wall.show()
    window.feed.start()
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    tick = QTimer()
    tick.start(250)
    tick.timeout.connect(lambda: None)
    code = app.exec()
    window.stop()
    return int(code)


def _install_language(args: argparse.Namespace, settings: Any) -> str:
    """Install the language of ``--lang``, else ``[ui] lang``, else the system locale's
    (:func:`widgets.i18n.choose_language`); returns it. Needs the application."""
    from widgets.i18n import choose_language, install_language

    try:
        lang = choose_language(getattr(args, "lang", None), getattr(settings, "lang", None))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    install_language(lang)
    return lang


def parse_time(text: str) -> float:
    """Epoch seconds of a time typed by the operator (:func:`console.handover.shift.parse_time`:
    ISO 8601, site local time when no offset is given, or epoch seconds); CliError when unread."""
    from console.handover.shift import parse_time as strict_parse_time

    try:
        return strict_parse_time(text)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def cmd_review(args: argparse.Namespace) -> int:
    from pathlib import Path

    path = Path(args.cache_file)
    if not path.is_file():
        raise CliError(f"no cache file at {path}")
    at = parse_time(args.at) if args.at else None
    settings = _settings(args)
    _check_reviewable(path)
    _need_display()
    from PySide6.QtCore import QSettings

    from widgets.app import make_app
    from widgets.review import open_review_window

    app = make_app()
    _install_language(args, settings)
    window = open_review_window(str(path), QSettings())
    if at is not None:
        window.feed.opened.connect(lambda *_: window.scrubber.seek(at))
    failed: list[str] = []

    def open_failed(message: str) -> None:
        # The file changed since it was checked: one line, no empty window left open.
        if not failed:
            failed.append(message)
            print(f"main.py: error: {message}", file=sys.stderr)
            window.close()
            app.exit(2)

    window.feed.sourceFailed.connect(open_failed)
    window.show()
    signal.signal(signal.SIGINT, lambda *_: window.close())
    code = app.exec()
    window.stop()
    return 2 if failed else int(code)


def _check_reviewable(path: Path) -> None:
    """CliError (one line, exit 2) unless ``path`` is a cache that holds telemetry.

    Checked before any window opens, so random bytes, a text file or an empty file
    never leave an empty review window behind.
    """
    from console.sources.base import SourceError
    from console.sources.replay import CacheReplaySource

    source = CacheReplaySource(f"cache://{path.resolve()}")
    try:
        source.start()
        span = source.time_range()
    except (SourceError, ValueError, OSError) as exc:
        raise CliError(str(exc)) from None
    finally:
        source.close()
    if span is None:
        raise CliError(f"{path} holds no telemetry yet (nothing to review)")


def cmd_export(args: argparse.Namespace) -> int:
    if not args.review:  # a live export: a sim:// hub is built while the export starts
        _prestart_given(args)
    settings = _settings(args)
    if not args.review:
        _prestart_chosen(settings, getattr(args, "source", None) or settings.source)
    from console.handover.request import ExportRequest
    from widgets.export import run_export

    code = run_export(ExportRequest(
        out=args.out, source=getattr(args, "source", None), review=args.review, shift=args.shift,
        at=args.at, notes=args.notes, force=args.force, timeout=args.timeout,
        settings=settings, lang=getattr(args, "lang", None),
    ))
    if __name__ == "__main__":  # the command's process ends next
        _leave_to_exit()
    return code


def _leave_to_exit() -> None:
    """Leave every object there is to the process's end: the interpreter's last collection
    would take each apart (an export's window, its widgets and snapshots: half a second and
    more), to no end when the process exits. Files are closed and exit handlers run as
    ever; only the memory is handed back whole."""
    import gc

    gc.freeze()


def cmd_check(args: argparse.Namespace) -> int:
    from console.check import check_settings

    settings = _settings(args)
    url = getattr(args, "source", None) or settings.source
    if not (settings.prometheus.get("url") or settings.slurm.get("url")):
        _check_source(url)
    if args.timeout <= 0:
        raise CliError("--timeout must be positive")
    quiet = logging.getLogger().getEffectiveLevel() >= logging.WARNING
    if quiet:  # the table says what failed; library warnings would repeat it
        logging.disable(logging.ERROR)
    try:
        report = check_settings(settings, url, args.timeout)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    finally:
        if quiet:
            logging.disable(logging.NOTSET)
    if args.json:
        print(json.dumps({"source": report.source, "reachable": report.reachable,
                          "rows": report.rows}, indent=2, ensure_ascii=False))
    if not report.reachable:
        print(f"main.py check: error: {report.one_line()}", file=sys.stderr)
        return 1
    if not args.json:
        print(report.table())
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from console.energy.cli import ReportError, grid_intensity, tenant_report, write_report

    settings = _settings(args)
    if settings.cache_path is None:
        raise CliError("the history cache is off (--cache off): there is nothing to report")
    start, end = parse_time(args.start), parse_time(args.end)
    try:
        rep = tenant_report(settings.cache_path, start, end, args.by, grid_intensity(settings))
        write_report(rep, args.out)
    except ReportError as exc:
        raise CliError(str(exc)) from None
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bench.run import run_all

    figures = run_all(quick=args.quick, only=args.only)
    print(json.dumps(figures, indent=2, sort_keys=True))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    command = args.command or "gui"
    handlers = {"gui": cmd_gui, "hub": cmd_hub, "bench": cmd_bench, "review": cmd_review,
                "export": cmd_export, "check": cmd_check, "log": cmd_log, "wall": cmd_wall,
                "report": cmd_report}
    try:
        return handlers[command](args)
    except CliError as exc:
        print(f"main.py: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
