"""The job queue: what waits and why, whose work sits on broken hardware.

:class:`JobQueueView` shows a :class:`~widgets.jobs_model.JobsTableModel` through a
:class:`~widgets.jobs_model.JobsFilterProxy`: filters, counts per state and partition,
pending reasons in plain words, jobs on unhealthy GPUs flagged. Tenant-controlled
text is plain text everywhere (item models return plain strings; labels use
``Qt.PlainText``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.contract import JOB_STATES, TENANT_KINDS
from console.jobs import STATE_WORDS, partition_capacity, state_text, state_word, unhealthy_racks
from console.model import JobsSnapshot, SiteTopology, Snapshot, UnhealthyGpus
from widgets.jobs_model import (
    COLUMN_KEYS,
    COLUMNS,
    FLAG_TEXT,
    JobsFilterProxy,
    JobsTableModel,
    as_count,
    tenant_text,
)
from widgets.text import bound_columns, cell, figure, isolate, missing, set_column_widths
from widgets.view import DATA_ERRORS, LiveView, format_age

__all__ = [
    "COLUMNS",
    "COLUMN_KEYS",
    "FLAG_TEXT",
    "JobQueueView",
    "JobsFilterProxy",
    "JobsTableModel",
]


def _unhealthy_racks(gpus: UnhealthyGpus) -> frozenset[str]:
    """Racks holding an unhealthy GPU (:func:`console.jobs.unhealthy_racks`), reading only
    the records it can (a record that is no mapping, or names no rack, is left out)."""
    try:
        return unhealthy_racks(gpus)
    except DATA_ERRORS:
        return frozenset(cell(g["rack"]) for g in gpus.gpus
                         if isinstance(g, Mapping) and g.get("rack") is not None
                         and g.get("status", "healthy") != "healthy")


class JobQueueView(LiveView):
    """The job queue with filters, counts and the jobs on unhealthy GPUs flagged.

    ``jobSelected(tuple)`` carries the rack ids of the selected job (empty when it
    has none) so the rack map can highlight them. :meth:`show_job` selects a job
    asked for from elsewhere (the rack detail), clearing filters that hide it. The
    free-text search matches job id, name, tenant, user, partition, state, reason,
    country and the racks the job runs on.
    """

    kinds = ("jobs", "gpus")
    title = "Job queue"
    jobSelected = Signal(tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = JobsTableModel(self)
        self.proxy = JobsFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._pending_jobs: JobsSnapshot | None = None
        self._pending_gpus: UnhealthyGpus | None = None
        self._capacity_for: SiteTopology | None = None
        self._capacity_names: frozenset[object] = frozenset()
        self._capacity_value: dict[str, int] = {}
        self.wanted_job: int | None = None
        """A job asked for by :meth:`show_job` before the queue held it."""
        root = QVBoxLayout(self)
        root.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.partition_box = self._combo(self.tr("All partitions"), ())
        self.kind_box = self._combo(self.tr("All tenant kinds"), TENANT_KINDS)
        self.state_box = self._combo(self.tr("All states"), JOB_STATES, state_word)
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("user"))
        self.user_edit.setClearButtonEnabled(True)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("search id, name, tenant, user, rack, reason…"))
        self.text_edit.setClearButtonEnabled(True)
        for w in (self.partition_box, self.kind_box, self.state_box):
            w.currentIndexChanged.connect(self._filters_changed)
            bar.addWidget(w)
        for w, stretch in ((self.user_edit, 1), (self.text_edit, 3)):
            w.textChanged.connect(self._filters_changed)
            bar.addWidget(w, stretch)
        root.addLayout(bar)
        self.counts_label = self._plain_label()
        root.addWidget(self.counts_label)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.horizontalHeader().setStretchLastSection(True)
        bound_columns(self.table)
        set_column_widths(self.table, (  # characters, or a sample of the widest value
            "999999999", 23, 34, 16, 12, max(map(state_word, STATE_WORDS), key=len), 38, "99,999", 13, "29 Nov 23:59",
            "29 Nov 23:59", "59 min 59 s", "999,999.9", FLAG_TEXT))
        self.table.setSortingEnabled(True)
        # newest first: what was just submitted (and may be pending) is at the top
        self.table.sortByColumn(COLUMN_KEYS.index("id"), Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        root.addWidget(self.table, 1)
        self.detail = self._plain_label()
        self.detail.setWordWrap(True)
        root.addWidget(self.detail)

    def _plain_label(self) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _combo(self, everything: str, values: Iterable[str],
               said: Callable[[str], str] = str) -> QComboBox:
        box = QComboBox()
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(16)
        box.addItem(everything, "")
        for v in values:
            box.addItem(said(v), v)
        return box

    # -- data in ------------------------------------------------------------------------
    def set_topology(self, topology: SiteTopology) -> None:
        """Take the site layout: its time zone says the jobs' times."""
        super().set_topology(topology)
        self.model.set_site_clock(self.site_clock)

    def on_snapshot(self, snapshot: Snapshot) -> None:
        """Keep the newest jobs / unhealthy GPUs; applied to the model on redraw."""
        if isinstance(snapshot, JobsSnapshot):
            self._pending_jobs = snapshot
        elif isinstance(snapshot, UnhealthyGpus):
            self._pending_gpus = snapshot

    def redraw(self) -> None:
        """Apply stored snapshots to the model and refresh the counts."""
        if self._pending_gpus is not None:
            # With new jobs pending too, set_snapshot flags them: no need to flag the old.
            self.model.set_unhealthy_racks(
                _unhealthy_racks(self._pending_gpus), refresh=self._pending_jobs is None
            )
            self._pending_gpus = None
        if self._pending_jobs is not None:
            jobs, self._pending_jobs = self._pending_jobs, None
            capacity = None
            if self.topology is not None and len(jobs):
                try:
                    names = frozenset(jobs.columns["partition"].tolist())
                    capacity = self._capacity(names)
                except DATA_ERRORS:  # partitions it cannot name: sized without the layout
                    capacity = None
            selected = self.selected_job_id()
            self.model.set_snapshot(jobs, capacity)
            self._refresh_partitions()
            if self.wanted_job is None or not self.show_job(self.wanted_job):
                self.select_job(selected)
        self._update_counts()

    def _capacity(self, partitions: frozenset[object]) -> dict[str, int]:
        """GPUs per partition, computed once per site layout and set of partitions."""
        topology = self.topology
        if topology is None:
            return {}
        if self._capacity_for is not topology or self._capacity_names != partitions:
            names = {str(p) for p in partitions}
            self._capacity_value = partition_capacity(topology, names)
            self._capacity_for, self._capacity_names = topology, partitions
        return self._capacity_value

    def _refresh_partitions(self) -> None:
        names = sorted(self.model.partitions)
        current = self.partition_box.currentData()
        have = [self.partition_box.itemData(i) for i in range(1, self.partition_box.count())]
        if have != names:
            self.partition_box.blockSignals(True)
            self.partition_box.clear()
            self.partition_box.addItem(self.tr("All partitions"), "")
            for n in names:
                self.partition_box.addItem(cell(n, 40), n)
            self.partition_box.setCurrentIndex(max(0, self.partition_box.findData(current)))
            self.partition_box.blockSignals(False)

    def _update_counts(self) -> None:
        jobs = self.model.jobs
        states = self.model.state_counts
        parts = self.model.partition_counts
        line1 = "  ·  ".join(f"{cell(state_word(k), 40)} {figure(v, ',d')}"
                             for k, v in list(states.items())[:12])
        line1 = line1 or self.tr("no jobs")
        line2 = "  ·  ".join(f"{cell(k, 40)} {figure(v, ',d')}"
                             for k, v in list(parts.items())[:12])
        shown = self.tr("showing {0} of {1} jobs").format(
            figure(self.proxy.rowCount(), ",d"), figure(len(jobs), ",d"))
        flagged = int(self.model.flagged.sum())
        warn = ("  ·  " + self.tr("⚠ {0} jobs on racks with unhealthy GPUs").format(
            figure(flagged, ",d"))) if flagged else ""
        stale = ("  ·  " + self.tr("⚠ STALE: jobs data {0} old").format(
            format_age(self.data_age))) if self.stale else ""
        invalid = as_count(getattr(jobs, "invalid", 0))
        if invalid:
            stale += "  ·  " + self.tr(
                "⚠ {0} invalid job records dropped (no job id or state)").format(
                figure(invalid, ",d"))
        self.counts_label.setText(f"{line1}\n{line2}  |  {shown}{warn}{stale}")

    # -- filters and selection ----------------------------------------------------------
    def _filters_changed(self) -> None:
        self.proxy.set_filters(
            partition=self.partition_box.currentData() or None,
            tenant_kind=self.kind_box.currentData() or None,
            state=self.state_box.currentData() or None,
            user=self.user_edit.text().strip() or None,
            text=self.text_edit.text(),
        )
        self._update_counts()

    def selected_job_id(self) -> int | None:
        """Id of the selected job, if any."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        try:
            return int(self.model.job(self.proxy.mapToSource(index).row())["id"])
        except DATA_ERRORS:
            return None

    def select_job(self, job_id: int | None) -> bool:
        """Select the job with ``job_id`` if it is shown; True when found."""
        if job_id is None or not len(self.model.jobs):
            return False
        hits = np.flatnonzero(self.model.jobs.columns["id"] == job_id)
        if not len(hits):
            return False
        shown = np.flatnonzero(self.model.order == hits[0])
        if not len(shown):  # filtered out
            return False
        row = int(shown[0])
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def show_job(self, job_id: int) -> bool:
        """Select, scroll to and focus the job ``job_id``, clearing the filters when they
        hide it. A job the queue does not hold yet is selected when it arrives; False
        until it is shown."""
        found = self.select_job(job_id)
        if not found and len(self.model.jobs) and (self.model.jobs.columns["id"] == job_id).any():
            for box in (self.partition_box, self.kind_box, self.state_box):
                box.setCurrentIndex(0)
            self.user_edit.clear()
            self.text_edit.clear()
            found = self.select_job(job_id)
        self.wanted_job = None if found else job_id
        if found:
            index = self.table.currentIndex()
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return found

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.setText("")
            return
        try:
            racks = self._describe(self.proxy.mapToSource(current).row())
        except DATA_ERRORS:  # a job the queue cannot describe
            self.detail.setText(missing())
            racks = ()
        self.jobSelected.emit(racks)

    def _describe(self, row: int) -> tuple[str, ...]:
        """Describe the job at ``row`` in the detail line; its racks."""
        job = self.model.job(row)
        j = self.model.order_list[row]
        why = self.model.explanation(j)
        racks = self.model.racks_at(row)
        country = job.get("tenant_country")
        text = self.tr("Job {id} “{name}” by {user} of {tenant} · {partition} · {state}").format(
            id=cell(job["id"], 40), name=isolate(job["name"], 120), user=isolate(job["user"], 60),
            tenant=tenant_text(isolate(job["tenant"], 80), cell(job["tenant_kind"], 40),
                               isolate(country, 40) if country else ""),
            partition=isolate(job["partition"], 60),
            state=cell(state_text(job["state"], job.get("state_flags")), 60))
        tasks = as_count(job.get("array_tasks"))
        if tasks > 1:
            text += self.tr(" · job array: {n} tasks pending").format(n=f"{tasks:,}")
        if why:
            text += f" · {why}"
        if racks:
            text += self.tr(" · racks {racks}").format(racks=cell(", ".join(racks), 200))
        if self.model.flagged[j]:
            text += self.tr(" · ⚠ on a rack with unhealthy GPUs")
        self.detail.setText(text)
        return racks
