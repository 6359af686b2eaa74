"""The console's command line, Qt-free and free of the simulator: the parser, the shift
log and report commands, and what a window's start asks before Qt is imported (display,
settings, source URL). ``main.py`` (the entry point: the commands that open windows, the
simulated hub's, the checks) imports these from here: run as a script it is compiled at
each start, where this module's bytecode is kept.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

log = logging.getLogger("console")

HEADLESS_HINT = (
    "the commands check, export, report, hub, log and bench need none (or set "
    "QT_QPA_PLATFORM=offscreen to draw without a screen)"
)


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


def parse_time(text: str) -> float:
    """Epoch seconds of a time typed by the operator (:func:`console.handover.shift.parse_time`:
    ISO 8601, site local time when no offset is given, or epoch seconds); CliError when unread."""
    from console.handover.shift import parse_time as strict_parse_time

    try:
        return strict_parse_time(text)
    except ValueError as exc:
        raise CliError(str(exc)) from None


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
