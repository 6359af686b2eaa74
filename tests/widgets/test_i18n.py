"""Languages: every message translated in French and Arabic, the .qm files current, the
language chosen (--lang, [ui] lang, system locale), the window in French and Arabic
(mirrored, the rack map and charts not), figures and dates in the locale, outside text
isolated in every language."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication

from console import i18n as core_i18n
from widgets import i18n
from widgets.text import figure

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "resources" / "i18n"
LANGS = ("fr", "ar")
PLACEHOLDER = re.compile(r"\{[^}]*\}|%\d")

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def english(qapp: QApplication) -> Any:
    """Whatever a test installs, English again afterwards (the other tests read English)."""
    yield
    i18n.install_language("en")


def _sources() -> list[str]:
    out: list[str] = []
    for name in i18n.TS_SOURCES:
        path = ROOT / name
        out += sorted(map(str, path.rglob("*.py"))) if path.is_dir() else [str(path)]
    return out


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    return [(ctx.findtext("name") or "", msg.findtext("source") or "", msg)
            for ctx in root.findall("context") for msg in ctx.findall("message")]


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_a_finished_translation(lang: str, tmp_path: Path) -> None:
    """lupdate over the sources into a copy of the committed .ts: a message added to the code
    without a translation (or one left unfinished) fails here."""
    if shutil.which("pyside6-lupdate") is None:
        pytest.skip("pyside6-lupdate is not installed")
    ts = tmp_path / f"console_{lang}.ts"
    shutil.copy(TS_DIR / f"console_{lang}.ts", ts)
    subprocess.run(["pyside6-lupdate", *_sources(), "-no-obsolete", "-locations", "none",
                    "-ts", str(ts)], check=True, capture_output=True, timeout=300)
    messages = _messages(ts)
    assert len(messages) > 400
    bad = []
    for context, source, msg in messages:
        tr = msg.find("translation")
        text = tr.text if tr is not None else None
        if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or not text:
            bad.append(f"{context}: {source!r} has no finished translation")
            continue
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            bad.append(f"{context}: {source!r} -> {text!r}: placeholders differ")
        if ("&" in source.replace("&&", "")) != ("&" in text.replace("&&", "")):
            bad.append(f"{context}: {source!r} -> {text!r}: keyboard accelerator lost")
    assert not bad, f"{lang}: " + "\n".join(bad)


@pytest.mark.parametrize("lang", LANGS)
def test_committed_qm_is_built_from_the_ts(lang: str, tmp_path: Path) -> None:
    if shutil.which("pyside6-lrelease") is None:
        pytest.skip("pyside6-lrelease is not installed")
    qm = tmp_path / f"console_{lang}.qm"
    subprocess.run(["pyside6-lrelease", "-silent", str(TS_DIR / f"console_{lang}.ts"),
                    "-qm", str(qm)], check=True, capture_output=True, timeout=120)
    assert qm.read_bytes() == (TS_DIR / f"console_{lang}.qm").read_bytes(), (
        "resources/i18n/*.qm are older than their .ts: run python -m widgets.i18n")


def test_translations_are_package_data() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"i18n/*.qm"' in text
    from resources import i18n_dir

    assert all((i18n_dir() / f"console_{lang}.qm").is_file() for lang in LANGS)


def test_language_is_cli_then_config_then_system() -> None:
    fr, de = QLocale("fr_MA"), QLocale("de_DE")
    assert i18n.choose_language("ar", "fr", fr) == "ar"
    assert i18n.choose_language(None, "fr", QLocale("ar_MA")) == "fr"
    assert i18n.choose_language(None, None, fr) == "fr"
    assert i18n.choose_language(None, None, QLocale("ar_SA")) == "ar"
    assert i18n.choose_language(None, None, de) == "en"
    assert i18n.choose_language("FR", None, de) == "fr"
    with pytest.raises(ValueError, match="unknown language 'de'"):
        i18n.choose_language("de", None, fr)
    with pytest.raises(ValueError, match=r"\[ui\] lang"):
        i18n.choose_language(None, "klingon", fr)


def _window(qtbot: Any) -> Any:
    from widgets.main_window import MainWindow

    window = MainWindow("sim://tetouan", feed=None)
    qtbot.addWidget(window)
    window.resize(1600, 960)
    return window


def _menus(window: Any) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


def test_window_in_french(qtbot: Any, english: Any) -> None:
    i18n.install_language("fr")
    assert QLocale().name() == "fr_MA"
    window = _window(qtbot)
    try:
        assert "&Fichier" in _menus(window) and "&Aide" in _menus(window)
        assert window.summary.tiles["facility"].caption.text() == "Charge du site"
        assert window.windowTitle().startswith("Console d'exploitation du hub")
        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        # Qt's own words too (qtbase_fr): a standard dialog button
        from PySide6.QtWidgets import QDialogButtonBox

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuler"
    finally:
        window.stop()


def test_rack_tooltip_follows_the_language_installed(english: Any) -> None:
    """The rack tooltip reads its words once per language (it is made at every mouse move):
    a language installed after it is drawn is the one its next drawing speaks."""
    from console.contract import RACK_FIELDS
    from console.decode import decode_racks, decode_site
    from widgets.rackmap_overlays import rack_tooltip

    rack = {"id": "A-01-01", "hall": "A", "row": "A-01", "x": 0.0, "y": 0.0, "w": 0.6,
            "h": 1.2, "gpu_model": "H200", "capacity_kw": 48.0, "gpus": 32}
    topo = decode_site({"time": 1.8e9, "halls": [], "rows": [], "racks": [rack]},
                       received=1.8e9)
    racks = decode_racks({"time": 1.8e9, "rack_ids": ["A-01-01"],
                          **{f: [1.0] for f in RACK_FIELDS}}, topo)
    assert "Inlet 1.0 °C · outlet 1.0 °C" in rack_tooltip(topo, racks, 0, 4.0, False)
    i18n.install_language("fr")
    assert "Entrée 1,0 °C · sortie 1,0 °C" in rack_tooltip(topo, racks, 0, 4.0, False)
    i18n.install_language("en")
    assert "Inlet 1.0 °C · outlet 1.0 °C" in rack_tooltip(topo, racks, 0, 4.0, False)


def test_window_in_arabic_is_mirrored_but_not_the_map(qtbot: Any, english: Any) -> None:
    i18n.install_language("ar")
    window = _window(qtbot)
    try:
        assert "&ملف" in _menus(window)
        assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert window.isRightToLeft()
        assert window.summary.isRightToLeft()
        rackmap, power = window.views["rackmap"], window.views["power"]
        assert rackmap.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert not rackmap.isRightToLeft()
        assert not power.graphics.isRightToLeft()  # time runs left to right
    finally:
        window.stop()
    i18n.install_language("en")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert core_i18n.translate("MainWindow", "&File") == "&File"


def test_figures_and_dates_in_the_locale(english: Any) -> None:
    assert figure(1234567.26, ",.1f", " MW") == "1,234,567.3 MW"  # English: as before
    i18n.install_language("fr")
    assert figure(1234567.26, ",.1f", " MW") == "1.234.567,3 MW"
    assert figure(12345, ",d") == "12.345"
    assert figure(float("nan")) == "n.d."
    moment = datetime(2025, 11, 28, 14, 3, tzinfo=ZoneInfo("Africa/Casablanca"))
    assert core_i18n.strftime(moment, "%a %d %b %H:%M") == "ven. 28 nov. 14:03"
    i18n.install_language("ar")
    assert core_i18n.strftime(moment, "%d %b") == "28 نونبر"
    i18n.install_language("en")
    assert core_i18n.strftime(moment, "%a %d %b %H:%M") == "Fri 28 Nov 14:03"


@pytest.mark.parametrize("lang", ("en", "fr", "ar"))
def test_outside_text_never_reorders_a_row(lang: str, qtbot: Any, english: Any) -> None:
    """A right-to-left override in a job's name or tenant stays inside its own cell, in
    every language."""
    from console.decode import jobs_from_records
    from tests.console.test_jobs import NOW, job
    from widgets.jobs import COLUMN_KEYS, JobQueueView
    from widgets.text import FSI

    i18n.install_language(lang)
    view = JobQueueView()
    qtbot.addWidget(view)
    try:
        view.apply(jobs_from_records([job(id=7, name="\u202eevil", tenant="\u202eTenant")],
                                     NOW, received=NOW))
        view.flush()
        row = [view.model.index(0, c).data() or "" for c in range(len(COLUMN_KEYS))]
        assert all("\u202e" not in text for text in row)
        assert row[COLUMN_KEYS.index("tenant")].startswith(FSI)
    finally:
        view.stop()


@pytest.mark.parametrize("lang, words", [
    ("en", ("Shift handover", "Power and energy", "Operator notes", "Facility load, average")),
    ("fr", ("Relève de poste", "Puissance et énergie", "Notes de l&#x27;opérateur",
            "Charge du site, moyenne")),
    ("ar", ("تسليم النوبة", "القدرة والطاقة", "ملاحظات المشغّل", "حمل المنشأة، المتوسط")),
])
def test_handover_report_in_the_chosen_language(lang: str, words: tuple[str, ...],
                                                qapp: QApplication, english: Any) -> None:
    """The export's report (and its page header) is written in the chosen language; the
    site's name stays as written, isolated."""
    from console.handover.data import HandoverData
    from console.handover.report import report_html
    from console.handover.shift import ShiftWindow
    from console.text import FSI, PDI

    i18n.install_language(lang)
    t = 1_780_000_000.0
    data = HandoverData(shift=ShiftWindow(t, t + 8 * 3600), site_name="Tétouan \u202eNorth",
                        source="sim://tetouan", generated=t + 8 * 3600)
    page = report_html(data)
    assert all(w in page for w in words), [w for w in words if w not in page]
    assert f"{FSI}Tétouan North{PDI}" in page and "\u202e" not in page
    english_only = ("Shift handover", "Operator notes", "No notes were entered.")
    if lang != "en":
        assert not any(w in page for w in english_only)


def test_power_chart_keeps_its_axes_left_to_right_in_arabic(qtbot: Any, english: Any) -> None:
    """In a mirrored window the chart's value axis stays on the left of its plot."""
    from widgets.power_chart import PowerBalanceChart

    i18n.install_language("ar")
    chart = PowerBalanceChart()
    qtbot.addWidget(chart)
    chart.resize(1200, 600)
    chart.show()
    qtbot.waitUntil(lambda: chart.top.getViewBox().sceneBoundingRect().width() > 0)
    try:
        axis = chart.top.getAxis("left").sceneBoundingRect()
        view = chart.top.getViewBox().sceneBoundingRect()
        assert axis.center().x() < view.left()  # mirrored, it would be right of the plot
    finally:
        chart.stop()


def test_map_gpu_health_maintenance_and_shift_words_in_french(qtbot: Any, english: Any) -> None:
    """Words the core and the map keep as English constants are shown in French: the rack
    map's legend and hall labels, the GPU health headers and status words, a maintenance
    group, the report's shift label with French day and month names; English unchanged."""
    from console.gpu_health import status_word
    from console.handover.data import HandoverData
    from console.handover.report import report_html
    from console.handover.shift import ShiftWindow
    from console.maintenance import GROUPS
    from console.power import shift_name
    from widgets.gpu_health import GpuHealthView
    from widgets.rackmap_overlays import OVERLAYS
    from widgets.rackmap_paint import hall_label_forms, legend_items

    start = datetime(2025, 11, 28, 6, 0, tzinfo=ZoneInfo("Africa/Casablanca")).timestamp()
    shift = ShiftWindow(start, start + 8 * 3600, "Africa/Casablanca")
    assert shift.label_local().startswith("Fri 28 Nov 2025 06:00 – 14:00")
    assert shift_name(start, "Africa/Casablanca") == "06:00–14:00 Fri 28 Nov"
    i18n.install_language("fr")
    texts = [item.text for item in legend_items(OVERLAYS["inlet"], 3, 5.0)]
    assert texts[:2] == ["≤ 27 recommandé", "> 27 au-dessus du recommandé"]
    assert texts[4] == "pas de données : 3 baies"
    assert hall_label_forms({"id": "A", "gpu_model": "GB200"})[0] == "Salle A · GB200"
    assert hall_label_forms({"id": "A", "name": "Hall A"})[0] == "Salle A"  # the hub's default
    assert hall_label_forms({"id": "A", "name": "Hall North"})[0] == "Hall North"  # a name
    view = GpuHealthView()
    qtbot.addWidget(view)
    try:
        horizontal = Qt.Orientation.Horizontal
        rollup = [view.rollup_model.headerData(c, horizontal) for c in range(7)]
        assert rollup == ["Salle", "Modèle", "Total", "Sains", "Dégradés", "En panne",
                          "Hors du bus"]
        assert view.model.headerData(7, horizontal) == "Statut"
    finally:
        view.stop()
    assert status_word("off_bus") == "hors du bus"
    assert GROUPS["drain_reset"].label == "Vider le nœud et réinitialiser le GPU"
    assert GROUPS["drain_reset"].words == "Drain the node and reset the GPU"  # the key stays
    assert shift.label_local().startswith("ven. 28 nov. 2025 06:00 – 14:00")
    assert shift_name(start, "Africa/Casablanca") == "06:00–14:00 ven. 28 nov."
    page = report_html(HandoverData(shift=shift, site_name="Tétouan", source="sim://tetouan",
                                    generated=start + 8 * 3600))
    assert "ven. 28 nov. 2025" in page and "Fri 28 Nov" not in page


def test_gpu_faults_alarms_and_table_times_in_french(qtbot: Any, english: Any) -> None:
    """In French: an XID's cause and action, an alarm's message, area, action and state,
    a table's time with French month names and figures with French marks; the core keeps
    English (the journal, the maintenance list's cause) and English search still finds a
    GPU shown in French."""
    from console.alarms import RULES
    from console.alarms.phrases import JOB_OF_KILLED, ROW_HOT, local_area, local_message
    from console.alarms.rules import state_label
    from console.gpu_health import describe_gpu, local_action, local_cause
    from console.maintenance import GROUPS
    from widgets.alarm_model import clock_text
    from widgets.gpu_health import GpuHealthView, _describe_row

    record = {"status": "off_bus", "xid": 79, "temp_c": 60.0}
    cause, action = describe_gpu(record)
    assert cause == "XID 79: GPU has fallen off the bus (not reachable on PCIe)"
    message = ROW_HOT.format("A-03", 4, "inlet up to 41.5 °C (limit 32), GPUs up to 90.2 °C")
    killed = JOB_OF_KILLED.format(7, "\u2068Row 3 running hot\u2069", 4096, "once")
    zone = ZoneInfo("Africa/Casablanca")
    t = datetime(2025, 11, 28, 14, 3, tzinfo=zone).timestamp()
    assert clock_text(t, zone, t + 3 * 86400) == "28 Nov 14:03"
    i18n.install_language("fr")
    assert describe_gpu(record) == (cause, action)  # the core's data stays English
    assert local_cause(cause) == "XID 79 : Le GPU est tombé du bus (inaccessible sur PCIe)"
    assert local_action(action).startswith("Vider le nœud et le redémarrer électriquement")
    assert local_cause("XID 48: Uncorrectable (double-bit) ECC memory error (reported 3 "
                       "times in 24 h)") == ("XID 48 : Erreur mémoire ECC non corrigible "
                                             "(double bit) (signalé 3 fois en 24 h)")
    assert local_cause("Throttled: HW thermal slowdown, SW power cap at 91 °C") == (
        "Ralenti : ralentissement thermique matériel, plafond de puissance logiciel à 91 °C")
    assert local_message(message) == ("Rangée A-03 trop chaude : 4 baies, entrée jusqu'à "
                                      "41,5 °C (limite 32), GPU jusqu'à 90,2 °C")
    assert local_message("Chiller 2 tripped") == "Chiller 2 tripped"  # the hub's own words
    assert "\u2068Row 3 running hot\u2069" in local_message(killed)  # a tenant as written
    assert local_area("row A-03") == "rangée A-03" and local_area("A-03-05") == "A-03-05"
    assert RULES["cooling_loss"].advice.startswith("Envoyer le technicien")
    assert RULES["cooling_loss"].action.startswith("Send the facility technician")
    assert state_label("UNACK") == "Non acquittée"
    assert GROUPS["rma"].advice.startswith("Échec du remappage de ligne (plus de lignes de "
                                           "réserve) ou la même panne matérielle est revenue 3 fois")
    assert clock_text(t, zone, t + 3 * 86400) == "28 nov. 14:03"
    view = GpuHealthView()
    qtbot.addWidget(view)
    try:
        said_cause, said_action, status, _, words = _describe_row(record)
        assert said_cause.startswith("XID 79 : Le GPU est tombé du bus")
        assert status == "hors du bus"
        assert "fallen off the bus" in words and "tombé du bus" in words  # both searched
    finally:
        view.stop()


def test_summary_shares_keep_their_order_in_arabic(english: Any) -> None:
    """The GPU roll-up's "n (x %)" is isolated left to right in Arabic (no mirrored
    brackets) and written as before in English."""
    from console.gpu_health import RollupRow
    from widgets.gpu_health import rollup_rows

    rows = [RollupRow("A", "GB200", 1000, degraded=12)]
    assert rollup_rows(rows)[0][0][4] == "12 (1.20 %)"
    i18n.install_language("ar")
    assert rollup_rows(rows)[0][0][4] == "\u206612 (1,20 %)\u2069"


def test_report_sentences_pending_reasons_and_job_counts_in_french(qtbot: Any,
                                                                   english: Any) -> None:
    """In French: the report's alarm performance (a target, the floods and chattering
    lines), its handover line and the maintenance list's closing sentences; a pending
    reason and a job state; the job queue's counts line; a data kind inside an alarm
    message. English unchanged, the scheduler's own codes and the hub's words as written."""
    from console.alarms.phrases import NO_ANSWER, STALE, STALE_KIND, local_message
    from console.decode import jobs_from_records
    from console.handover.data import HandoverData
    from console.handover.record import HandoverRecord
    from console.handover.report import report_html
    from console.handover.shift import ShiftWindow
    from console.jobs import PartitionState, explain_pending, state_text
    from console.shiftlog.model import LogEntry
    from tests.console.test_jobs import NOW, job
    from widgets.jobs import COLUMN_KEYS, JobQueueView

    t = 1_780_012_800.0  # midnight UTC
    shift = ShiftWindow(t, t + 8 * 3600, "UTC")
    kpis = {"raised_alarms": 60, "raised_by_priority_alarms": {"critical": 2, "high": 58},
            "floods": [{"start_epoch_s": t + 60, "end_epoch_s": t + 660, "alarms": 14}],
            "chattering": [{"alarm_id": "inlet_high:A-01-01"}],
            "outside_target": ["flood_count"]}
    record = HandoverRecord.make("Amina", "Youssef", t + 8 * 3600, t + 8 * 3600 + 60, shift,
                                 summary="Hall B chiller 2 on watch")
    data = HandoverData(shift=shift, site_name="Tétouan", source="sim://tetouan",
                        generated=t + 8 * 3600, alarm_performance=kpis, handovers=(record,),
                        maintenance={"items": 0, "time": t, "list": [], "groups": {},
                                     "site_caused": 1234},
                        log_entries=(LogEntry(1, "u1", t + 60, "Amina", "safety", "Walkway wet",
                                              (("rack", "A-01-02"),)),))
    waiting = {"state": "PENDING", "partition": "gpu-h200", "gpus": 64}
    part = PartitionState("gpu-h200", total_gpus=2048, used_gpus=2000, pending_jobs=3)
    stale = STALE.format(STALE_KIND.format("Racks", 90.2), 60)
    lost = NO_ANSWER.format("racks, gpus", "12:00:03")

    page = report_html(data)
    for words in ("≤ 50 per 8 h shift", "Floods: 00:01:00–00:11:00 (14 alarms)",
                  "<b>Chattering:</b>", "Handed over by", "<b>Summary:</b>",
                  "1,234 throttled GPUs on racks", "critical 2, high 58", "<td>safety</td>",
                  "rack \u2068A-01-02\u2069"):
        assert words in page, words
    assert explain_pending("Resources", waiting, part) == (
        "waiting for 64 free GPUs in partition gpu-h200 (48 of 2,048 free now; "
        "3 jobs pending there)")
    assert state_text("RUNNING", "COMPLETING") == "RUNNING · completing"
    assert local_message(stale) == stale

    i18n.install_language("fr")
    page = report_html(data)
    for words in ("≤ 50 par poste de 8 h", "Avalanches : 00:01:00–00:11:00 (14 alarmes)",
                  "<b>Alarmes intermittentes :</b>", "Transmis par", "<b>Résumé :</b>",
                  "1.234 GPU ralentis sur des baies", "critique 2, haute 58",
                  "<td>sécurité</td>", "baie \u2068A-01-02\u2069"):
        assert words in page, words
    for words in ("per 8 h shift", "Floods:", "Chattering:", "Handed over by", "Summary:",
                  "throttled GPUs", "(site time)"):
        assert words not in page, words
    assert explain_pending("Resources", waiting, part) == (
        "attend 64 GPU libres dans la partition gpu-h200 (48 sur 2.048 libres maintenant; "
        "3 jobs en attente là)")
    assert explain_pending("Priority", waiting) == (
        "en file derrière des jobs plus prioritaires dans la partition gpu-h200")
    assert explain_pending("SomeNewCode", waiting) == "en attente : raison Slurm SomeNewCode"
    assert state_text("RUNNING", "COMPLETING") == "EN COURS · completing"  # Slurm's flag
    assert state_text("REQUEUE_HOLD") == "REQUEUE_HOLD"  # a state of the scheduler's own
    assert local_message(stale) == "Données des baies vieilles de 90 s (limite 60 s)"
    assert local_message(lost).endswith("pour baies, GPU depuis 12:00:03 UTC")

    view = JobQueueView()
    qtbot.addWidget(view)
    try:
        view.apply(jobs_from_records([job(id=i, state="RUNNING") for i in range(1, 1201)]
                                     + [job(id=2000, state="PENDING")], NOW, received=NOW))
        view.flush()
        counts = view.counts_label.text()
        assert "EN COURS 1.200" in counts and "EN ATTENTE 1" in counts, counts
        assert "1.201 jobs affichés sur 1.201" in counts, counts
        assert "showing" not in counts and "RUNNING" not in counts
        assert view.state_box.itemText(view.state_box.findData("PENDING")) == "EN ATTENTE"
        column = COLUMN_KEYS.index("state")  # the longest French state whole
        assert view.table.columnWidth(column) > view.table.fontMetrics().horizontalAdvance(
            "EN FINALISATION")
    finally:
        view.stop()


def test_gpu_rollup_shares_are_whole_in_french_and_arabic(qtbot: Any, english: Any) -> None:
    """The roll-up's count and share columns are as wide as their widest figure and their
    translated header ("Sains", "سليمة"): a 1,920-px window never cuts them."""
    from console.gpu_health import RollupRow
    from widgets.gpu_health import GpuHealthView, rollup_rows

    for lang in ("fr", "ar"):
        i18n.install_language(lang)
        view = GpuHealthView()
        qtbot.addWidget(view)
        try:
            view.resize(640, 400)
            view.show()
            view.rollup_model.set_rows(*rollup_rows(
                [RollupRow("A", "GB200", 34560, degraded=5, failed=11, off_bus=4)]))
            model, table = view.rollup_model, view.rollup_table
            qtbot.waitUntil(table.isVisible)
            header = table.horizontalHeader()
            metrics = table.fontMetrics()
            for col in range(2, model.columnCount()):
                title = model.headerData(col, Qt.Orientation.Horizontal)
                need = header.fontMetrics().horizontalAdvance(title)
                for row in range(model.rowCount()):
                    text = model.index(row, col).data() or ""
                    need = max(need, metrics.horizontalAdvance(text))
                assert header.sectionSize(col) >= need, (lang, title)
        finally:
            view.stop()


def test_alarm_kpi_panel_in_french_and_arabic(qtbot: Any, english: Any) -> None:
    """The alarm performance panel says a priority and a duration in the language (the
    alarm's id as written); English unchanged."""
    from console.alarms.kpis import alarm_kpis
    from tests.console.alarms.test_alarm_kpis import H, T, entry, flood_journal
    from widgets.alarm_kpis import AlarmKpiPanel

    journal = flood_journal() + [entry(T + 2 * H, "envelope_high:site", "UNACK",
                                       priority="critical")]
    kpis = alarm_kpis(journal, T, T + 8 * H)
    said = {}
    for lang in ("en", "fr", "ar"):
        i18n.install_language(lang)
        panel = AlarmKpiPanel()
        qtbot.addWidget(panel)
        panel.set_kpis(kpis, (T, T + 8 * H))
        said[lang] = (panel.top.text(), panel.values["flood_count"].text())
    assert "1 × envelope_high:site (critical)" in said["en"][0]
    assert said["en"][1] == "1 (9 min 00 s in all, longest 9 min 00 s)"
    assert "1 × envelope_high:site (critique)" in said["fr"][0]
    assert "9 min 00 s" in said["fr"][1] and "in all" not in said["fr"][1]
    assert "9 د 00 ث" in said["ar"][1] and "min" not in said["ar"][1]


def test_steering_advice_in_french_and_arabic(english: Any) -> None:
    from console.steering import Advice, advice_text

    t0 = 1_764_424_800.0  # Sat 29 Nov 2025 14:00 UTC
    advice = Advice(True, move_mw=12.0, from_start=t0 + 4 * 3600, from_end=t0 + 8 * 3600,
                    to_start=t0 + 21 * 3600, to_end=t0 + 25 * 3600, horizon_start=t0,
                    horizon_end=t0 + 24 * 3600, share_before_pct=41.0, share_after_pct=47.0,
                    co2_avoided_t=35.0)
    english_text = advice_text(advice, "UTC", t0)
    assert english_text.startswith("Moving 12 MW of deferrable work from 18:00–22:00 to "
                                   "tomorrow 11:00–15:00 raises")
    i18n.install_language("fr")
    try:
        french = advice_text(advice, "UTC", t0)
        assert french.startswith("Déplacer 12 MW de travail différable de 18:00–22:00 à "
                                 "demain 11:00–15:00") and "évite 35 t de CO2" in french
        assert advice_text(Advice(False, "no forecast"), "UTC", t0) == \
            "Aucun conseil : pas de prévision."
        i18n.install_language("ar")
        assert advice_text(advice, "UTC", t0).startswith("نقل 12 ميغاواط")
    finally:
        i18n.install_language("en")
    assert advice_text(advice, "UTC", t0) == english_text
