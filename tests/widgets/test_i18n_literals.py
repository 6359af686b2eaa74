"""User-visible words in widgets/ go through tr(): the common ways a literal reaches the
screen without it (a QLabel("..."), setText("..."), QAction("..."), addMenu("..."), a
placeholder, a tooltip, a status message) are found in the source and refused."""

from __future__ import annotations

import ast
import re
from pathlib import Path

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"
CONSTRUCTORS = {"QLabel", "QPushButton", "QAction", "QCheckBox", "QGroupBox", "QRadioButton",
                "QToolButton", "QMenu"}
SETTERS = {"setText", "setTitle", "setWindowTitle", "setToolTip", "setPlaceholderText",
           "setStatusTip", "setWhatsThis", "addMenu", "addAction", "addTab", "showMessage",
           "setLabelText", "setHorizontalHeaderLabels", "setHeaderLabels", "addItem",
           "_label", "_combo", "KpiTile"}
WORD = re.compile(r"[a-z]{2,}")  # words; an acronym (UTC, GPU) is the same in every language


def _words(node: ast.AST) -> str | None:
    """The literal words of an argument ('' when none): a str constant, an f-string's
    literal parts, a list of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.List | ast.Tuple):
        return " ".join(w for e in node.elts if (w := _words(e)))
    return None


def untranslated(path: Path) -> list[str]:
    """``file:line: text`` of each literal with words shown without tr()."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        if name == "_tr" and isinstance(func, ast.Name):
            # a module's own translate helper: lupdate never sees its words
            if _words(node.args[0]) is not None:
                found.append(f"{path.name}:{node.lineno}: _tr() of a literal is not extracted "
                             "by lupdate; use QCoreApplication.translate(context, ...)")
            continue
        if name not in CONSTRUCTORS and name not in SETTERS:
            continue
        words = _words(node.args[0])
        if words and WORD.search(words):
            found.append(f"{path.name}:{node.lineno}: {words[:60]!r}")
    return found


def test_untranslated_literals_in_widgets() -> None:
    found = [line for path in sorted(WIDGETS.glob("*.py")) for line in untranslated(path)]
    assert not found, "words shown without tr():\n" + "\n".join(found)


def test_the_check_finds_the_common_patterns(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'a = QLabel("Racks")\nb.setText(f"{n} racks")\nc = QAction("Quit", w)\n'
        'm.addMenu("&File")\nd = QLabel(self.tr("Racks"))\ne.setText("—")\n'
        'f.setText(f"{a} · {b}")\ng = _tr("Racks")\nh = _tr(words)\n', encoding="utf-8")
    assert [line.split(": ", 1)[0] for line in untranslated(sample)] == [
        "sample.py:1", "sample.py:2", "sample.py:3", "sample.py:4", "sample.py:8"]
