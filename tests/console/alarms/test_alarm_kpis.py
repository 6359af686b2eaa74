"""Alarm KPIs (EEMUA 191 / ISA-18.2) from hand-made journals, their panel and the handover."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from console.alarms.kpis import (
    TARGETS,
    alarm_kpis,
    floods,
    max_in_window,
    raised_within,
    shift_kpis,
)
from console.alarms.service import AlarmService
from console.handover import ShiftWindow, build_handover
from console.handover.report import report_html

T = 1_780_030_800.0  # Fri 29 May 2026 06:00 site time: the start of a shift
H = 3600.0


def entry(t: float, alarm_id: str, to: str, frm: str = "NORMAL", priority: str = "medium",
          operator: str = "") -> dict[str, Any]:
    return {"time": t, "alarm_id": alarm_id, "source": alarm_id.split(":", 1)[0],
            "rack": "A-03-07", "priority": priority, "state_from": frm, "state_to": to,
            "operator": operator, "comment": "", "message": f"{alarm_id} {to}"}


def flood_journal() -> list[dict[str, Any]]:
    """12 alarms in 220 s at 06:05, then a quiet shift."""
    return [entry(T + 300 + 20 * k, f"pdu_high:A-01-{k:02d}", "UNACK", priority="low")
            for k in range(12)]


# -- figures ---------------------------------------------------------------------------------
def test_flood_rate_and_priority_mix() -> None:
    k = alarm_kpis(flood_journal(), T, T + 8 * H)
    assert k.raised == 12 and k.raised_by_priority["low"] == 12
    assert k.per_10min_max == 12 and k.per_10min_max_at == T + 300
    assert k.per_10min_avg == pytest.approx(12 / 48)
    assert k.per_day == pytest.approx(36)
    assert len(k.floods) == 1
    flood = k.floods[0]
    # starts at the 11th alarm in 10 min; ends when the 8th ages out (4 left < 5)
    assert flood.start == T + 300 + 200 and flood.end == T + 300 + 140 + 600
    assert flood.alarms == 12 and not flood.ongoing
    assert k.flood_s == k.longest_flood_s == pytest.approx(540)
    assert k.priority_mix_pct == {"critical": 0.0, "high": 0.0, "medium_low": 100.0}
    assert set(k.outside_target()) == {"alarms_per_10min_max", "flood_count", "standing_at_end"}


def test_flood_still_on_at_the_end_and_ten_is_no_flood() -> None:
    times = [T + 10 * k for k in range(30)]
    (flood,) = floods(times, T + 200)
    assert flood.ongoing and flood.end == T + 200 and flood.start == T + 100
    assert floods(times[:10], T + H) == []
    assert max_in_window(times[:10]) == (10, T)


def test_chattering_alarm() -> None:
    j = []
    for k in range(3):  # raised 3 times within 50 s, returning in between
        j.append(entry(T + 100 + 25 * k, "inlet_high:B-02-03", "UNACK",
                       "NORMAL" if k == 0 else "RTN_UNACK"))
        j.append(entry(T + 110 + 25 * k, "inlet_high:B-02-03", "RTN_UNACK", "UNACK"))
    for k in range(3):  # raised 3 times, 40 s apart: 80 s in all, not chattering
        j.append(entry(T + 1000 + 40 * k, "pdu_high:C-01-01", "UNACK",
                       "NORMAL" if k == 0 else "RTN_UNACK"))
        j.append(entry(T + 1010 + 40 * k, "pdu_high:C-01-01", "RTN_UNACK", "UNACK"))
    j.sort(key=lambda e: e["time"])
    k = alarm_kpis(j, T, T + 8 * H)
    assert k.raised == 6
    assert [(c.alarm_id, c.count) for c in k.chattering] == [("inlet_high:B-02-03", 3)]
    assert [(c.alarm_id, c.count) for c in k.top_alarms] == [
        ("inlet_high:B-02-03", 3), ("pdu_high:C-01-01", 3)]
    assert [(c.rule, c.count) for c in k.top_rules] == [("inlet_high", 3), ("pdu_high", 3)]
    assert k.standing == () and k.unacknowledged == 2  # both returned, never acknowledged
    assert "chattering_count" in k.outside_target()


def test_stale_and_standing_alarms() -> None:
    j = [
        entry(T - 30 * H, "cooling_loss:row:A-03", "UNACK", priority="high"),
        entry(T - 29 * H, "cooling_loss:row:A-03", "ACKED", "UNACK", "high", "Samira"),
        entry(T - 2 * H, "envelope_high:site", "UNACK", priority="critical"),
        entry(T + 60, "pdu_high:A-01-01", "UNACK", priority="low"),
        entry(T + 120, "pdu_high:A-01-01", "RTN_UNACK", "UNACK", priority="low"),
    ]
    k = alarm_kpis(j, T, T + 8 * H)
    assert k.raised == 1  # only the one raised inside the window
    assert [(a.alarm_id, a.state) for a in k.standing] == [
        ("envelope_high:site", "UNACK"), ("cooling_loss:row:A-03", "ACKED")]
    assert k.standing_by_priority["critical"] == 1 and k.standing_by_priority["high"] == 1
    assert [a.alarm_id for a in k.stale] == ["cooling_loss:row:A-03"]
    assert k.stale[0].since == T - 30 * H
    assert k.unacknowledged == 2  # the envelope alarm and the returned pdu_high
    d = k.as_dict()
    assert d["stale"][0]["standing_h"] == pytest.approx(38.0)
    assert d["standing_by_priority_alarms"]["critical"] == 1


def test_time_to_acknowledge() -> None:
    j = []
    for n, delay in enumerate((30, 60, 90, 120, 600)):
        aid = f"inlet_high:A-0{n}-01"
        j.append(entry(T + 1000 * n, aid, "UNACK"))
        j.append(entry(T + 1000 * n + delay, aid, "ACKED", "UNACK", operator="Samira"))
    j.append(entry(T + 9000, "pdu_high:A-09-01", "UNACK"))  # returned, then acknowledged
    j.append(entry(T + 9100, "pdu_high:A-09-01", "RTN_UNACK", "UNACK"))
    j.append(entry(T + 9300, "pdu_high:A-09-01", "NORMAL", "RTN_UNACK", operator="Samira"))
    j.append(entry(T + 9400, "pdu_high:A-09-02", "UNACK"))  # collapsed: no operator, no ack
    j.append(entry(T + 9500, "pdu_high:A-09-02", "NORMAL", "UNACK"))
    j.append(entry(T + 9600, "pdu_high:A-09-03", "UNACK"))  # still waiting
    k = alarm_kpis(j, T, T + 8 * H)
    assert k.ack_times_s == (30, 60, 90, 120, 300, 600)
    assert k.ack_percentile_s(50) == pytest.approx(105)
    assert k.ack_percentile_s(90) == pytest.approx(450)
    d = k.as_dict()
    assert (d["ack_time_median_s"], d["ack_time_max_s"], d["acknowledged_count"]) == (
        105.0, 600.0, 6)
    assert d["unacknowledged_count"] == 1


def test_planned_shelves_operator_actions_and_order() -> None:
    j = [
        entry(T + 50, "plan:hall-C", "SHELVED", operator="Samira"),
        entry(T + 60, "plan:hall-C", "UNACK"),  # a planned-shelf record, never an alarm
        entry(T + 100, "cooling_loss:row:A-03", "UNACK", priority="high"),
        entry(T + 200, "cooling_loss:row:A-03", "SHELVED", "UNACK", "high", "Samira"),
        entry(T + 3800, "cooling_loss:row:A-03", "UNACK", "SHELVED", "high"),  # shelf expired
    ]
    j = [dict(e, time=np.float64(e["time"])) for e in reversed(j)]  # any order, numpy times
    k = alarm_kpis(j, T, T + 8 * H)
    assert k.raised == 1 and k.shelved == 1 and k.shelved_at_end == 0
    assert [a.alarm_id for a in k.standing] == ["cooling_loss:row:A-03"]
    assert k.standing[0].since == T + 100
    cut = alarm_kpis(j, T, T + 8 * H, now=T + 1000)
    assert cut.end == T + 1000 and cut.shelved_at_end == 1 and cut.standing == ()
    assert cut.per_10min_avg == pytest.approx(1 / (1000 / 600))


def test_empty_window_and_dict_units() -> None:
    k = alarm_kpis([], T, T + 8 * H)
    assert k.raised == 0 and math.isnan(k.priority_pct("critical"))
    assert k.within_target("critical_pct") is None and k.outside_target() == []
    d = k.as_dict()
    json.dumps(d, allow_nan=False)  # NaN became null
    assert d["priority_mix_pct"]["critical"] is None and d["ack_time_median_s"] is None
    assert set(d["targets"]) == set(TARGETS)
    for key in ("raised_alarms", "alarms_per_10min_avg", "alarms_per_10min_max",
                "flood_total_s", "longest_flood_s", "standing_at_end_alarms",
                "ack_time_p90_s", "shelved_count", "chattering_count"):
        assert key in d


def test_max_in_window_excludes_incidents_and_shift_slicing() -> None:
    times = [T + 10 * k for k in range(8)] + [T + H + 100 * k for k in range(3)]
    assert max_in_window(times) == (8, T)
    assert max_in_window(times, exclude=[(T - 600, T + 700)]) == (3, T + H)
    k = alarm_kpis(flood_journal(), T, T + 8 * H)
    assert raised_within(k, T + 300, T + 400) == 5
    journal = [entry(T - 5 * 86_400, "old:x", "UNACK"), *flood_journal(),
               entry(T + 9 * H, "later:x", "UNACK")]
    k2, (start, end) = shift_kpis(journal, T + H)
    assert (start, end) == (T, T + 8 * H) and k2.end == T + H
    assert k2.raised == 12 and [a.alarm_id for a in k2.standing if a.alarm_id == "old:x"] == []


def test_a_day_of_entries_is_fast_enough_to_run_often() -> None:
    """Not a timing test: 10,000 entries give consistent figures."""
    rng = np.random.default_rng(1)
    times = np.sort(T + rng.uniform(0, 86_400, 10_000)).tolist()
    j = [entry(t, f"r{i % 300}:x", "UNACK" if i % 2 == 0 else "NORMAL",
               "NORMAL" if i % 2 == 0 else "UNACK") for i, t in enumerate(times)]
    k = alarm_kpis(j, T, T + 86_400)
    assert k.raised == sum(1 for e in j if e["state_to"] == "UNACK")
    assert len(k.raise_times) == k.raised and list(k.raise_times) == sorted(k.raise_times)


# -- the panel -------------------------------------------------------------------------------
def test_panel_shows_figures_and_colours_only_outside_target(qtbot: Any) -> None:
    from widgets.alarm_kpis import GREY, OUTSIDE, AlarmKpiPanel

    panel = AlarmKpiPanel()
    qtbot.addWidget(panel)
    j = flood_journal() + [entry(T + 2 * H, "envelope_high:site", "UNACK", priority="critical"),
                           entry(T + 2 * H + 45, "envelope_high:site", "ACKED", "UNACK",
                                 "critical", "Samira")]
    panel.set_kpis(*shift_kpis(j, T + 3 * H))
    panel.show()
    k = panel.kpis
    assert k is not None and k.raised == 13
    assert panel.values["raised"].text().startswith("13")
    assert panel.values["alarms_per_10min_max"].text() == "12"
    assert panel.values["ack"].text().startswith("45 s")
    assert "pdu_high:A-01-00" in panel.top.text()
    assert "06:00" in panel.title.text()
    outside = set(panel.outside_keys())
    # 13 alarms are too few to judge the priority mix (1 critical would be 7.7 %)
    assert outside == {"alarms_per_10min_max", "flood_count", "standing_at_end"}
    assert k.within_target("critical_pct") is None
    assert OUTSIDE not in panel.values["alarms_per_10min_avg"].styleSheet()
    assert GREY in panel.values["alarms_per_10min_avg"].styleSheet()
    assert OUTSIDE not in panel.values["raised"].styleSheet()
    # a figure back within target loses its colour
    panel.set_kpis(alarm_kpis([], T, T + 8 * H), (T, T + 8 * H))
    assert panel.outside_keys() == []
    panel.set_kpis(None)
    assert "no alarm journal" in panel.title.text()


def test_panel_sits_under_the_alarm_list_in_the_main_window(qtbot: Any) -> None:
    from PySide6.QtCore import QSettings

    from widgets.alarm_kpis import AlarmKpiPanel
    from widgets.main_window import MainWindow

    window = MainWindow("test", settings=QSettings("test", "alarm-kpis"), clock=lambda: T + H)
    qtbot.addWidget(window)
    assert isinstance(window.alarm_kpis, AlarmKpiPanel)
    assert window.docks["alarms"].widget().objectName() == "alarmSplit"
    assert window.alarm_kpis.isAncestorOf(window.alarm_kpis.values["raised"])
    service = AlarmService(cache=JournalOnly(), clock=lambda: T + H)
    update = service.on_poll("racks", None, True, T + H)  # the cached journal, computed
    window.on_alarms(update)  # on the worker, arrives with the alarm update
    assert window.alarm_kpis.kpis is not None and window.alarm_kpis.kpis.raised == 12
    assert window.alarm_kpis.values["alarms_per_10min_max"].text() == "12"
    window.stop()


# -- the handover ----------------------------------------------------------------------------
def test_handover_summary_and_report_carry_alarm_kpis() -> None:
    shift = ShiftWindow(T, T + 8 * H)
    j = flood_journal() + [entry(T + 9 * H, "after:x", "UNACK")]
    data = build_handover(shift, journal=j)
    summary = json.loads(json.dumps(data.to_summary_json(), allow_nan=False))
    k = summary["alarm_kpis"]
    assert k["raised_alarms"] == 12 and k["flood_count"] == 1
    assert k["alarms_per_10min_max"] == 12 and k["window"]["span_h"] == 8.0
    assert k["top_alarms"][0]["count"] == 1 and "flood_count" in k["outside_target"]
    html = report_html(data)
    assert "Alarm performance" in html and "outside target" in html
    assert "pdu_high:A-01-00" in html
    live = build_handover(shift, standing=[])
    assert live.to_summary_json()["alarm_kpis"] is None
    assert "Needs the alarm journal" in report_html(live)


class JournalOnly:
    """A cache whose journal holds the flood (and can fail to be read)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.asked: list[tuple[Any, Any]] = []
        self.written: list[dict[str, Any]] = []

    def journal(self, start: Any, end: Any) -> list[dict[str, Any]]:
        self.asked.append((start, end))
        if self.fail:
            raise OSError("disk gone")
        return flood_journal()

    def append_journal(self, entries: Any) -> None:
        self.written.extend(entries)


def test_the_alarm_service_computes_the_shift_kpis_from_the_cached_journal() -> None:
    cache = JournalOnly()
    service = AlarmService(cache=cache, clock=lambda: T + H)
    update = service.on_poll("racks", None, True, T + H)
    kpis, shift, _since = update.kpis
    assert kpis.raised == 12 and shift == (T, T + 8 * H)
    assert len(cache.asked) == 1 and cache.asked[0][1] is None  # read once, at resume
    assert service.on_poll("racks", None, True, T + H + 1).kpis is None  # nothing new
    service.on_poll("racks", None, False, T + H + 2)  # comm loss: journaled
    again = service.on_poll("racks", None, False, T + H + 20)
    assert again.kpis is not None and again.kpis[0].raised == 13
    assert cache.written and cache.written[-1]["alarm_id"] == "comm_loss:source"
    broken = AlarmService(cache=JournalOnly(fail=True), clock=lambda: T + H)
    assert broken.on_poll("racks", None, True, T + H).kpis[0].raised == 0  # logged, not raised


def test_review_computes_the_shift_around_the_scrubbed_time(qtbot: Any, tmp_path: Any) -> None:
    from console.cache import Cache
    from console.decode import decode_racks, decode_site
    from console.hub.sim import SimulatedHub
    from widgets.review import open_review_window

    hub = SimulatedHub("rack", seed=3, start=T)
    path = tmp_path / "shift.db"
    cache = Cache.open(path)
    topo = decode_site(hub.site())
    cache.write_poll([topo], topology=topo)
    for _ in range(10):
        hub.step(hub.now + 60)
        cache.write_poll([decode_racks(hub.racks(), topo)], topology=topo)
    cache.append_journal(flood_journal())
    cache.close()
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.feed.alarmKpisReady, timeout=20_000) as got:
        window.feed.start()
    kpis, shift = got.args[0]
    assert shift == (T, T + 8 * H) and kpis.end == pytest.approx(T + 600)
    assert kpis.raised == 12 and window.alarm_kpis.kpis is kpis
    assert window.alarm_kpis.values["flood_count"].text().startswith("1")
    with qtbot.waitSignal(window.feed.alarmKpisReady, timeout=20_000) as got:
        window.scrubber.seek(T + 360)
    assert got.args[0][0].raised == 3  # raised at 06:05:00, 06:05:20 and 06:05:40
    window.close()


def test_the_shift_of_the_kpis_is_the_site_zones() -> None:
    """Before: the shift was cut in the default zone (Casablanca) whatever the site's."""
    from console.decode import decode_site
    from console.hub.sim import SimulatedHub
    from console.power import SHIFTS, shift_bounds

    now = T + H
    site = decode_site({**SimulatedHub("rack", seed=1, start=now).site(),
                        "timezone": "America/New_York"})
    service = AlarmService(cache=JournalOnly(), clock=lambda: now)
    update = service.on_poll("site", site, True, now)
    assert update.kpis is not None
    assert update.kpis[1] == shift_bounds(now, "America/New_York", SHIFTS)
    assert update.kpis[1] != shift_bounds(now, "Africa/Casablanca", SHIFTS)
