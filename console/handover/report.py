"""The handover report as HTML for ``QTextDocument`` (Qt-free string building).

Every piece of text that comes from the hub or its tenants (job, user and tenant names,
alarm messages, rack ids, incident titles and notes, operator notes) goes through
:func:`html.escape`; nothing from outside is ever interpreted as markup. Names and messages
from outside are also bidi-isolated and cut to a bound (:func:`outside`): a right-to-left
override in the site's name never reorders the header around it, and a 100,000-character
rack id never fills pages. Shift-log entries and the handover's summary are plain text
too: escaped, each line bidi-isolated on its own, line breaks kept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from console.handover.data import HandoverData
from console.handover.kpis import ENERGY_SOURCES, GPU_STATES
from console.i18n import QT_TRANSLATE_NOOP, number, strftime, translate
from console.shiftlog.model import MAX_TEXT, LogEntry
from console.text import TEXT_CHARS, clip, isolate, strip_bidi

VIEW_TITLES: tuple[tuple[str, str], ...] = (
    ("rackmap", QT_TRANSLATE_NOOP("Report", "Rack map")),
    ("gpus", QT_TRANSLATE_NOOP("Report", "GPU health")),
    ("power", QT_TRANSLATE_NOOP("Report", "Power balance")),
    ("jobs", QT_TRANSLATE_NOOP("Report", "Job queue")),
    ("alarms", QT_TRANSLATE_NOOP("Report", "Alarms")),
)
"""Views in the pack, in report order: (key in ``MainWindow.views``, title in English:
``translate("Report", title)`` in the chosen language)."""
MAX_JOURNAL_ROWS = 150
MAX_LIST_ROWS = 60
MAX_RACKS_LISTED = 24
MAX_LOG_ROWS = 200
"""Shift-log entries (and open items) the PDF lists; all are in summary.json and the CSVs."""

SUPPLY_NOTE = QT_TRANSLATE_NOOP("Report", "Supply = solar + wind + battery discharge + grid import; the battery charge and curtailment are renewable energy not used by the facility.")  # noqa: E501
_WORDS = (  # the words of tables, labels from elsewhere: marked here, translated where shown
    QT_TRANSLATE_NOOP("Report", "Figure"), QT_TRANSLATE_NOOP("Report", "Value"),
    QT_TRANSLATE_NOOP("Report", "Unit"), QT_TRANSLATE_NOOP("Report", "Source / load"),
    QT_TRANSLATE_NOOP("Report", "Energy"), QT_TRANSLATE_NOOP("Report", "Status"),
    QT_TRANSLATE_NOOP("Report", "Shift start"), QT_TRANSLATE_NOOP("Report", "Shift end"),
    QT_TRANSLATE_NOOP("Report", "Change"), QT_TRANSLATE_NOOP("Report", "Job"),
    QT_TRANSLATE_NOOP("Report", "Name"), QT_TRANSLATE_NOOP("Report", "Tenant"),
    QT_TRANSLATE_NOOP("Report", "User"), QT_TRANSLATE_NOOP("Report", "State"),
    QT_TRANSLATE_NOOP("Report", "GPUs"), QT_TRANSLATE_NOOP("Report", "Ended"),
    QT_TRANSLATE_NOOP("Report", "Count"), QT_TRANSLATE_NOOP("Report", "By priority"),
    QT_TRANSLATE_NOOP("Report", "Priority"), QT_TRANSLATE_NOOP("Report", "Area"),
    QT_TRANSLATE_NOOP("Report", "Since"), QT_TRANSLATE_NOOP("Report", "Message"),
    QT_TRANSLATE_NOOP("Report", "Operator — comment"), QT_TRANSLATE_NOOP("Report", "Time"),
    QT_TRANSLATE_NOOP("Report", "Transition"), QT_TRANSLATE_NOOP("Report", "Operator"),
    QT_TRANSLATE_NOOP("Report", "Comment / message"), QT_TRANSLATE_NOOP("Report", "Shift"),
    QT_TRANSLATE_NOOP("Report", "Target"), QT_TRANSLATE_NOOP("Report", "Alarm"),
    QT_TRANSLATE_NOOP("Report", "Rule"), QT_TRANSLATE_NOOP("Report", "Raised"),
    QT_TRANSLATE_NOOP("Report", "Action"), QT_TRANSLATE_NOOP("Report", "Devices"),
    QT_TRANSLATE_NOOP("Report", "Rack"), QT_TRANSLATE_NOOP("Report", "GPU"),
    QT_TRANSLATE_NOOP("Report", "UUID"), QT_TRANSLATE_NOOP("Report", "Cause"),
    QT_TRANSLATE_NOOP("Report", "Job / tenant"), QT_TRANSLATE_NOOP("Report", "First seen"),
    QT_TRANSLATE_NOOP("Report", "Author"), QT_TRANSLATE_NOOP("Report", "Category"),
    QT_TRANSLATE_NOOP("Report", "Text"), QT_TRANSLATE_NOOP("Report", "Links"),
    # console.handover.kpis.ENERGY_SOURCES
    QT_TRANSLATE_NOOP("Report", "Solar"), QT_TRANSLATE_NOOP("Report", "Wind"),
    QT_TRANSLATE_NOOP("Report", "Battery discharge"), QT_TRANSLATE_NOOP("Report", "Grid import"),
    QT_TRANSLATE_NOOP("Report", "Battery charge"), QT_TRANSLATE_NOOP("Report", "Curtailment"),
    QT_TRANSLATE_NOOP("Report", "Facility load"), QT_TRANSLATE_NOOP("Report", "IT load"),
    # words said inside f-strings (lupdate reads no f-string)
    QT_TRANSLATE_NOOP("Report", "No power data: {0}"),
    QT_TRANSLATE_NOOP("Report", "Alarm performance (EEMUA 191 / ISA-18.2)"),
    QT_TRANSLATE_NOOP("Report", "Alarms"),
    QT_TRANSLATE_NOOP("Report", "Energy by source"),
    QT_TRANSLATE_NOOP("Report", "GPU health"),
    QT_TRANSLATE_NOOP("Report", "Handover"),
    QT_TRANSLATE_NOOP("Report", "Incidents"),
    QT_TRANSLATE_NOOP("Report", "Items cleared this shift"),
    QT_TRANSLATE_NOOP("Report", "Jobs"),
    QT_TRANSLATE_NOOP("Report", "Maintenance list"),
    QT_TRANSLATE_NOOP("Report", "Most frequent alarms"),
    QT_TRANSLATE_NOOP("Report", "Open items carried forward"),
    QT_TRANSLATE_NOOP("Report", "Operator notes"),
    QT_TRANSLATE_NOOP("Report", "Power and energy"),
    QT_TRANSLATE_NOOP("Report", "Shift handover"),
    QT_TRANSLATE_NOOP("Report", "Shift log"),
    QT_TRANSLATE_NOOP("Report", "outside target"),
    QT_TRANSLATE_NOOP("Report", "within"),
    # GPU states
    QT_TRANSLATE_NOOP("Report", "Healthy"), QT_TRANSLATE_NOOP("Report", "Degraded"),
    QT_TRANSLATE_NOOP("Report", "Failed"), QT_TRANSLATE_NOOP("Report", "Off the bus (XID 79)"),
)

_STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 17pt; margin: 0 0 4px 0; }
h2 { font-size: 12.5pt; margin: 14px 0 4px 0; color: #1a3a5a; }
h3 { font-size: 10.5pt; margin: 10px 0 3px 0; }
th { background-color: #e3e6ea; text-align: left; font-weight: bold; }
td.num { text-align: right; }
.muted { color: #555; }
.warn { color: #7a4a00; }
h2.open { color: #7a4a00; }
"""


def outside(value: Any, limit: int = TEXT_CHARS) -> str:
    """Text from outside as report HTML: bidi-isolated, cut to ``limit`` characters,
    escaped ('' for None or empty)."""
    return escape(isolate(value, limit), quote=False)


def site_title(name: Any) -> str:
    """The site's name for a page header or a title (plain text, isolated, 'Site' when the
    layout gives none)."""
    return isolate(name, 80) or translate("Report", "Site")


def num(value: Any, digits: int = 1) -> str:
    """A figure for the report: thousands separators, 'n/a' for missing."""
    if value is None:
        return NA()
    try:
        v = float(value)
    except (TypeError, ValueError):
        return escape(str(value))
    if not math.isfinite(v):
        return NA()
    return number(f"{v:,.{digits}f}")


def NA() -> str:  # noqa: N802
    """'n/a' in the chosen language."""
    return translate("Report", "n/a")


def clock(t: Any, tz: str, day: bool = False) -> str:
    """Local time of an epoch time ('14:03:20', or with the date when ``day``)."""
    try:
        v = float(t)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(v):
        return "—"
    try:
        moment = datetime.fromtimestamp(v, ZoneInfo(tz))
    except (ValueError, OverflowError, OSError):  # a time no calendar holds (-1e308)
        return "—"
    return strftime(moment, "%d %b %H:%M:%S" if day else "%H:%M:%S")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = (),
           widths: Sequence[int] | None = None) -> str:
    """A table; ``rows`` hold already-escaped HTML fragments."""
    head = "".join(
        "<th" + (f' width="{widths[i]}%"' if widths else "")
        + (' align="right"' if i in numeric else "") + f">{escape(translate('Report', h))}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num" align="right">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="3" width="100%" '
        f'style="border-collapse: collapse; border-color: #9aa0a6;"><thead><tr>{head}</tr></thead>'
        + "".join(body) + "</table>"
    )


def _header(d: HandoverData) -> str:
    tz = d.shift.tz
    gen = datetime.fromtimestamp(d.generated, ZoneInfo(tz))
    gen_utc = datetime.fromtimestamp(d.generated, ZoneInfo("UTC"))
    site = escape(site_title(d.site_name), quote=False)
    rows = [
        (translate("Report", "Shift (site time)"), escape(d.shift.label_local())),
        (translate("Report", "Shift (UTC)"), escape(d.shift.label_utc())),
        (translate("Report", "Source"), outside(d.source) or "—"),
        (translate("Report", "Generated"), escape(translate(
            "Report", "{0} site time · {1} UTC").format(strftime(gen, "%d %b %Y %H:%M"),
                                                        f"{gen_utc:%H:%M}"))),
    ]
    if d.view_time is not None:
        rows.append((translate("Report", "Screenshots show"), escape(translate(
            "Report", "{0} site time").format(clock(d.view_time, tz, day=True)))))
    if d.shift.partial and d.shift.nominal_end is not None:
        rows.append((translate("Report", "Status"), escape(translate(
            "Report", "shift in progress: figures up to {0}, planned end {1}").format(
            clock(d.shift.end, tz), clock(d.shift.nominal_end, tz)))))
    info = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
    out = [f"<h1>{escape(translate('Report', 'Shift handover'))} — {site}</h1>",
           f'<table cellspacing="0" cellpadding="2">{info}</table>']
    if d.missing:
        words = {"site": translate("Report", "Site layout"),
                 "racks": translate("Report", "Rack map"),
                 "gpus": translate("Report", "GPU health"),
                 "jobs": translate("Report", "Job queue"),
                 "power": translate("Report", "Power and supply"),
                 "events": translate("Report", "Hub events")}
        items = "".join(f"<li><b>{escape(words.get(k, k))}:</b> {outside(r, 600)}</li>"
                        for k, r in d.missing.items())
        out.append('<p class="warn"><b>'
                   + escape(translate("Report", "Not in this pack (could not be read):"))
                   + f'</b></p><ul class="warn">{items}</ul>')
    if d.warnings:
        items = "".join(f"<li>{outside(w, 600)}</li>" for w in d.warnings)
        out.append('<p class="warn"><b>' + escape(translate("Report", "Limits of this report:"))
                   + f'</b></p><ul class="warn">{items}</ul>')
    return "".join(out)


def _power(d: HandoverData) -> str:
    p = d.power
    e = p.get("energy_mwh", {})
    na: Mapping[str, str] = p.get("not_available", {})
    flows: Mapping[str, str] = p.get("missing_flows", {})

    def val(key: str, digits: int = 1, why: str | None = None) -> str:
        text = num(p.get(key), digits) if why is None else num(e.get(key), digits)
        reason = na.get(key) if why is None else why
        if text == NA() and reason and reason != whole:
            text += f' <span class="muted">({escape(reason)})</span>'
        return text

    whole = d.missing.get("power")  # said once, above the table

    kpis = [
        (translate("Report", "Facility load, average"), val("facility_avg_mw"), "MW"),
        (translate("Report", "Facility load, peak"), val("facility_peak_mw"), "MW"),
        (translate("Report", "IT load, average"), val("it_avg_mw"), "MW"),
        (translate("Report", "IT load, peak"), val("it_peak_mw"), "MW"),
        (translate("Report", "Renewable share (energy-weighted)"), val("renewable_share_pct"),
         "%"),
        (translate("Report", "PUE (energy-weighted)"), val("pue", 3), "—"),
        (translate("Report", "Carbon intensity, average"), val("carbon_g_per_kwh"), "gCO2/kWh"),
        (translate("Report", "Carbon emitted"), val("carbon_t"), "t CO2"),
        (translate("Report", "Power data coverage"), val("coverage_pct"),
         escape(translate("Report", "% of the shift"))),
    ]
    kpis = [(escape(label), value, unit) for label, value, unit in kpis]
    if d.capacity_mw and math.isfinite(d.capacity_mw):
        kpis.insert(2, (escape(translate("Report", "Peak as share of the envelope")),
                        num(100.0 * float(p.get("facility_peak_mw") or math.nan) / d.capacity_mw),
                        escape(translate("Report", "% of {0} MW").format(num(d.capacity_mw, 0)))))
    energy_rows = [(escape(translate("Report", label)), val(key, 1, flows.get(name) or ""), "MWh")
                   for key, name, label in ENERGY_SOURCES]
    return (
        f"<h2>{escape(translate('Report', 'Power and energy'))}</h2>"
        + (f'<p class="warn">{escape(translate("Report", "No power data: {0}").format(whole))}'
           "</p>" if whole else "")
        + _table(["Figure", "Value", "Unit"], kpis, numeric=[1], widths=[50, 25, 25])
        + f"<h3>{escape(translate('Report', 'Energy by source'))}</h3>"
        + _table(["Source / load", "Energy", "Unit"], energy_rows, numeric=[1],
                 widths=[50, 25, 25])
        + '<p class="muted">' + escape(translate("Report", SUPPLY_NOTE)) + "</p>"
    )


def _gpus(d: HandoverData) -> str:
    labels = {"healthy": "Healthy", "degraded": "Degraded", "failed": "Failed",
              "off_bus": "Off the bus (XID 79)"}
    rows = []
    for state in GPU_STATES:
        a = None if d.gpus_start is None else d.gpus_start.get(state)
        b = None if d.gpus_end is None else d.gpus_end.get(state)
        change = NA() if a is None or b is None else _signed(b - a)
        rows.append((escape(translate("Report", labels[state])), num(a, 0), num(b, 0), change))
    total = translate("Report", " (fleet: {0} GPUs)").format(num(d.total_gpus, 0)) \
        if d.total_gpus else ""
    return f"<h2>{escape(translate('Report', 'GPU health'))}{escape(total)}</h2>" + _table(
        ["Status", "Shift start", "Shift end", "Change"], rows, numeric=[1, 2, 3],
        widths=[40, 20, 20, 20])


def _signed(value: int) -> str:
    """A change with its sign ('+1,234', '-5', '+0') in the language's marks."""
    return ("-" if value < 0 else "+") + number(f"{abs(value):,d}")


def _jobs(d: HandoverData) -> str:
    j = d.jobs
    rows = [
        (translate("Report", "Jobs completed in the shift"), num(j.get("completed"), 0),
         translate("Report", "jobs")),
        (translate("Report", "Jobs failed in the shift"), num(j.get("failed"), 0),
         translate("Report", "jobs")),
        (translate("Report", "Jobs timed out"), num(j.get("timeout"), 0),
         translate("Report", "jobs")),
        (translate("Report", "Jobs cancelled"), num(j.get("cancelled"), 0),
         translate("Report", "jobs")),
        (translate("Report", "GPU-hours delivered in the shift"), num(j.get("gpu_hours"), 0),
         "GPU·h"),
    ]
    rows = [(escape(a), b, escape(c)) for a, b, c in rows]
    out = f"<h2>{escape(translate('Report', 'Jobs'))}</h2>" + _table(["Figure", "Value", "Unit"], rows, numeric=[1],
                                   widths=[50, 25, 25])
    failed = list(j.get("failed_jobs", ()))
    if failed:
        tz = d.shift.tz
        shown = failed[-MAX_LIST_ROWS:]
        body = [
            (outside(f.get("id"), 40), outside(f.get("name")), outside(f.get("tenant")),
             outside(f.get("user")), outside(_said(_JOB_STATES, f.get("state")), 40),
             outside(f.get("gpus"), 20),
             escape(clock(f.get("end_time"), tz)))
            for f in shown
        ]
        more = len(failed) - len(shown)
        out += "<h3>" + escape(translate("Report", "Failed and timed-out jobs ({0})").format(
            len(failed))) + "</h3>" + _table(
            ["Job", "Name", "Tenant", "User", "State", "GPUs", "Ended"], body, numeric=[5])
        if more:
            out += '<p class="muted">' + escape(translate(
                "Report", "{0} earlier ones are listed in summary.json.").format(more)) + "</p>"
    return out


def _action_line(alarm: Mapping[str, Any]) -> str:
    """'Action: …' under an alarm's message, from its rule (docs/ALARMS.md)."""
    from console.alarms.rules import RULES

    rule = RULES.get(str(alarm.get("source") or alarm.get("rule") or ""))
    if rule is None:
        return ""
    return ('<br/><span class="muted">' + escape(translate(
        "Report", "Action (within {0} min): {1}").format(rule.respond_min, rule.advice))
        + "</span>")


_PRIORITY_WORDS = {
    "critical": QT_TRANSLATE_NOOP("Report", "critical"),
    "high": QT_TRANSLATE_NOOP("Report", "high"),
    "medium": QT_TRANSLATE_NOOP("Report", "medium"),
    "low": QT_TRANSLATE_NOOP("Report", "low"),
    "diagnostic": QT_TRANSLATE_NOOP("Report", "diagnostic"),
}
_STATE_WORDS = {
    # alarm states as the journal spells them
    "NORMAL": QT_TRANSLATE_NOOP("Report", "NORMAL"),
    "UNACK": QT_TRANSLATE_NOOP("Report", "UNACK"),
    "ACKED": QT_TRANSLATE_NOOP("Report", "ACKED"),
    "RTN_UNACK": QT_TRANSLATE_NOOP("Report", "RTN_UNACK"),
    "SHELVED": QT_TRANSLATE_NOOP("Report", "SHELVED"),
    "SUPPRESSED": QT_TRANSLATE_NOOP("Report", "SUPPRESSED"),
    "OUT_OF_SERVICE": QT_TRANSLATE_NOOP("Report", "OUT_OF_SERVICE"),
}
_JOB_STATES = {
    # the scheduler's end states of a job
    "failed": QT_TRANSLATE_NOOP("Report", "failed"),
    "timeout": QT_TRANSLATE_NOOP("Report", "timeout"),
    "cancelled": QT_TRANSLATE_NOOP("Report", "cancelled"),
    "completed": QT_TRANSLATE_NOOP("Report", "completed"),
    "node_fail": QT_TRANSLATE_NOOP("Report", "node_fail"),
}


def _transition(entry: Mapping[str, Any]) -> str:
    """'UNACK → ACKED' of a journal entry, the states in the chosen language."""
    return (f"{_said(_STATE_WORDS, entry.get('state_from')) or ''} → "
            f"{_said(_STATE_WORDS, entry.get('state_to')) or ''}")


def _said(words: Mapping[str, str], value: Any) -> Any:
    """A word of the console's vocabulary in the chosen language; any other value as it is
    (the hub's own words are never translated)."""
    known = words.get(value) if isinstance(value, str) else None
    return value if known is None else translate("Report", known)


def local_message(message: Any) -> Any:
    """An alarm's message in the chosen language (:func:`console.alarms.phrases.local_message`)."""
    from console.alarms.phrases import local_message as said

    return said(message)


def _alarm_rows(items: Sequence[Mapping[str, Any]], tz: str, who: bool) -> list[tuple[str, ...]]:
    rows = []
    for a in items[:MAX_LIST_ROWS]:
        row = [outside(_said(_PRIORITY_WORDS, a.get("priority")), 20),
               outside(_said(_STATE_WORDS, a.get("state")), 40),
               outside(a.get("rack"), 80), escape(clock(a.get("since"), tz, day=True)),
               outside(local_message(a.get("message"))) + _action_line(a)]
        if who:
            row.append(" — ".join(outside(x) for x in (a.get("operator"), a.get("comment"))
                                  if x))
        rows.append(tuple(row))
    return rows


def _alarms(d: HandoverData) -> str:
    a, tz = d.alarms, d.shift.tz
    by_p = a.get("raised_by_priority", {})
    split = ", ".join(f"{escape(str(_said(_PRIORITY_WORDS, k)))} {num(v, 0)}"
                      for k, v in by_p.items())
    rows = [
        (translate("Report", "Alarms raised in the shift"), num(a.get("raised"), 0),
         escape(split)),
        (translate("Report", "Acknowledged in the shift"), num(a.get("acknowledged"), 0), ""),
        (translate("Report", "Still open at the shift's end"),
         num(len(a.get("still_open", ())), 0), ""),
        (translate("Report", "Shelved at the shift's end"), num(len(a.get("shelved", ())), 0),
         ""),
        (translate("Report", "Suppressed / out of service"),
         num(len(a.get("out_of_service", ())), 0), ""),
    ]
    rows = [(escape(label), b, c) for label, b, c in rows]
    out = f"<h2>{escape(translate('Report', 'Alarms'))}</h2>" + _table(["Figure", "Count", "By priority"], rows, numeric=[1],
                                     widths=[45, 15, 40])
    heads = ["Priority", "State", "Area", "Since", "Message"]
    for title, key, who in ((translate("Report", "Still open"), "still_open", False),
                            (translate("Report", "Shelved"), "shelved", True),
                            (translate("Report", "Suppressed / out of service"),
                             "out_of_service", True)):
        items = list(a.get(key, ()))
        if items:
            out += f"<h3>{escape(title)} ({len(items)})</h3>" + _table(
                heads + (["Operator — comment"] if who else []), _alarm_rows(items, tz, who))
            if len(items) > MAX_LIST_ROWS:
                out += '<p class="muted">' + escape(translate(
                    "Report", "{0} more in summary.json.").format(len(items) - MAX_LIST_ROWS)) + "</p>"
    journal = list(a.get("journal", ()))
    if journal:
        shown = journal[-MAX_JOURNAL_ROWS:]
        out += "<h3>" + escape(translate(
            "Report", "Alarm journal of the shift ({0} transitions)").format(len(journal))) + "</h3>"
        if len(journal) > len(shown):
            out += '<p class="muted">' + escape(translate(
                "Report", "The last {0} are shown; all are in summary.json.").format(
                len(shown))) + "</p>"
        out += _table(["Time", "Area", "Transition", "Operator", "Comment / message"], [
            (escape(clock(e.get("time"), tz)), outside(e.get("rack"), 80),
             escape(_transition(e)),
             outside(e.get("operator"), 80),
             outside(e.get("comment") or local_message(e.get("message"))))
            for e in shown
        ])
    return out


_KPI_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # (label, key in alarm_kpis, target key in its targets, target text)
    (QT_TRANSLATE_NOOP("Report", "Alarms raised"), "raised_alarms", "",
     QT_TRANSLATE_NOOP("Report", "≤ 50 per 8 h shift")),
    (QT_TRANSLATE_NOOP("Report", "Alarms per 10 min, average"), "alarms_per_10min_avg", "alarms_per_10min_avg", "≤ 1"),
    (QT_TRANSLATE_NOOP("Report", "Most alarms in any 10 min (sliding)"), "alarms_per_10min_max", "alarms_per_10min_max",
     "≤ 10"),
    (QT_TRANSLATE_NOOP("Report", "Alarm rate per day"), "alarms_per_day", "alarms_per_day", "≤ 150"),
    (QT_TRANSLATE_NOOP("Report", "Floods (> 10 in 10 min)"), "flood_count", "flood_count", "0"),
    (QT_TRANSLATE_NOOP("Report", "Time in floods"), "flood_total_s", "", "—"),
    (QT_TRANSLATE_NOOP("Report", "Critical share"), "priority_mix_pct.critical", "critical_pct", "≤ 5 %"),
    (QT_TRANSLATE_NOOP("Report", "High share"), "priority_mix_pct.high", "high_pct", "≤ 15 %"),
    (QT_TRANSLATE_NOOP("Report", "Medium and low share"), "priority_mix_pct.medium_low", "medium_low_pct", "≥ 80 %"),
    (QT_TRANSLATE_NOOP("Report", "Chattering alarms (3 in 1 min)"), "chattering_count", "chattering_count", "0"),
    (QT_TRANSLATE_NOOP("Report", "Standing at the shift's end"), "standing_at_end_alarms", "standing_at_end", "≤ 5"),
    (QT_TRANSLATE_NOOP("Report", "Stale (standing > 24 h)"), "stale_count", "stale_count", "0"),
    (QT_TRANSLATE_NOOP("Report", "Time to acknowledge, median"), "ack_time_median_s", "", "—"),
    (QT_TRANSLATE_NOOP("Report", "Time to acknowledge, 90th percentile"), "ack_time_p90_s", "", "—"),
    (QT_TRANSLATE_NOOP("Report", "Time to acknowledge, longest"), "ack_time_max_s", "", "—"),
    (QT_TRANSLATE_NOOP("Report", "Waiting for acknowledgement at the end"), "unacknowledged_count", "", "—"),
    (QT_TRANSLATE_NOOP("Report", "Shelved in the shift / at its end"), "shelved_count", "", "—"),
)
"""Rows of the alarm performance table (EEMUA 191 / ISA-18.2 targets)."""


def _kpi_value(k: Mapping[str, Any], key: str) -> Any:
    value: Any = k
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _alarm_performance(d: HandoverData) -> str:
    """Alarm performance against the EEMUA 191 / ISA-18.2 targets, and the top-10 alarms."""
    k = d.alarm_performance
    out = f"<h2>{escape(translate('Report', 'Alarm performance (EEMUA 191 / ISA-18.2)'))}</h2>"
    if k is None:
        return out + '<p class="muted">' + escape(translate(
            "Report", "Needs the alarm journal (the console's cache).")) + "</p>"
    missed = set(k.get("outside_target", ()))
    rows = []
    for label, key, target_key, target in _KPI_ROWS:
        value = _kpi_value(k, key)
        if key.endswith("_s"):
            seconds = _finite(value)
            text = "—" if seconds is None else escape(_seconds(seconds))
        elif key.startswith("priority_mix_pct"):
            text = num(value, 1) + (" %" if value is not None else "")
        elif key == "shelved_count":
            text = f"{num(value, 0)} / {num(k.get('shelved_at_end_count'), 0)}"
        elif key == "raised_alarms":
            split = ", ".join(f"{_said(_PRIORITY_WORDS, p)} {num(n, 0)}"
                              for p, n in k.get("raised_by_priority_alarms", {}).items() if n)
            text = num(value, 0) + (f" ({escape(split)})" if split else "")
        else:
            text = num(value, 2 if key == "alarms_per_10min_avg" else 0)
        status = ""
        if target_key:
            status = (f'<b class="warn">{escape(translate("Report", "outside target"))}</b>'
                      if target_key in missed
                      else f'<span class="muted">{escape(translate("Report", "within"))}</span>')
            if target_key in missed:
                text = f"<b>{text}</b>"
        rows.append((escape(translate("Report", label)), text,
                     escape(translate("Report", target)), status))
    out += _table(["Figure", "Shift", "Target", ""], rows, numeric=[1], widths=[46, 24, 16, 14])
    floods = list(k.get("floods", ()))
    if floods:
        tz = d.shift.tz
        each = translate("Report", "{0}–{1} ({2} alarms)")
        out += "<p>" + escape(translate("Report", "Floods: {0}")).format("; ".join(
            escape(each.format(clock(f.get("start_epoch_s"), tz), clock(f.get("end_epoch_s"), tz),
                               num(f.get("alarms"), 0))) for f in floods[:MAX_LIST_ROWS])) + "</p>"
    top = list(k.get("top_alarms", ()))
    if top:
        out += f"<h3>{escape(translate('Report', 'Most frequent alarms'))}</h3>" + _table(
            ["Alarm", "Rule", "Priority", "Raised"],
            [(outside(c.get("alarm_id"), 120), outside(c.get("rule"), 40),
              outside(c.get("priority"), 20), num(c.get("count"), 0)) for c in top],
            numeric=[3], widths=[52, 22, 14, 12])
    chattering = list(k.get("chattering", ()))
    if chattering:
        out += ("<p><b>" + escape(translate("Report", "Chattering:")) + "</b> "
                + ", ".join(outside(c.get("alarm_id"), 120) for c in chattering[:MAX_LIST_ROWS])
                + "</p>")
    return out


def _finite(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return v if math.isfinite(v) else None


def _seconds(value: float) -> str:
    s = int(round(value))
    if s < 60:
        return translate("Report", "{0} s").format(s)
    if s < 3600:
        return translate("Report", "{0} min {1} s").format(s // 60, f"{s % 60:02d}")
    return translate("Report", "{0} h {1} min").format(s // 3600, f"{(s % 3600) // 60:02d}")


def _incidents(d: HandoverData) -> str:
    tz = d.shift.tz
    if not d.incidents:
        return (f"<h2>{escape(translate('Report', 'Incidents'))}</h2><p>"
                + escape(translate("Report", "No incident in the shift.")) + "</p>")
    out = [f"<h2>{escape(translate('Report', 'Incidents'))} ({len(d.incidents)})</h2>"]
    for inc in d.incidents:
        racks = list(inc.get("racks", ()))
        listed = ", ".join(outside(r, 80) for r in racks[:MAX_RACKS_LISTED])
        if len(racks) > MAX_RACKS_LISTED:
            listed += escape(translate("Report", " and {0} more").format(
                len(racks) - MAX_RACKS_LISTED))
        end = (translate("Report", "ongoing") if inc.get("end") is None
               else clock(inc.get("end"), tz, day=True))
        line = escape(translate(
            "Report", "<b>From</b> {0} <b>to</b> {1} · <b>priority</b> {2} · <b>{3}</b> racks, <b>{4}</b> GPUs, <b>{5}</b> jobs affected<br/><b>Racks:</b> {6}")).replace(
            "&lt;b&gt;", "<b>").replace("&lt;/b&gt;", "</b>").replace("&lt;br/&gt;", "<br/>")
        out.append(
            f"<h3>#{outside(inc.get('id'), 40)} {outside(inc.get('title'))}</h3>"
            "<p>" + line.format(
                escape(clock(inc.get("start"), tz, day=True)), escape(end),
                escape(str(_said(_PRIORITY_WORDS, inc.get("priority")) or "—")), len(racks),
                num(inc.get("gpus"), 0), len(inc.get("jobs", ())), listed or "—") + "</p>"
        )
        note = str(inc.get("note") or "")
        if note:
            out.append("<p><b>" + escape(translate("Report", "Note:")) + "</b> "
                       f'<span style="white-space: pre-wrap">{escape(note)}</span></p>')
        timeline = list(inc.get("timeline", ()))
        if timeline:
            shown = timeline[:MAX_LIST_ROWS]
            out.append(_table(["Time", "Alarm", "Transition", "Operator — comment"], [
                (escape(clock(e.get("time"), tz)),
                 outside(local_message(e.get("message")) or e.get("alarm_id")),
                 escape(_transition(e)),
                 " — ".join(outside(x) for x in (e.get("operator"), e.get("comment")) if x))
                for e in shown
            ], widths=[12, 50, 20, 18]))
            if len(timeline) > len(shown):
                out.append('<p class="muted">' + escape(translate(
                    "Report", "{0} more steps in summary.json.").format(
                    len(timeline) - len(shown))) + "</p>")
    return "".join(out)


MAX_MAINTENANCE_ROWS = 40


def _maintenance(d: HandoverData) -> str:
    """The maintenance list at the shift's end, grouped by action (at most 40 devices)."""
    from console.maintenance import ACTION_GROUPS

    m = d.maintenance
    if m is None:
        return (f"<h2>{escape(translate('Report', 'Maintenance list'))}</h2>"
                '<p class="muted">' + escape(translate(
                    "Report", "Not known for this shift (no GPU health data at its end).")) + "</p>")
    tz = d.shift.tz
    items = list(m.get("list", ()))
    groups = m.get("groups", {})
    head = ("<h2>" + escape(translate("Report", "Maintenance list ({0} devices at {1})").format(
        num(m.get("items"), 0), clock(m.get("time"), tz, day=True))) + "</h2>")
    if not items:
        out = head + "<p>" + escape(translate("Report", "No device needs maintenance.")) + "</p>"
    else:
        out = head + _table(["Action", "Devices"], [
            (escape(translate("MaintenanceView", g.words)), num(groups.get(g.key, 0), 0))
            for g in ACTION_GROUPS if groups.get(g.key)], numeric=[1], widths=[80, 20])
        shown = 0
        for g in ACTION_GROUPS:
            group_items = [i for i in items if i.get("group") == g.key]
            room = MAX_MAINTENANCE_ROWS - shown
            if not group_items or room <= 0:
                continue
            rows = [
                (outside(i.get("rack"), 80),
                 f"{outside(i.get('host') or i.get('node'), 80)} GPU {outside(i.get('slot'), 8)}",
                 outside(i.get("device"), 80), outside(i.get("cause")),
                 " ".join(outside(x, 80) for x in (i.get("job_id"), i.get("tenant"))
                          if x not in (None, "")),
                 escape(clock(i.get("first_seen"), tz, day=True)), num(i.get("count"), 0))
                for i in group_items[:room]
            ]
            shown += len(rows)
            out += f"<h3>{escape(translate('MaintenanceView', g.words))} ({len(group_items)})</h3>" + _table(
                ["Rack", "GPU", "UUID", "Cause", "Job / tenant", "First seen", "Count"], rows,
                numeric=[6], widths=[9, 14, 20, 30, 12, 10, 5])
        if len(items) > shown:
            out += '<p class="muted">' + escape(translate(
                "Report", "… and {0} more; the counts above and summary.json cover them all."
            ).format(num(len(items) - shown, 0))) + "</p>"
    if m.get("site_caused"):
        out += '<p class="muted">' + escape(translate(
            "Report", "{0} throttled GPUs on racks under a site alarm are that alarm's consequence, not listed."  # noqa: E501
        ).format(num(m.get("site_caused"), 0))) + "</p>"
    return out


def lines(value: Any, limit: int = MAX_TEXT) -> str:
    """Plain text of several lines as report HTML: escaped, each line bidi-isolated on its
    own (no line's direction leaks into the next), ``<br/>`` between them, cut to ``limit``
    characters in all."""
    text = clip(strip_bidi(value), limit)
    return "<br/>".join(escape(isolate(line, None), quote=False) for line in text.split("\n"))


def _handover(d: HandoverData) -> str:
    """Who handed the shift over to whom, and when (both times), with the summary."""
    tz = d.shift.tz
    if not d.handovers:
        return (f"<h2>{escape(translate('Report', 'Handover'))}</h2>"
                '<p class="muted">' + escape(translate(
                    "Report", "No handover of this shift was recorded in the console (File → Hand over shift).")) + "</p>")
    out = [f"<h2>{escape(translate('Report', 'Handover'))}</h2>"]
    for r in d.handovers:
        out.append(
            "<p><b>" + escape(translate(
                "Report", "Handed over by {0} at {1}, taken over by {2} at {3}")).format(
                outside(r.outgoing, 80), escape(clock(r.handed_at, tz, day=True)),
                outside(r.incoming, 80), escape(clock(r.taken_at, tz, day=True)))
            + '</b> <span class="muted">' + escape(translate("Report", "(site time)"))
            + "</span></p>")
        if r.summary:
            out.append("<p><b>" + escape(translate("Report", "Summary:"))
                       + f"</b><br/>{lines(r.summary)}</p>")
        else:
            out.append('<p class="muted">' + escape(translate("Report", "No summary was given."))
                       + "</p>")
    return "".join(out)


_LOG_WORDS = {
    # a shift-log entry's categories (console.contract.LOG_CATEGORIES) and link kinds
    # (LOG_LINK_KINDS), as the log writes them
    "operations": QT_TRANSLATE_NOOP("Report", "operations"),
    "maintenance": QT_TRANSLATE_NOOP("Report", "maintenance"),
    "safety": QT_TRANSLATE_NOOP("Report", "safety"),
    "customer": QT_TRANSLATE_NOOP("Report", "customer"),
    "rack": QT_TRANSLATE_NOOP("Report", "rack"),
    "alarm": QT_TRANSLATE_NOOP("Report", "alarm"),
    "incident": QT_TRANSLATE_NOOP("Report", "incident"),
    "job": QT_TRANSLATE_NOOP("Report", "job"),
}


def _links(entry: LogEntry) -> str:
    return ", ".join(f"{escape(str(_said(_LOG_WORDS, kind)))} {outside(ref, 80)}"
                     for kind, ref in entry.links) or "—"


def _log_table(entries: Sequence[LogEntry], tz: str, status: bool) -> str:
    rows = []
    for e in entries[:MAX_LOG_ROWS]:
        row = [escape(clock(e.time, tz, day=True)), outside(e.author, 80),
               escape(str(_said(_LOG_WORDS, e.category))), lines(e.text), _links(e)]
        if status:
            if e.cleared_at is not None:
                row.append(escape(translate("Report", "cleared by {0} at {1}")).format(
                    outside(e.cleared_by, 80), escape(clock(e.cleared_at, tz, day=True))))
            else:
                row.append("<b>" + escape(translate("Report", "open")) + "</b>" if e.open else "")
        rows.append(tuple(row))
    heads = ["Time", "Author", "Category", "Text", "Links"] + (["Status"] if status else [])
    widths = [13, 12, 14, 41, 10, 10] if status else [13, 12, 14, 49, 12]
    out = _table(heads, rows, widths=widths)
    if len(entries) > MAX_LOG_ROWS:
        out += '<p class="muted">' + escape(translate(
            "Report", "{0} more in summary.json and the pack's CSV files.").format(
            len(entries) - MAX_LOG_ROWS)) + "</p>"
    return out


def _open_items(d: HandoverData) -> str:
    """Every open item carried forward to the next shift, whenever it was written."""
    if d.log_missing is not None:
        return ""
    items = d.open_items
    if not items:
        return (f"<h2>{escape(translate('Report', 'Open items carried forward'))}</h2><p>"
                + escape(translate("Report", "No open item is carried forward.")) + "</p>")
    return (f'<h2 class="open">{escape(translate("Report", "Open items carried forward"))} '
            f"({len(items)})</h2>"
            '<p class="warn">' + escape(translate(
                "Report", "Still open at the end of the shift, whenever written: each stays here, shift after shift, until someone clears it.")) + "</p>"
            + _log_table(items, d.shift.tz, status=False))


def _cleared_items(d: HandoverData) -> str:
    """The open items cleared in the shift, written whenever, with who cleared each and
    when (an item of an earlier shift cleared in this one is in no other section)."""
    if d.log_missing is not None:
        return ""
    items = d.cleared_items
    if not items:
        return (f"<h2>{escape(translate('Report', 'Items cleared this shift'))}</h2><p>"
                + escape(translate("Report", "No open item was cleared in the shift.")) + "</p>")
    return (f"<h2>{escape(translate('Report', 'Items cleared this shift'))} ({len(items)})</h2>"
            '<p class="muted">' + escape(translate(
                "Report", "Open items cleared during the shift, whenever written: no longer carried forward.")) + "</p>"
            + _log_table(items, d.shift.tz, status=True))


def _shift_log(d: HandoverData) -> str:
    """The shift's log entries, oldest first, as they stood at the shift's end."""
    if d.log_missing is not None:
        return (f"<h2>{escape(translate('Report', 'Shift log'))}</h2><p class=\"warn\">"
                + escape(translate("Report", "Not in this pack:")) + " "
                f"{outside(d.log_missing, 600)}.</p>")
    if not d.log_entries:
        return (f"<h2>{escape(translate('Report', 'Shift log'))}</h2><p>"
                + escape(translate("Report", "No entry was written in the shift.")) + "</p>")
    n = len(d.log_entries)
    words = (translate("Report", "Shift log ({0} entry)") if n == 1
             else translate("Report", "Shift log ({0} entries)"))
    return (f"<h2>{escape(words.format(n))}</h2>"
            + _log_table(d.log_entries, d.shift.tz, status=True))


def _notes(d: HandoverData) -> str:
    text = d.notes.strip()
    body = (f'<p style="white-space: pre-wrap">{escape(text)}</p>' if text
            else '<p class="muted">' + escape(translate("Report", "No notes were entered."))
            + "</p>")
    return f"<h2>{escape(translate('Report', 'Operator notes'))}</h2>" + body


def _steering(d: HandoverData) -> str:
    """The energy-steering advice at the pack's making: the sentence and its figures."""
    head = f"<h2>{escape(translate('Report', 'Energy steering (advice only)'))}</h2>"
    s = d.steering
    if not s:
        return head + f"<p>{escape(translate('Report', 'No advice was made for this pack.'))}</p>"
    out = [head, f"<p><b>{outside(s.get('text', ''), 600)}</b></p>"]
    if s.get("advised"):
        jobs = s.get("jobs") or []
        rows = [
            (translate("Report", "Deferrable load moved"), f"{num(s.get('move_mw'))} MW"),
            (translate("Report", "Grid energy avoided"), f"{num(s.get('grid_avoided_mwh'))} MWh"),
            (translate("Report", "Carbon avoided"), f"{num(s.get('co2_avoided_t'))} t CO2"),
            (translate("Report", "Running jobs counted"), str(len(jobs))),
        ]
        out.append(_table([QT_TRANSLATE_NOOP("Report", "Figure"),
                           QT_TRANSLATE_NOOP("Report", "Value")],
                          [(escape(k), escape(v)) for k, v in rows], numeric=(1,)))
        out.append('<p class="muted">' + escape(translate(
            "Report", "Basis: forecast P50, battery dispatch as forecast, surplus renewables curtailed, moved work draws the same power later. Nothing was changed on the site.")) + "</p>")
    return "".join(out)


def report_html(d: HandoverData) -> str:
    """The report's HTML (the screenshots follow on pages of their own, drawn by the PDF
    writer)."""
    titles = ", ".join(translate("Report", title) for _, title in VIEW_TITLES)
    after = translate("Report", "After the report, one landscape page per view: {0}.")
    parts = [f"<html><head><style>{_STYLE}</style></head><body>", _header(d),
             f'<p class="muted">{escape(after.format(titles))}</p>',
             _handover(d), _open_items(d), _cleared_items(d), _shift_log(d), _power(d), _steering(d), _gpus(d), _jobs(d), _alarm_performance(d), _alarms(d), _incidents(d),
             _maintenance(d), _notes(d),
             "</body></html>"]
    return "".join(parts)
