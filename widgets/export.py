"""The shift handover pack: one PNG per view, ``handover.pdf`` and ``summary.json``.

:func:`export_pack` writes the pack into a temporary folder next to the destination and
renames it into place, so a failed export never leaves a folder that looks complete.
:func:`run_export` is the headless ``python main.py export`` command.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QWidget

from console.export_data import ExportError
from console.handover import HandoverData
from console.handover_report import VIEW_TITLES, clock, report_html, site_title
from console.text import clip, strip_bidi

__all__ = ["ExportError", "apply_snapshots", "export_pack", "grab_views", "run_export"]

SHOT_SIZE = (1600, 1000)
"""Pixel size of every view screenshot."""
PDF_DPI = 150
PACK_FILES = ("handover.pdf", "summary.json", *(f"{k}.png" for k, _ in VIEW_TITLES))

Progress = Callable[[int, int, str], Any]
"""``progress(done, total, what)``; returning False cancels the export."""


# -- screenshots ----------------------------------------------------------------------------
def grab_view(view: QWidget, size: tuple[int, int] = SHOT_SIZE) -> QImage:
    """Render ``view`` at ``size`` pixels (its on-screen size is restored afterwards)."""
    old = view.size()
    was_dirty = getattr(view, "mark_dirty", None)
    view.resize(*size)
    _settle(view)
    if was_dirty is not None:
        view.mark_dirty()
    flush = getattr(view, "flush", None)
    if callable(flush):
        flush()
    image = view.grab().toImage()
    if image.size().width() != size[0] or image.size().height() != size[1]:
        image = image.scaled(*size, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    view.resize(old)
    _settle(view)
    if was_dirty is not None:
        view.mark_dirty()
    return image


def _settle(view: QWidget) -> None:
    """Lay out ``view`` at its new size now, even while hidden (a tabbed or closed dock):
    deliver the resize events Qt keeps pending for hidden widgets."""
    for _ in range(3):
        for widget in (view, *view.findChildren(QWidget)):
            if widget.testAttribute(Qt.WidgetAttribute.WA_PendingResizeEvent):
                widget.setAttribute(Qt.WidgetAttribute.WA_PendingResizeEvent, False)
                QApplication.sendEvent(widget, QResizeEvent(widget.size(), QSize()))
            layout = widget.layout()
            if layout is not None:
                layout.activate()


def grab_views(window: Any, size: tuple[int, int] = SHOT_SIZE) -> dict[str, QImage]:
    """One image per view of ``window.views`` (rack map, GPUs, power, jobs, alarms)."""
    views: Mapping[str, QWidget] = getattr(window, "views", {}) or {}
    return {key: grab_view(views[key], size) for key, _ in VIEW_TITLES if key in views}


def apply_snapshots(window: Any, snapshots: Mapping[str, Any], data: HandoverData) -> None:
    """Show the export's snapshots in ``window`` (site first) and the shift in the power view."""
    site = snapshots.get("site")
    if site is not None:
        window.apply(site)
    for kind in ("racks", "gpus", "jobs", "events"):
        snap = snapshots.get(kind)
        if snap is not None:
            window.apply(snap)
    views = getattr(window, "views", {})
    power = snapshots.get("power")
    chart = views.get("power")
    if power is not None and chart is not None:
        if hasattr(chart, "set_history"):
            chart.set_history(power)
        else:
            window.apply(power)
        if hasattr(chart, "set_range"):
            chart.set_range(data.shift.start, data.shift.end)
    alarms = snapshots.get("alarms")
    if alarms is not None:
        items, now = alarms
        target = getattr(window, "set_alarms", None) or getattr(views.get("alarms"), "set_alarms",
                                                                 None)
        if callable(target):
            target(items, now)
    at = data.view_time
    for view in views.values():
        if at is not None and hasattr(view, "set_data_age"):
            # Ages as of the moment the pack shows (a review's past time, or the export).
            times = [s.time for k in (getattr(view, "kinds", ()) or ("racks",))
                     if (s := snapshots.get(k)) is not None and hasattr(s, "time")]
            view.set_data_age(max(0.0, at - min(times)) if times else None, False)
        view.flush()


# -- the PDF --------------------------------------------------------------------------------
def _page_layout(orientation: QPageLayout.Orientation) -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                       QMarginsF(14, 12, 14, 12), QPageLayout.Unit.Millimeter)


def _frame(painter: QPainter, writer: QPdfWriter, data: HandoverData, page: int,
           pages: int) -> float:
    """Draw a page's header and footer; returns the height of each band (device pixels)."""
    width, height = writer.width(), writer.height()
    band = PDF_DPI * 0.30
    painter.setFont(QFont("DejaVu Sans", 7))
    painter.setPen(Qt.GlobalColor.darkGray)
    # The site's name isolated: a right-to-left override in it never reorders the header.
    head = f"{site_title(data.site_name)} — shift handover — {data.shift.label_local()}"
    painter.drawText(QRectF(0, 0, width, band),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, head)
    foot = QRectF(0, height - band * 0.8, width, band * 0.8)
    painter.drawText(foot, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                     f"Page {page + 1} of {pages}")
    painter.drawText(foot, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                     data.shift.label_utc())
    return band


def _screenshot_page(painter: QPainter, writer: QPdfWriter, data: HandoverData, title: str,
                     image: QImage, band: float) -> None:
    width, height = writer.width(), writer.height()
    painter.setPen(Qt.GlobalColor.black)
    painter.setFont(QFont("DejaVu Sans", 13, QFont.Weight.Bold))
    title_box = QRectF(0, band, width, PDF_DPI * 0.32)
    painter.drawText(title_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    painter.setFont(QFont("DejaVu Sans", 8))
    painter.setPen(Qt.GlobalColor.darkGray)
    when = clock(data.view_time, data.shift.tz, day=True)
    painter.drawText(title_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                     f"as shown at {when} site time · {image.width()} × {image.height()} px")
    top = title_box.bottom() + PDF_DPI * 0.08
    room = QRectF(0, top, width, height - band - top)
    scale = min(room.width() / image.width(), room.height() / image.height())
    target = QRectF(room.left(), room.top(), image.width() * scale, image.height() * scale)
    target.moveLeft((width - target.width()) / 2)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(target, image)
    painter.setPen(Qt.GlobalColor.gray)
    painter.drawRect(target)


def write_pdf(path: Path, data: HandoverData, images: Mapping[str, QImage]) -> int:
    """Write ``handover.pdf``: the report on A4 portrait pages, then one landscape page per
    screenshot, with a header and "page N of M" on every page. Returns the page count."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(_page_layout(QPageLayout.Orientation.Portrait))
    writer.setTitle(f"Shift handover {strip_bidi(clip(data.site_name, 80))} "
                    f"{data.shift.label_utc()}")
    writer.setCreator("Hub Operations Console")
    width, height = writer.width(), writer.height()
    band = PDF_DPI * 0.30
    body = QRectF(0, 0, width, height - 2 * band)
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    doc.setDocumentMargin(0)
    doc.setPageSize(QSizeF(body.width(), body.height()))
    doc.setHtml(report_html(data))
    text_pages = doc.pageCount()
    shots = [(title, images[key]) for key, title in VIEW_TITLES if key in images]
    pages = text_pages + len(shots)
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(f"cannot write {path}")
    try:
        for page in range(text_pages):
            if page:
                writer.newPage()
            _frame(painter, writer, data, page, pages)
            painter.save()
            painter.translate(0, band - page * body.height())
            doc.drawContents(painter, QRectF(0, page * body.height(), width, body.height()))
            painter.restore()
        writer.setPageLayout(_page_layout(QPageLayout.Orientation.Landscape))
        for i, (title, image) in enumerate(shots):
            writer.newPage()
            band = _frame(painter, writer, data, text_pages + i, pages)
            _screenshot_page(painter, writer, data, title, image, band)
    finally:
        painter.end()
    return pages


# -- the pack --------------------------------------------------------------------------------
def _os_message(exc: OSError, where: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"disk full while writing the handover pack in {where}"
    if exc.errno == errno.EROFS:
        return f"cannot write in {where}: it is on a read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write in {where}"
    return f"cannot write the handover pack in {where}: {exc.strerror or exc}"


def _check_writable(out: Path) -> None:
    """ExportError (naming the folder and the reason) unless a pack can be written at ``out``.

    Tried before the shift is collected, so a read-only mount or a missing permission
    fails at once, as bad input, not after a minute of collecting."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkdtemp(prefix=f".{out.name}.probe-", dir=parent))
        probe.rmdir()
    except OSError as exc:
        raise ExportError(_os_message(exc, parent)) from None


def _check_target(out: Path, force: bool) -> None:
    """Refuse a file, or (without ``force``) a folder that already holds a handover pack.

    Other files in the folder (a log, a README) stay; the pack is written beside them."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    clash = sorted(name for name in PACK_FILES if (out / name).exists()) if out.is_dir() else []
    if clash and not force:
        raise ExportError(
            f"{out} already holds a handover pack ({', '.join(clash[:3])}); choose another "
            "folder or use --force to replace it"
        )


def export_pack(
    out_dir: str | Path,
    data: HandoverData,
    window: Any = None,
    *,
    force: bool = False,
    notes: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the handover pack into ``out_dir`` and return its path.

    ``window`` is the main window whose ``views`` are captured (None: no screenshots).
    A folder that already holds a pack is refused unless ``force`` (then it is replaced
    whole); other files in it stay, with the pack written beside them. Raises :class:`ExportError` with a one-line message on any failure, leaving
    ``out_dir`` as it was.
    """
    out = Path(out_dir).expanduser().absolute()
    _check_target(out, force)
    data = data.with_notes(notes)
    views = [k for k, _ in VIEW_TITLES if k in (getattr(window, "views", None) or {})]
    total = len(views) + 3
    done = 0

    def step(what: str) -> None:
        nonlocal done
        if progress is not None and progress(done, total, what) is False:
            raise ExportError("export cancelled")
        done += 1

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.part-", dir=out.parent))
    except OSError as exc:
        raise ExportError(_os_message(exc, out.parent)) from None
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        tmp.chmod(0o777 & ~mask)  # a pack is for the next shift too, not private (mkdtemp: 0700)
        images: dict[str, QImage] = {}
        for key in views:
            step(f"Capturing {dict(VIEW_TITLES)[key].lower()}")
            image = grab_view(window.views[key])
            if not image.save(str(tmp / f"{key}.png"), "PNG"):
                raise OSError(errno.EIO, "PNG not written")
            images[key] = image
        step("Writing the report (PDF)")
        write_pdf(tmp / "handover.pdf", data, images)
        pdf = (tmp / "handover.pdf").read_bytes()[-64:]
        if b"%%EOF" not in pdf:
            raise OSError(errno.ENOSPC, "the PDF is incomplete")
        step("Writing summary.json")
        summary = data.to_summary_json()
        summary["files"] = sorted(p.name for p in tmp.iterdir()) + ["summary.json"]
        with open(tmp / "summary.json", "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=2, ensure_ascii=False, allow_nan=False)
            fh.flush()
            os.fsync(fh.fileno())
        step("Moving the pack into place")
        _move_into_place(tmp, out, force)
    except ExportError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(_os_message(exc, out.parent)) from None
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(f"export failed: {exc.__class__.__name__}: {exc}") from None
    if progress is not None:
        progress(total, total, "Done")
    return out


def _move_into_place(tmp: Path, out: Path, force: bool) -> None:
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()
    if not out.exists():
        os.rename(tmp, out)
        return
    _check_target(out, force)  # a pack appeared meanwhile
    if not force:
        _move_beside(tmp, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _move_beside(tmp: Path, out: Path) -> None:
    """Move the pack's files into ``out`` next to what is there, the report and summary
    last (a pack without them does not look complete); undo the moves on failure."""
    last = ("handover.pdf", "summary.json")
    names = sorted(p.name for p in tmp.iterdir() if p.name not in last) + list(last)
    moved: list[Path] = []
    try:
        for name in names:
            os.rename(tmp / name, out / name)
            moved.append(out / name)
    except OSError:
        for path in reversed(moved):
            path.unlink(missing_ok=True)
        raise
    tmp.rmdir()


# -- headless command ------------------------------------------------------------------------
def _fail(message: str, code: int = 1) -> int:
    print(f"main.py export: error: {' '.join(message.split())}", file=sys.stderr)
    return code


def _bad(message: str) -> int:
    """Bad input (arguments, target folder): one line, exit code 2."""
    return _fail(message, 2)


def run_export(args: argparse.Namespace) -> int:
    """``python main.py export``: collect the shift, render the views offscreen, write the pack.

    Returns the exit code: 0 written, 1 failed (one line on stderr), 2 bad arguments.
    """
    from console.handover import ShiftWindow, parse_time

    t0 = time.perf_counter()
    out = getattr(args, "out", None)
    if not out:
        return _bad("--out DIR is required")
    source_url = getattr(args, "source", None)
    review = getattr(args, "review", None)
    if source_url and review:
        return _bad("give either --source or --review, not both")
    try:
        shift = ShiftWindow.parse(args.shift) if getattr(args, "shift", None) else None
        at = parse_time(args.at) if getattr(args, "at", None) else None
    except ValueError as exc:
        return _bad(str(exc))
    if at is not None and not review:
        return _bad("--at needs --review CACHE.db (a live source shows the present)")
    notes = ""
    if getattr(args, "notes", None):
        try:
            notes = Path(args.notes).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return _bad(f"cannot read the notes file {args.notes}: {exc.strerror or exc}")
    force = bool(getattr(args, "force", False))
    quiet = logging.getLogger().getEffectiveLevel() >= logging.WARNING
    if quiet:  # the command's outcome is one line; library warnings would add noise
        logging.disable(logging.ERROR)
    try:
        target = Path(out).expanduser().absolute()
        try:
            _check_target(target, force)
            _check_writable(target)
        except ExportError as exc:
            return _bad(str(exc))
        snapshots, data, label = _collect(getattr(args, "settings", None), source_url, review,
                                          shift, at, notes,
                                          float(getattr(args, "timeout", None) or 30.0))
        path = _render_and_write(Path(out), snapshots, data, label, force)
    except ExportError as exc:
        return _fail(str(exc))
    except Exception as exc:  # never a traceback on the command line
        return _fail(f"export failed: {exc.__class__.__name__}: {exc}")
    finally:
        if quiet:
            logging.disable(logging.NOTSET)
    print(f"Handover pack written to {path} ({time.perf_counter() - t0:.1f} s)")
    return 0


def _collect(
    settings: Any, source_url: str | None, review: str | None, shift: Any, at: float | None,
    notes: str, timeout_s: float,
) -> tuple[dict[str, Any], HandoverData, str]:
    from console.export_data import collect_from_cache, collect_from_source

    if review:
        snapshots, data = collect_from_cache(review, shift, at, notes=notes)
        return snapshots, data, f"review of {review}"
    from console.settings import load_settings, make_source
    from console.sources.base import SourceError

    if settings is None:
        settings = load_settings(overrides={"source": source_url})
    url = source_url or settings.source
    try:
        source = make_source(settings, url)
    except (ValueError, SourceError) as exc:
        raise ExportError(str(exc)) from None
    try:
        with source:
            snapshots, data = collect_from_source(source, shift, timeout_s, notes=notes)
    except OSError as exc:
        raise ExportError(f"{url}: cannot start the source ({exc.strerror or exc})") from None
    return snapshots, data, source.display_url


def _render_and_write(
    out: Path, snapshots: Mapping[str, Any], data: HandoverData, label: str, force: bool
) -> Path:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from widgets.main_window import MainWindow

    app = QApplication.instance()
    if app is None:  # our own application: dress it as the console is dressed
        app = QApplication(sys.argv[:1])
        try:
            from resources import theme_qss

            app.setStyleSheet(theme_qss())
        except (ImportError, OSError):
            pass
    window = MainWindow(label, feed=None)
    try:
        apply_snapshots(window, snapshots, data)
        return export_pack(out, data, window, force=force)
    finally:
        window.stop()
        window.deleteLater()
