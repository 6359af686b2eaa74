"""JobQueueView: plain-text tenant names, filter and sort through the proxy, flags, selection."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem

from bench.power_jobs import synthetic_jobs
from console.decode import jobs_from_records
from console.model import JobsSnapshot, UnhealthyGpus
from tests.console.test_jobs import NOW, job
from widgets.jobs import COLUMN_KEYS, FLAG_TEXT, JobQueueView
from widgets.text import CELL_CHARS, isolate

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")
HOSTILE = "<b>x</b><img src=y>"
ARABIC = "تدريب نموذج اللغة العربية الكبير"


def col(key: str) -> int:
    return COLUMN_KEYS.index(key)


@pytest.fixture
def view(qtbot: Any) -> JobQueueView:
    v = JobQueueView()
    qtbot.addWidget(v)
    v.resize(1500, 700)
    yield v
    v.stop()


def feed(view: JobQueueView, jobs: JobsSnapshot) -> None:
    view.apply(jobs)
    view.flush()


def shown(view: JobQueueView, key: str) -> list[str]:
    p = view.proxy
    return [p.index(r, col(key)).data() for r in range(p.rowCount())]


def cell(view: JobQueueView, job_id: int, key: str) -> QModelIndex:
    """The model's cell of job ``job_id`` (rows follow the view's sort, newest first)."""
    m = view.model
    row = next(r for r in range(m.rowCount())
               if int(m.index(r, col("id")).data().replace(",", "")) == job_id)
    return m.index(row, col(key))


def small() -> JobsSnapshot:
    return jobs_from_records(
        [
            job(id=1, name=HOSTILE, user="<i>eve</i>", tenant="<a href=x>T</a>"),
            job(
                id=2,
                name=ARABIC,
                state="RUNNING",
                reason="None",
                racks=["A-01-01", "A-01-02"],
                start_time=NOW - 600,
                partition="gpu-gb200",
                gpus=144,
            ),
            job(id=3, name="n" * 300, reason="Priority", tenant_kind="startup", user="omar"),
        ],
        NOW,
        received=NOW,
    )


def test_opens_newest_first(view: JobQueueView) -> None:
    # what was just submitted is what the operator asks about: at the top without a click
    feed(view, small())
    assert [int(i) for i in shown(view, "id")] == [3, 2, 1]
    feed(view, synthetic_jobs(500))
    ids = [int(i.replace(",", "")) for i in shown(view, "id")]
    assert ids == sorted(ids, reverse=True)


def test_tenant_text_is_plain(view: JobQueueView, qtbot: Any) -> None:
    feed(view, small())
    name = cell(view, 1, "name")
    assert name.data(Qt.ItemDataRole.DisplayRole) == HOSTILE
    assert cell(view, 1, "user").data() == "<i>eve</i>"
    # the tenant bidi-isolated: an RTL name never moves "(research, MA)" around it
    assert cell(view, 1, "tenant").data().startswith(f"{isolate('<a href=x>T</a>')} (research")
    # the stock delegate lays text out as plain text: its width is that of the raw characters
    delegate = view.table.itemDelegate()
    assert type(delegate) is QStyledItemDelegate
    index = view.proxy.mapFromSource(name)
    width = delegate.sizeHint(QStyleOptionViewItem(), index).width()
    assert width >= QFontMetrics(QStyleOptionViewItem().font).horizontalAdvance(HOSTILE)
    # a rich tooltip, escaped: the markup shows as characters
    tip = name.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;x&lt;/b&gt;&lt;img src=y&gt;" in tip and "<img" not in tip
    view.table.setCurrentIndex(index)
    assert view.detail.textFormat() == Qt.TextFormat.PlainText
    assert HOSTILE in view.detail.text()
    assert view.counts_label.textFormat() == Qt.TextFormat.PlainText


def test_long_and_rtl_names(view: JobQueueView) -> None:
    feed(view, small())
    assert view.table.textElideMode() == Qt.TextElideMode.ElideRight
    assert cell(view, 2, "name").data() == ARABIC
    # a long name as the decoder keeps it, within the cell's bound (elided to the column)
    kept = small().columns["name"][2]
    assert cell(view, 3, "name").data() == kept and len(kept) <= CELL_CHARS


def test_reason_in_plain_words_and_counts(view: JobQueueView) -> None:
    feed(view, small())
    assert cell(view, 1, "reason").data() == (
        "waiting for 64 free GPUs in partition gpu-h200 (2 jobs pending there)"
    )
    assert cell(view, 2, "reason").data() == ""
    assert cell(view, 3, "reason").data().startswith("queued behind higher-priority")
    text = view.counts_label.text()
    assert "PENDING 2" in text and "RUNNING 1" in text and "gpu-h200 2" in text
    assert "showing 3 of 3 jobs" in text


def test_filters_through_proxy(view: JobQueueView) -> None:
    jobs = synthetic_jobs(3000)
    feed(view, jobs)
    c = jobs.columns
    view.partition_box.setCurrentIndex(view.partition_box.findData("gpu-h200"))
    assert set(shown(view, "partition")) == {"gpu-h200"}
    assert view.proxy.rowCount() == int((c["partition"] == "gpu-h200").sum())
    view.state_box.setCurrentIndex(view.state_box.findData("PENDING"))
    view.kind_box.setCurrentIndex(view.kind_box.findData("startup"))
    expected = (
        (c["partition"] == "gpu-h200") & (c["state"] == "PENDING") & (c["tenant_kind"] == "startup")
    )
    assert view.proxy.rowCount() == int(expected.sum()) > 0
    assert f"showing {int(expected.sum()):,} of 3,000" in view.counts_label.text()
    view.partition_box.setCurrentIndex(0)
    view.state_box.setCurrentIndex(0)
    view.kind_box.setCurrentIndex(0)
    view.user_edit.setText("USER7")
    assert set(shown(view, "user")) == {"user7"}
    view.user_edit.clear()
    view.text_edit.setText("run-99-")
    names = shown(view, "name")
    assert names and all("run-99-" in n for n in names)
    view.text_edit.clear()
    assert view.proxy.rowCount() == 3000


def test_sort_through_proxy(view: JobQueueView) -> None:
    feed(view, synthetic_jobs(3000))
    view.table.sortByColumn(col("gpus"), Qt.SortOrder.DescendingOrder)
    gpus = [int(g.replace(",", "")) for g in shown(view, "gpus")]
    assert gpus == sorted(gpus, reverse=True)
    view.proxy.set_filters(state="PENDING")
    view.proxy.sort(col("wait"), Qt.SortOrder.AscendingOrder)
    rows = [
        view.proxy.mapToSource(view.proxy.index(r, 0)).row() for r in range(view.proxy.rowCount())
    ]
    waits = [view.model.wait[view.model.order_list[r]] for r in rows]
    assert waits == sorted(waits) and set(shown(view, "state")) == {"PENDING"}
    view.proxy.sort(col("name"), Qt.SortOrder.AscendingOrder)
    names = shown(view, "name")
    assert names == sorted(names, key=str.lower)
    # the sort survives a new snapshot
    feed(view, synthetic_jobs(3000, seed=9))
    names = shown(view, "name")
    assert names == sorted(names, key=str.lower)


def test_selection_emits_racks_and_survives_sort(view: JobQueueView, qtbot: Any) -> None:
    feed(view, small())
    with qtbot.waitSignal(view.jobSelected) as blocker:
        view.select_job(2)
    assert blocker.args == [("A-01-01", "A-01-02")]
    view.proxy.sort(col("id"), Qt.SortOrder.DescendingOrder)
    assert view.selected_job_id() == 2
    feed(view, small())  # a new snapshot keeps the selected job
    assert view.selected_job_id() == 2


def test_jobs_on_unhealthy_gpus_flagged(view: JobQueueView) -> None:
    feed(view, small())
    view.apply(
        UnhealthyGpus(time=NOW, gpus=({"uuid": "GPU-1", "rack": "A-01-02", "status": "failed"},))
    )
    view.flush()
    flags = [cell(view, i, "flag").data() for i in (1, 2, 3)]
    assert flags == ["", FLAG_TEXT, ""]
    bg = cell(view, 2, "flag").data(Qt.ItemDataRole.BackgroundRole)
    assert bg is not None and cell(view, 1, "flag").data(Qt.ItemDataRole.BackgroundRole) is None
    assert "1 jobs on racks with unhealthy GPUs" in view.counts_label.text()


def test_large_queue_stays_bounded(view: JobQueueView) -> None:
    jobs = synthetic_jobs(20_000)
    feed(view, jobs)
    view.show()
    view.proxy.set_filters(text="llm")
    view.proxy.sort(col("submit_time"), Qt.SortOrder.DescendingOrder)
    QApplication.processEvents()
    view.table.viewport().grab()
    assert view.proxy.rowCount() == int(
        np.char.find(jobs.columns["name"].astype(str), "llm").__ge__(0).sum()
    )
    assert view.table.indexAt(QPoint(5, 5)) != QModelIndex() or view.proxy.rowCount() == 0


def test_stale_queue_is_announced(view: JobQueueView) -> None:
    feed(view, small())
    view.set_data_age(75.0, True)
    view.flush()
    assert "STALE: jobs data 1 min 15 s old" in view.counts_label.text()


def test_numbers_and_times_fit_their_columns(view: JobQueueView) -> None:
    """A cut job id or GPU-hour figure reads as another number: those columns fit them."""
    from widgets.jobs_model import COLUMN_KEYS

    metrics = view.table.fontMetrics()
    for key, sample in (("id", "418012345"), ("gpu_hours", "553,300.5"),
                        ("submit_time", "21 Nov 14:05")):
        col = COLUMN_KEYS.index(key)
        assert view.table.columnWidth(col) > metrics.horizontalAdvance(sample), key


T_NOV = 1_795_908_600.0
"""Sat 28 Nov 2026 23:30 UTC: Sun 29 Nov 00:30 in Africa/Casablanca (UTC+1), Sat 28 Nov
18:30 in America/New_York."""


@pytest.fixture
def workstation_in_utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The workstation's clock set to UTC, so a time said in it differs from the site's."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("workstation_in_utc")
def test_times_are_the_sites(view: JobQueueView) -> None:
    """Submit and start times, and a pending job's begin time, are the site layout's zone
    (named in the headers' tooltips), never the workstation's nor the default site's."""
    from console.model import SiteTopology

    def site(tz: str) -> SiteTopology:
        return SiteTopology(time=T_NOV, received=T_NOV, timezone=tz)

    jobs = jobs_from_records([
        job(id=1, state="RUNNING", reason="None", submit_time=T_NOV - 3600, start_time=T_NOV),
        job(id=2, reason="BeginTime", submit_time=T_NOV - 3600, start_time=T_NOV + 3600),
    ], T_NOV, received=T_NOV)
    view.set_topology(site("Africa/Casablanca"))
    feed(view, jobs)
    assert cell(view, 1, "start_time").data() == "29 Nov 00:30"  # not 28 Nov 23:30 (UTC)
    assert shown(view, "submit_time") == ["28 Nov 23:30", "28 Nov 23:30"]
    assert "Sun 29 Nov 01:30" in cell(view, 2, "reason").data()
    tip = view.model.headerData(col("start_time"), Qt.Orientation.Horizontal,
                                Qt.ItemDataRole.ToolTipRole)
    assert "Africa/Casablanca, UTC+01" in tip
    view.set_topology(site("America/New_York"))  # another site: every time said again
    view.flush()
    assert cell(view, 1, "start_time").data() == "28 Nov 18:30"
    assert "Sat 28 Nov 19:30" in cell(view, 2, "reason").data()
