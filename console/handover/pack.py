"""Write a handover pack's files into place (Qt-free): the pack writer.

The pack is one folder: one PNG per view, ``handover.pdf``, ``summary.json`` and the shift
log as CSV (``shift_log.csv``: the shift's entries; ``open_items.csv``: the open items
carried forward; ``cleared_items.csv``: the open items cleared in the shift, written
whenever; UTF-8 with a byte order mark, no cell starting a formula,
:mod:`console.shiftlog.csvtext`). The views
and the PDF are rendered elsewhere (:mod:`widgets.export`) and handed over as bytes, one
:class:`PackFile` at a time; :func:`write_pack` writes them and ``summary.json`` into a
temporary folder next to the destination and renames it into place, so a failed export
never leaves a folder that looks complete. Every failure is an
:class:`~console.handover.request.ExportError` whose message is one line an operator can act
on (disk full, read-only file system, no permission, a pack already there).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.handover.data import HandoverData
from console.handover.report import VIEW_TITLES
from console.handover.request import ExportError
from console.shiftlog.csvtext import entries_csv

__all__ = ["PACK_FILES", "PackFile", "Progress", "check_target", "check_writable", "write_pack"]

PDF_NAME = "handover.pdf"
SUMMARY_NAME = "summary.json"
LOG_CSV_NAME = "shift_log.csv"
OPEN_CSV_NAME = "open_items.csv"
CLEARED_CSV_NAME = "cleared_items.csv"
PACK_FILES = (PDF_NAME, SUMMARY_NAME, LOG_CSV_NAME, OPEN_CSV_NAME, CLEARED_CSV_NAME,
              *(f"{k}.png" for k, _ in VIEW_TITLES))
"""Every file a pack holds (a folder holding any of them holds a pack)."""

Progress = Callable[[int, int, str], Any]
"""``progress(done, total, what)``; returning False cancels the export."""


@dataclass(frozen=True, slots=True)
class PackFile:
    """One rendered file of the pack: its name, the progress line, and what renders it.

    ``render`` is called when the file's turn comes (so progress and cancelling run between
    renderings) and returns the file's bytes, or a future of them (bytes still being encoded
    on another thread: written once every file has been rendered); an OSError from it is
    reported as a write failure in the pack's folder."""

    name: str
    what: str
    render: Callable[[], bytes | Future[bytes]]


def os_message(exc: OSError, where: Path) -> str:
    """One line saying why writing in ``where`` failed."""
    if exc.errno == errno.ENOSPC:
        return f"disk full while writing the handover pack in {where}"
    if exc.errno == errno.EROFS:
        return f"cannot write in {where}: it is on a read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write in {where}"
    return f"cannot write the handover pack in {where}: {exc.strerror or exc}"


def check_writable(out: Path) -> None:
    """ExportError (naming the folder and the reason) unless a pack can be written at ``out``.

    Tried before the shift is collected, so a read-only mount or a missing permission
    fails at once, as bad input, not after a minute of collecting."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkdtemp(prefix=f".{out.name}.probe-", dir=parent))
        probe.rmdir()
    except OSError as exc:
        raise ExportError(os_message(exc, parent)) from None


def check_target(out: Path, force: bool) -> None:
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


def _write(path: Path, content: bytes, sync: bool = False) -> None:
    with open(path, "wb") as fh:
        fh.write(content)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())


def write_pack(
    out_dir: str | Path,
    data: HandoverData,
    files: Sequence[PackFile] = (),
    *,
    force: bool = False,
    notes: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the handover pack into ``out_dir`` and return its path.

    ``files`` (view PNGs, then ``handover.pdf``) are rendered and written in order, then
    the shift log's CSV files (when the log was read) and ``summary.json``
    (from ``data``, with ``notes`` when given). A folder that already
    holds a pack is refused unless ``force`` (then it is replaced whole); other files in
    it stay, with the pack written beside them. Raises :class:`ExportError` with a
    one-line message on any failure, leaving ``out_dir`` as it was.
    """
    out = Path(out_dir).expanduser().absolute()
    check_target(out, force)
    data = data.with_notes(notes)
    total = len(files) + 2
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
        raise ExportError(os_message(exc, out.parent)) from None
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        tmp.chmod(0o777 & ~mask)  # a pack is for the next shift too, not private (mkdtemp: 0700)
        pending: list[tuple[str, Future[bytes]]] = []
        for item in files:
            step(item.what)
            content = item.render()
            if isinstance(content, Future):
                pending.append((item.name, content))
                continue
            _write(tmp / item.name, content)
            if item.name == PDF_NAME:
                with open(tmp / PDF_NAME, "rb") as fh:
                    fh.seek(max(0, os.fstat(fh.fileno()).st_size - 64))
                    if b"%%EOF" not in fh.read():
                        raise OSError(errno.ENOSPC, "the PDF is incomplete")
        for name, future in pending:
            _write(tmp / name, future.result())
        step("Writing summary.json")
        if data.log_missing is None:
            for name, entries in ((LOG_CSV_NAME, data.log_entries),
                                  (OPEN_CSV_NAME, data.open_items),
                                  (CLEARED_CSV_NAME, data.cleared_items)):
                _write(tmp / name, entries_csv(entries).encode("utf-8-sig"))  # Excel reads UTF-8
        summary = data.to_summary_json()
        summary["files"] = sorted(p.name for p in tmp.iterdir()) + [SUMMARY_NAME]
        with open(tmp / SUMMARY_NAME, "w", encoding="utf-8") as text:
            json.dump(summary, text, indent=2, ensure_ascii=False, allow_nan=False)
            text.flush()
            os.fsync(text.fileno())
        step("Moving the pack into place")
        _move_into_place(tmp, out, force)
    except ExportError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(os_message(exc, out.parent)) from None
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
    check_target(out, force)  # a pack appeared meanwhile
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
    last = (PDF_NAME, SUMMARY_NAME)
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
