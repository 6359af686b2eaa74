"""docs/ALARMS.md stays true to the rules the engine has."""

from __future__ import annotations

from pathlib import Path

from console.alarms.rules import DEFAULT_PRIORITIES, RULES

DOC = Path(__file__).resolve().parents[3] / "docs" / "ALARMS.md"


def test_every_rule_is_documented_with_its_priority_and_response_time() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`"): [c.strip() for c in line.split("|")[1:-1]]
        for line in text.splitlines()
        if line.startswith("| `") and line.count("|") == 7
    }
    assert set(rows) == set(RULES), "docs/ALARMS.md and console/alarms/rules.py disagree"
    for name, rule in RULES.items():
        _, title, priority, respond, action, consequence = rows[name]
        assert title.startswith(rule.title.split(" (")[0])
        assert priority.startswith(DEFAULT_PRIORITIES.get(name, "the event's severity"))
        assert respond == f"{rule.respond_min} min"
        assert action == rule.action and consequence == rule.consequence


def test_every_rule_names_its_action_consequence_and_time() -> None:
    for rule in RULES.values():
        assert rule.action and rule.consequence and rule.respond_min > 0
