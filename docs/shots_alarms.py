"""Screenshot of the alarm banner and list during a cooling incident at full scale.

``python docs/shots_alarms.py [OUT_DIR]`` writes ``alarms.png`` (default
``docs/screenshots``). The simulated Tétouan hub loses the cooling of row A-03, a PDU
breaker trips in hall E and a GPU falls off the bus; the console's alarm engine evaluates
what the hub reports, one operator acknowledges the row alarm and shelves another.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget  # noqa: E402

from console.alarms import AlarmEngine, MemoryJournal  # noqa: E402
from console.decode import (  # noqa: E402
    decode_events,
    decode_power,
    decode_racks,
    decode_site,
    decode_unhealthy,
)
from console.hub.sim import SimulatedHub  # noqa: E402
from resources import theme_qss  # noqa: E402
from widgets.alarms import AlarmBanner, AlarmListView  # noqa: E402

START = 1_780_000_000.0


def incident_alarms() -> tuple[AlarmEngine, float, object]:
    """Run the full-scale simulated hub through a cooling loss; the engine and hub time."""
    hub = SimulatedHub(scale="tetouan", seed=7, start=START)
    site = decode_site(hub.site(), received=hub.now)
    engine = AlarmEngine(journal=MemoryJournal(), clock=lambda: hub.now)
    since = 0
    hub.inject("cooling_loss", "A-03")
    hub.inject("pdu_trip", "E-12-20")
    for minute in range(1, 13):
        hub.step(START + 60 * minute)
        t = hub.now
        events = decode_events(hub.events(since), received=t)
        since = max(since, events.last_id)
        snaps = {
            "racks": decode_racks(hub.racks(), site, received=t),
            "gpus": decode_unhealthy(hub.unhealthy_gpus(), received=t),
            "power": decode_power(hub.power(t - 600, t, 10), received=t),
            "events": events,
        }
        engine.evaluate(snaps, site, t)
        if minute == 8:
            for alarm in engine.alarms():
                if alarm.rule == "cooling_loss":
                    engine.acknowledge(alarm.id, "Amina B.", "CRAH of A-03 tripped; tech on way")
            engine.plan_shelf("F-02", t, t + 4 * 3600, "Karim T.", "PDU firmware update", now=t)
    return engine, hub.now, site


def shoot_alarms(out_dir: str | Path = "docs/screenshots") -> Path:
    """Save the alarm banner and list during the incident to ``out_dir/alarms.png``.

    The banner counts the whole site; the list is filtered to hall A, the row alarm of
    the incident selected with its member racks in the detail pane.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyleSheet(theme_qss())
    engine, now, site = incident_alarms()
    window = QWidget()
    layout = QVBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    banner = AlarmBanner(window)
    view = AlarmListView(window)
    layout.addWidget(banner)
    layout.addWidget(view, 1)
    view.set_topology(site)  # type: ignore[arg-type]
    alarms = engine.alarms()
    banner.set_alarms(alarms, now)
    view.set_alarms(alarms, now)
    view.flush()
    view.set_filters(hall="A")  # the operator looks at the hall of the incident
    row = next((a.id for a in alarms if a.id.startswith("inlet_high:row:")), None)
    if row:
        view.select_alarm(row)
    window.resize(1500, 760)
    window.ensurePolished()
    layout.activate()
    app.processEvents()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "alarms.png"
    window.grab().save(str(path))
    view.stop()
    window.close()
    return path


if __name__ == "__main__":
    print(shoot_alarms(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
