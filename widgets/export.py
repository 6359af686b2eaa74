"""The shift handover pack's rendering: one PNG per view and ``handover.pdf`` (QPdfWriter).

:func:`export_pack` renders the views and the PDF to bytes and hands them to the Qt-free
pack writer (:func:`console.handover.pack.write_pack`), which writes them with
``summary.json`` into place. :func:`run_export` is the headless ``python main.py export``
command; it reads an :class:`~console.handover.request.ExportRequest`.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QThread,
)
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

from console.handover.data import HandoverData
from console.handover.pack import (
    PACK_FILES,
    PackFile,
    Progress,
    check_target,
    check_writable,
    write_pack,
)
from console.handover.report import VIEW_TITLES, clock, report_html, site_title
from console.handover.request import ExportError, ExportRequest
from console.i18n import translate
from console.text import clip, strip_bidi
from widgets.print_pages import PrintPage, print_page

__all__ = ["PACK_FILES", "ExportError", "PdfRender", "apply_snapshots", "export_pack",
           "grab_views", "pdf_bytes", "png_bytes", "run_export", "start_pdf", "write_pdf"]

log = logging.getLogger(__name__)

SHOT_SIZE = (1600, 1000)
"""Pixel size of every view screenshot."""
PDF_DPI = 150


# -- screenshots ----------------------------------------------------------------------------
def grab_view(view: QWidget, size: tuple[int, int] = SHOT_SIZE, restore: bool = True) -> QImage:
    """Render ``view`` at ``size`` pixels (its on-screen size is restored afterwards unless
    ``restore`` is False: a view of a window made for the shots alone keeps the shot's)."""
    old, old_min, old_max = view.size(), view.minimumSize(), view.maximumSize()
    was_dirty = getattr(view, "mark_dirty", None)
    # Fixed, not just resized: a view in a dock is laid out again by its parent when it is
    # grabbed, and a plain resize gave way to the dock's size (an image of the dock's size
    # scaled up to the shot, every label blown up and the map behind the legend).
    view.setFixedSize(*size)
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
    if not restore:
        return image
    view.setMinimumSize(old_min)
    view.setMaximumSize(old_max)
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
    for kind in ("racks", "gpus", "jobs", "events", "forecast"):
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
    head = QCoreApplication.translate("Export", "{0} — shift handover — {1}").format(
        site_title(data.site_name), data.shift.label_local())
    painter.drawText(QRectF(0, 0, width, band),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, head)
    foot = QRectF(0, height - band * 0.8, width, band * 0.8)
    painter.drawText(foot, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                     QCoreApplication.translate("Export", "Page {0} of {1}").format(
                         page + 1, pages))
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
                     QCoreApplication.translate(
                         "Export", "as shown at {0} site time · {1} × {2} px").format(
                         when, image.width(), image.height()))
    top = title_box.bottom() + PDF_DPI * 0.08
    room = QRectF(0, top, width, height - band - top)
    scale = min(room.width() / image.width(), room.height() / image.height())
    target = QRectF(room.left(), room.top(), image.width() * scale, image.height() * scale)
    target.moveLeft((width - target.width()) / 2)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(target, image)
    painter.setPen(Qt.GlobalColor.gray)
    painter.drawRect(target)


def _print_page(painter: QPainter, writer: QPdfWriter, data: HandoverData, title: str,
                draw: PrintPage, band: float) -> None:
    """A view's page drawn for paper (see :mod:`widgets.print_pages`) under its title."""
    width, height = writer.width(), writer.height()
    painter.setPen(Qt.GlobalColor.black)
    painter.setFont(QFont("DejaVu Sans", 13, QFont.Weight.Bold))
    title_box = QRectF(0, band, width, PDF_DPI * 0.32)
    painter.drawText(title_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    painter.setFont(QFont("DejaVu Sans", 8))
    painter.setPen(Qt.GlobalColor.darkGray)
    when = clock(data.view_time, data.shift.tz, day=True)
    painter.drawText(title_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                     QCoreApplication.translate("Export", "as shown at {0} site time").format(
                         when))
    top = title_box.bottom() + PDF_DPI * 0.08
    painter.save()
    try:
        painter.setFont(QFont("DejaVu Sans", 8))
        draw(painter, QRectF(0, top, width, height - band - top))
    finally:
        painter.restore()


def write_pdf(path: Path, data: HandoverData, images: Mapping[str, QImage],
              pages: Mapping[str, PrintPage] | None = None) -> int:
    """Write ``handover.pdf`` at ``path`` (see :func:`_render_pdf`); returns the page count."""
    return _render_pdf(QPdfWriter(str(path)), data, images, pages)


def pdf_bytes(data: HandoverData, images: Mapping[str, QImage],
              pages: Mapping[str, PrintPage] | None = None) -> bytes:
    """The bytes of ``handover.pdf`` (see :func:`_render_pdf`)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    _render_pdf(writer, data, images, pages)
    del writer
    buffer.close()
    return bytes(buffer.data().data())


PNG_QUALITY = 80


def png_bytes(image: QImage) -> bytes:
    """``image`` as PNG bytes; OSError when Qt cannot encode it."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # Qt's quality 80 is zlib level 1: a view's screenshot (flat colours, text) encodes
    # 2.3 times faster than at the default level and comes out no larger (measured on the
    # full site's GPU list: 72 ms and 566 kB against 163 ms and 574 kB).
    ok = image.save(buffer, "PNG", PNG_QUALITY)
    buffer.close()
    if not ok:
        raise OSError(errno.EIO, "PNG not written")
    return bytes(array.data())


def _render_pdf(writer: QPdfWriter, data: HandoverData, images: Mapping[str, QImage],
                pages: Mapping[str, PrintPage] | None = None, *,
                keys: Sequence[str] | None = None, view: ViewWait | None = None) -> int:
    """The report on A4 portrait pages, then one landscape page per view (drawn for paper
    from ``pages``, else its screenshot from ``images``), with a header and "page N of M" on
    every page. Returns the page count.

    ``keys`` names the views' pages before they exist and ``view`` waits for each: the
    report's pages are laid out and drawn first, then ``view(key)`` gives each view's
    image and page in turn (see :class:`PdfRender`)."""
    drawn = pages or {}
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(_page_layout(QPageLayout.Orientation.Portrait))
    writer.setTitle(QCoreApplication.translate("Export", "Shift handover {0} {1}").format(
        strip_bidi(clip(data.site_name, 80)), data.shift.label_utc()))
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
    if keys is None:
        keys = [key for key, _ in VIEW_TITLES if key in drawn or key in images]
    titles = dict(VIEW_TITLES)
    shots = [(translate("Report", titles[key]), key) for key in keys]
    pages_n = text_pages + len(shots)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(errno.EIO, "the PDF cannot be started")
    try:
        for page in range(text_pages):
            if page:
                writer.newPage()
            _frame(painter, writer, data, page, pages_n)
            painter.save()
            painter.translate(0, band - page * body.height())
            doc.drawContents(painter, QRectF(0, page * body.height(), width, body.height()))
            painter.restore()
        writer.setPageLayout(_page_layout(QPageLayout.Orientation.Landscape))
        for i, (title, key) in enumerate(shots):
            image, page_of = (view(key) if view is not None
                              else (images.get(key), drawn.get(key)))
            writer.newPage()
            band = _frame(painter, writer, data, text_pages + i, pages_n)
            if page_of is not None:
                _print_page(painter, writer, data, title, page_of, band)
            elif image is not None:
                _screenshot_page(painter, writer, data, title, image, band)
            else:
                raise KeyError(f"no page for the view {key!r}")
    finally:
        painter.end()
    return pages_n


ViewWait = Callable[[str], tuple[QImage | None, PrintPage | None]]
"""Waits for a view's image and page (:class:`PdfRender`)."""


class _Cancelled(Exception):
    """The views were never handed over: the PDF is dropped."""


class _Runner(QThread):
    """Runs ``fn`` on a Qt thread (its own event dispatcher: Qt's per-thread font cache
    starts timers there)."""

    def __init__(self, fn: Callable[[], None]) -> None:
        super().__init__()
        self._fn = fn

    def run(self) -> None:
        self._fn()


class PdfRender:
    """``handover.pdf`` rendered on a thread of its own, begun before the views are taken:
    the report's pages (the text laid out and drawn, the longer part of the PDF, in Qt
    code that lets go of the interpreter lock) while the views are grabbed, then the views'
    pages (``keys``, in that order), each once it is handed over.

    Every Qt object of the PDF is made, used and let go on that thread. A page that reads
    its view as it draws (the rack map's) reads it there: hand it over (:meth:`hand`) only
    when nothing else touches that view until the PDF is done (the views of a window made
    for the export alone, once grabbed), else in :meth:`finish`, whose caller waits while
    the pages left are drawn. :meth:`cancel` (or a :meth:`finish` that raised) ends the
    thread; either may be called more than once."""

    def __init__(self, data: HandoverData, keys: Sequence[str]) -> None:
        self.data = data
        self.keys = tuple(keys)
        self._handed = threading.Condition()
        self._views: dict[str, tuple[QImage | None, PrintPage | None]] = {}
        self._all = False
        self._dropped = False
        self._result: Future[bytes] = Future()
        self._thread = _Runner(self._run)
        self._thread.start()

    def hand(self, key: str, image: QImage | None, page: PrintPage | None) -> None:
        """The view ``key``'s image and page, for its page to be drawn from now on."""
        with self._handed:
            self._views[key] = (image, page)
            self._handed.notify_all()

    def _wait_view(self, key: str) -> tuple[QImage | None, PrintPage | None]:
        with self._handed:
            self._handed.wait_for(lambda: key in self._views or self._all or self._dropped)
            if self._dropped:
                raise _Cancelled
            return self._views.get(key, (None, None))

    def _run(self) -> None:
        try:
            self._result.set_result(self._render())
        except BaseException as exc:  # the caller's, in finish()
            # Without its traceback: the frames it holds (the writer, the document) are
            # let go here, on the thread that made them, not wherever the error is read.
            self._result.set_exception(exc.with_traceback(None))

    def _render(self) -> bytes:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        _render_pdf(writer, self.data, {}, {}, keys=self.keys, view=self._wait_view)
        del writer
        buffer.close()
        return bytes(buffer.data().data())

    def finish(self, images: Mapping[str, QImage], pages: Mapping[str, PrintPage]) -> bytes:
        """The PDF's bytes, the pages of views not handed over yet drawn from ``images``
        and ``pages``."""
        with self._handed:
            if not self._all and not self._dropped:
                for key in self.keys:
                    if key not in self._views:
                        self._views[key] = (images.get(key), pages.get(key))
                self._all = True
                self._handed.notify_all()
        try:
            return self._result.result()
        finally:
            self._thread.wait()

    def cancel(self) -> None:
        """Drop the PDF (unless all is handed over) and end its thread."""
        with self._handed:
            if not self._all:
                self._dropped = True
                self._handed.notify_all()
        self._thread.wait()


# -- the pack --------------------------------------------------------------------------------
def export_pack(
    out_dir: str | Path,
    data: HandoverData,
    window: Any = None,
    *,
    force: bool = False,
    notes: str | None = None,
    progress: Progress | None = None,
    restore_views: bool = True,
    pdf: PdfRender | None = None,
) -> Path:
    """Render the views of ``window`` (None: no screenshots) and the PDF, and write the pack
    into ``out_dir`` through :func:`console.handover.pack.write_pack`; returns its path.
    ``restore_views`` False leaves each view at the shot's size (a window made for the
    export alone: not laid out again for nothing; nothing touches a view once grabbed,
    so its PDF page is drawn while the next is grabbed). ``pdf``: the PDF's rendering begun
    earlier (:func:`start_pdf` for ``window`` and ``data`` with ``notes``); by default it
    begins here, its report's pages drawn while the views are grabbed. The pack ends it.

    Raises :class:`ExportError` with a one-line message on any failure, leaving ``out_dir``
    as it was.
    """
    data = data.with_notes(notes)
    views: Mapping[str, QWidget] = getattr(window, "views", None) or {}
    images: dict[str, QImage] = {}
    pages: dict[str, PrintPage] = {}
    if pdf is None or pdf.data is not data or pdf.keys != _shot_keys(window):
        if pdf is not None:
            pdf.cancel()
        pdf = start_pdf(data, window)
    render = pdf

    # PNG encoding lets go of the interpreter lock: each view's is done on another thread
    # while the next view is drawn and the PDF rendered (about 0.1 s a view).
    encoder = ThreadPoolExecutor(max_workers=2, thread_name_prefix="export-png")

    def shot(key: str) -> Future[bytes]:
        images[key] = grab_view(views[key], restore=restore_views)
        pages[key] = print_page(key, views[key])  # the PDF's page: drawn for paper
        if not restore_views:  # the view stays as it is now: its page is drawn meanwhile
            render.hand(key, images[key], pages[key])
        return encoder.submit(png_bytes, images[key])

    files = [PackFile(f"{key}.png", QCoreApplication.translate("Export", "Capturing {0}").format(
        translate("Report", title).lower()), lambda key=key: shot(key))
             for key, title in VIEW_TITLES if key in views]
    files.append(PackFile("handover.pdf",
                          QCoreApplication.translate("Export", "Writing the report (PDF)"),
                          lambda: render.finish(images, pages)))
    try:  # the PDF's thread is ended whatever happens
        with _layouts_held(window):
            return write_pack(out_dir, data, files, force=force, progress=progress)
    finally:
        render.cancel()
        encoder.shutdown(wait=True, cancel_futures=True)


def _shot_keys(window: Any) -> tuple[str, ...]:
    """The views of ``window`` the pack shows, in the pack's order."""
    views: Mapping[str, QWidget] = getattr(window, "views", None) or {}
    return tuple(key for key, _ in VIEW_TITLES if key in views)


def start_pdf(data: HandoverData, window: Any = None) -> PdfRender:
    """Begin ``handover.pdf`` of ``data`` with a page for each view of ``window`` that the
    pack shows (:class:`PdfRender`; :func:`export_pack` finishes it)."""
    return PdfRender(data, _shot_keys(window))


@contextmanager
def _layouts_held(window: Any) -> Iterator[None]:
    """The window's own layouts (its column, its dock host) held while its views are
    grabbed: a view set to the shot's size is drawn as before, but the docks beside it are
    not laid out again and again for it (the rack map re-arranged its halls for each view
    grabbed); laid out once after."""
    layouts = [lay for lay in (_layout_of(window), _layout_of(getattr(window, "dock_host", None)))
               if lay is not None and lay.isEnabled()]
    for lay in layouts:
        lay.setEnabled(False)
    try:
        yield
    finally:
        for lay in reversed(layouts):
            lay.setEnabled(True)
            lay.invalidate()


def _layout_of(widget: Any) -> Any:
    layout = getattr(widget, "layout", None)
    return layout() if isinstance(widget, QWidget) and callable(layout) else None


# -- headless command ------------------------------------------------------------------------
def _fail(message: str, code: int = 1) -> int:
    print(f"main.py export: error: {' '.join(message.split())}", file=sys.stderr)
    return code


def _bad(message: str) -> int:
    """Bad input (arguments, target folder): one line, exit code 2."""
    return _fail(message, 2)


def run_export(request: ExportRequest | Any) -> int:
    """``python main.py export``: collect the shift, render the views offscreen, write the pack.

    ``request`` is an :class:`ExportRequest` (parsed arguments are turned into one).
    Returns the exit code: 0 written, 1 failed (one line on stderr), 2 bad arguments.
    """
    from console.handover.collect import collect
    from console.handover.shift import ShiftWindow, parse_time

    if not isinstance(request, ExportRequest):
        request = ExportRequest.from_namespace(request)
    t0 = time.perf_counter()
    if not request.out:
        return _bad("--out DIR is required")
    if request.source and request.review:
        return _bad("give either --source or --review, not both")
    try:
        shift = ShiftWindow.parse(request.shift) if request.shift else None
        at = parse_time(request.at) if request.at else None
    except ValueError as exc:
        return _bad(str(exc))
    if at is not None and not request.review:
        return _bad("--at needs --review CACHE.db (a live source shows the present)")
    notes = ""
    if request.notes:
        try:
            notes = Path(request.notes).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return _bad(f"cannot read the notes file {request.notes}: {exc.strerror or exc}")
    quiet = logging.getLogger().getEffectiveLevel() >= logging.WARNING
    if quiet:  # the command's outcome is one line; library warnings would add noise
        logging.disable(logging.ERROR)
    try:
        target = Path(request.out).expanduser().absolute()
        try:
            check_target(target, request.force)
            check_writable(target)
        except ExportError as exc:
            return _bad(str(exc))
        # The source is read on a thread of its own while the window (Qt widgets,
        # pyqtgraph: about a second to load and build) is made: the waits for a sim:// hub
        # started ahead (its site's build, its answers, in its own process) pass meanwhile.
        # It is closed on a thread of its own too (a sim:// hub's process ending: ~0.1 s),
        # while the pack is made.
        closing = _Closing()
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-source") as pool:
                collecting = pool.submit(collect, request.settings, request.source,
                                         request.review, shift, at, notes,
                                         float(request.timeout), close=closing.close)
                try:
                    with _export_window(_language(request)) as window:
                        snapshots, data, label = collecting.result()
                        path = _write_from(window, Path(request.out), snapshots, data, label,
                                           request.force)
                finally:
                    collecting.cancel()
        finally:
            closing.wait()
    except ExportError as exc:
        return _fail(str(exc))
    except Exception as exc:  # never a traceback on the command line
        return _fail(f"export failed: {exc.__class__.__name__}: {exc}")
    finally:
        if quiet:
            logging.disable(logging.NOTSET)
    print(f"Handover pack written to {path} ({time.perf_counter() - t0:.1f} s)")
    return 0


class _Closing:
    """Sources closed on threads of their own (:meth:`close`), waited for by :meth:`wait`."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []

    def close(self, source: Any) -> None:
        thread = threading.Thread(target=self._close, args=(source,),
                                  name="export-source-close")
        thread.start()
        self._threads.append(thread)

    @staticmethod
    def _close(source: Any) -> None:
        try:
            source.close()
        except Exception as exc:  # the pack is made from what was read
            log.warning("closing the source %s failed: %s", source.display_url, exc)

    def wait(self) -> None:
        for thread in self._threads:
            thread.join()


def _language(request: ExportRequest) -> str | None:
    """The pack's language as asked (``--lang``, else ``[ui] lang``; None: the system's)."""
    return request.lang or getattr(request.settings, "lang", None)


def _write_from(window: Any, out: Path, snapshots: Mapping[str, Any], data: HandoverData,
                label: str, force: bool) -> Path:
    """The pack from the command's own window (made for it alone, see :func:`_export_window`)."""
    window.set_source_label(label)
    pdf = start_pdf(data, window)  # the report's pages drawn meanwhile
    with _layouts_held(window):
        try:
            sized = sized_for_shots(window)
            apply_snapshots(window, snapshots, data)
            _resized(sized)
        except BaseException:
            pdf.cancel()
            raise
        return export_pack(out, data, window, force=force, restore_views=False, pdf=pdf)


SIZED_WHEN_GRABBED: tuple[str, ...] = ("power",)
"""Views sized for their shot only as they are grabbed: the power chart's legend
(pyqtgraph) laid out at the shot's size from the start runs past the view's edge (its
last entry cut); resized to it, as it is grabbed, it comes out whole."""


def sized_for_shots(window: Any, size: tuple[int, int] = SHOT_SIZE) -> list[QWidget]:
    """Each view of ``window`` that the pack shows (but :data:`SIZED_WHEN_GRABBED`) set to
    the shot's size before it is given its data: laid out once, at the size it is grabbed
    at, not at the window's size first and again for its shot (the rack map's halls
    arranged twice, its racks placed twice). For a window made for the export alone, its
    own layouts held (:func:`_layouts_held`). Returns the views sized."""
    views: Mapping[str, QWidget] = getattr(window, "views", None) or {}
    sized = [views[key] for key in _shot_keys(window) if key not in SIZED_WHEN_GRABBED]
    for view in sized:
        view.setFixedSize(*size)
        _settle(view)
    return sized


def _resized(views: Sequence[QWidget]) -> None:
    """Tell ``views`` and their widgets their size again, once they hold their data: what
    a view lays out lazily when its content changes (a table's scroll bars, as its rows
    arrive) is laid out now, as a resize to the shot's size did it."""
    for view in views:
        for widget in (view, *view.findChildren(QWidget)):
            QApplication.sendEvent(widget, QResizeEvent(widget.size(), widget.size()))


def unshown_views(specs: Any) -> tuple[str, ...]:
    """Keys of the window's views (``VIEW_SPECS``) the pack does not show: the export's
    window leaves them unbuilt (deferred, never built)."""
    shown = {key for key, _ in VIEW_TITLES}
    return tuple(spec[0] for spec in specs if spec[0] not in shown)


@contextmanager
def _export_window(lang: str | None = None) -> Iterator[Any]:
    """The main window an export renders its views in (offscreen without a display), in
    the pack's language, stopped and let go after; its source is said once known
    (``set_source_label``)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from widgets.main_window import VIEW_SPECS, MainWindow

    app = QApplication.instance()
    if app is None:  # our own application: dress it as the console is dressed
        app = QApplication(sys.argv[:1])
        try:
            from resources import theme_qss

            app.setStyleSheet(theme_qss())
        except (ImportError, OSError):
            pass
    from widgets.i18n import choose_language, install_language

    install_language(choose_language(lang, None), app)
    window = MainWindow("", feed=None, defer=unshown_views(VIEW_SPECS))
    try:
        yield window
    finally:
        window.stop()
        window.deleteLater()
