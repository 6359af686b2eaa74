"""The words alarms are written in: each message's template, in English.

The rules write their messages in English with these templates (the journal, the export
and docs/ALARMS.md keep English); :func:`local_message` and :func:`local_area` say a
message or an area again in the chosen language, the template translated and its values
put back. Text a template did not make (the hub's own messages, an operator's reason)
comes back as it is.
"""

from __future__ import annotations

from console.i18n import QT_TRANSLATE_NOOP, say_again

__all__ = ["local_area", "local_message"]

C = "AlarmText"
"""The translation context of every alarm message."""

# -- rack alarms (console.alarms.conditions) ----------------------------------------------------
WHERE_ROW = QT_TRANSLATE_NOOP("AlarmText", "row {0}")
WHERE_HALL = QT_TRANSLATE_NOOP("AlarmText", "hall {0}")
WHERE_FEED = QT_TRANSLATE_NOOP("AlarmText", "feed {0}")
WHERE_RACKS = QT_TRANSLATE_NOOP("AlarmText", "{0} racks")
SITE = QT_TRANSLATE_NOOP("AlarmText", "site")
ROW_HOT = QT_TRANSLATE_NOOP("AlarmText", "Row {0} running hot: {1} racks, {2}")
INLET_UP_TO = QT_TRANSLATE_NOOP("AlarmText", "inlet up to {0:.1f} °C (limit {1:g})")
GPUS_UP_TO = QT_TRANSLATE_NOOP("AlarmText", "GPUs up to {0:.1f} °C")
FEED_LOST = QT_TRANSLATE_NOOP("AlarmText", "Feed {0} lost: {1} on one feed, no redundancy")
FEED_LOST_LOAD = QT_TRANSLATE_NOOP(
    "AlarmText",
    "Feed {0} lost: {1} on one feed, no redundancy; the other feed at {2:.0f} % of its rating")
INLET_RACK = QT_TRANSLATE_NOOP("AlarmText", "Inlet {0:.1f} °C, above {1:g} °C")
INLET_GROUP = QT_TRANSLATE_NOOP(
    "AlarmText", "Inlet above {0:g} °C in {1} racks of {2} (hottest {3:.1f} °C)")
PDU_RACK = QT_TRANSLATE_NOOP(
    "AlarmText", "PDU feed {0} at {1:.0f} % of its {2:g} kW rating (limit {3:g} %)")
PDU_CRITICAL_GROUP = QT_TRANSLATE_NOOP(
    "AlarmText", "PDU feed load at or above {0:g} % in {1} racks of {2} (worst {3:.0f} %)")
PDU_HIGH_GROUP = QT_TRANSLATE_NOOP(
    "AlarmText", "PDU feed load above {0:g} % in {1} racks of {2} (worst {3:.0f} %)")
# -- site alarms (console.alarms.site_rules) ----------------------------------------------------
ENVELOPE = QT_TRANSLATE_NOOP(
    "AlarmText", "Facility load {0:.0f} MW, {1:.0f} % of the {2:g} MW envelope")
JOB_KILLED = QT_TRANSLATE_NOOP("AlarmText", "Job {0} ({1} GPUs) killed by hardware faults {2}")
JOB_OF_KILLED = QT_TRANSLATE_NOOP(
    "AlarmText", "Job {0} of {1} ({2} GPUs) killed by hardware faults {3}")
ONCE = QT_TRANSLATE_NOOP("AlarmText", "once")
TIMES_IN = QT_TRANSLATE_NOOP("AlarmText", "{0} times in {1:g} h")
NO_ANSWER = QT_TRANSLATE_NOOP("AlarmText", "No answer from the data source for {0} since {1} UTC")
STALE = QT_TRANSLATE_NOOP("AlarmText", "{0} (limit {1:g} s)")
STALE_KIND = QT_TRANSLATE_NOOP("AlarmText", "{0} data is {1:.0f} s old")
# -- GPU alarms (console.alarms.device_rules) ---------------------------------------------------
SERVER_LOST = QT_TRANSLATE_NOOP("AlarmText", "Server {0} lost: all {1} GPUs failed")
ROW_GPUS_FAILING = QT_TRANSLATE_NOOP(
    "AlarmText", "GPUs failing in {0} racks of row {1} within {2:.0f} min ({3} GPUs)")
RACK_GPUS_FAILED = QT_TRANSLATE_NOOP("AlarmText", "{0} GPUs failed in rack {1} within {2:.0f} min")
FAULT_RATE = QT_TRANSLATE_NOOP(
    "AlarmText",
    "{0} GPUs failed in the last hour; about {1:.0f} are normal for {2:,.0f} GPUs (alarm from {3:.0f})")
# -- the engine (console.alarms.engine) ---------------------------------------------------------
PLANNED = QT_TRANSLATE_NOOP("AlarmText", "Planned work on {0} until {1} UTC: {2}")

# -- the kinds of data a source gives (console.model.KINDS and the forecast), as the link
# alarms name them: lower case in a list, capitalised before "data is … old"
KINDS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("AlarmText", "site"), QT_TRANSLATE_NOOP("AlarmText", "racks"),
    QT_TRANSLATE_NOOP("AlarmText", "gpus"), QT_TRANSLATE_NOOP("AlarmText", "power"),
    QT_TRANSLATE_NOOP("AlarmText", "jobs"), QT_TRANSLATE_NOOP("AlarmText", "events"),
    QT_TRANSLATE_NOOP("AlarmText", "forecast"),
    QT_TRANSLATE_NOOP("AlarmText", "Site"), QT_TRANSLATE_NOOP("AlarmText", "Racks"),
    QT_TRANSLATE_NOOP("AlarmText", "Gpus"), QT_TRANSLATE_NOOP("AlarmText", "Power"),
    QT_TRANSLATE_NOOP("AlarmText", "Jobs"), QT_TRANSLATE_NOOP("AlarmText", "Events"),
    QT_TRANSLATE_NOOP("AlarmText", "Forecast"),
)

MESSAGES: tuple[str, ...] = (
    ROW_HOT, FEED_LOST_LOAD, FEED_LOST, INLET_RACK, INLET_GROUP, PDU_RACK, PDU_CRITICAL_GROUP,
    PDU_HIGH_GROUP, ENVELOPE, JOB_OF_KILLED, JOB_KILLED, NO_ANSWER, STALE, SERVER_LOST,
    ROW_GPUS_FAILING, RACK_GPUS_FAILED, FAULT_RATE, PLANNED)
"""Every message template, the longer of two that begin alike first."""
PARTS: tuple[str, ...] = (INLET_UP_TO, GPUS_UP_TO, WHERE_ROW, WHERE_HALL, WHERE_RACKS, ONCE,
                          TIMES_IN, STALE_KIND)
"""The pieces a message's values are made of."""
AREAS: tuple[str, ...] = (WHERE_ROW, WHERE_HALL, WHERE_FEED, SITE)


def _kind(value: str) -> str:
    """A kind of data ('racks', 'Gpus') in the chosen language; any other value as it is."""
    return say_again(C, value, KINDS)


def _part(value: str) -> str:
    """A value of a message in the chosen language: a list of kinds of data, one of
    :data:`PARTS` (its own values said again too), a ``", "`` list of them, a kind."""
    pieces = value.split(", ")
    if all(p in KINDS for p in pieces):
        return ", ".join(_kind(p) for p in pieces)
    again = [say_again(C, p, PARTS, _kind) for p in pieces]
    if len(pieces) > 1 and all(a != p for a, p in zip(again, pieces, strict=True)):
        return ", ".join(again)  # each piece one part (a template never spans a ", ")
    said = say_again(C, value, PARTS, _kind)
    if said != value:
        return said
    if any(a != p for a, p in zip(again, pieces, strict=True)):
        return ", ".join(again)
    return value


def local_message(message: str) -> str:
    """An alarm's message in the chosen language (the hub's own words as written)."""
    if not isinstance(message, str):
        return message
    return say_again(C, message, MESSAGES, _part)


def local_area(area: str) -> str:
    """An alarm's area ('row A-03', 'hall B', 'site', a rack's id) in the chosen language."""
    if not isinstance(area, str):
        return area
    return say_again(C, area, AREAS)
