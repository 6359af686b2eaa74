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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PROCESS_START = time.time()

# The Qt-free part of the command line: a module, its bytecode kept between starts (this
# file, run as a script, is compiled at each start).
from console.cli import (  # noqa: E402 (after the start's time)
    CliError,
    _check_reviewable,
    _need_display,
    _settings,
    build_parser,
    cmd_log,
    cmd_report,
    display_problem,  # noqa: F401 (main.display_problem, as before)
    gui_source_url,
    parse_time,
)

log = logging.getLogger("console")


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


def cmd_export(args: argparse.Namespace) -> int:
    # The export allocates objects by the hundred thousand that live until the pack is
    # written (modules, Qt wrappers, the window's views, the day's jobs): the cyclic
    # collector walked them over and over (some 220 young, 20 middle and a full pass or
    # two: 0.3-0.4 s, its interpreter lock held, the window's build and the data's reading
    # waiting) to free next to nothing (the command's peak memory: ~211 MB with it, ~217 MB
    # without). It is off for the command, whose process ends once the pack is written,
    # and back on any way out of it (the poller's pause, which its polls nest in).
    from console.poller import gc_paused

    with gc_paused():
        return _export(args)


def _export(args: argparse.Namespace) -> int:
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
    if __name__ == "__main__":  # the command's process ends here
        _leave_to_exit(code)
    return code


def _leave_to_exit(code: int) -> None:
    """End the command's process with ``code`` now, leaving every object there is to the
    operating system: the interpreter's teardown would take each apart (an export's window,
    its widgets and snapshots, Qt's own objects: a tenth of a second, half a second and
    more with its last collection), to no end when the process exits. What the
    interpreter's exit does for the outside world is done as ever: the threads still
    running waited for, the exit handlers run (a hub process started ahead stopped, the
    log flushed), the output flushed; the pack's files were closed when written."""
    import atexit
    import threading

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


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
