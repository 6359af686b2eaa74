"""RowsModel: the same row set with other figures is one dataChanged, not a reset."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from widgets.rack_detail_model import DARK_TEXT, ID_ROLE, RowsModel
from widgets.text import plain_tooltip


def _signals(model: RowsModel) -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = {"reset": [], "changed": []}
    model.modelReset.connect(lambda: seen["reset"].append(1))
    model.dataChanged.connect(
        lambda a, b, *_: seen["changed"].append((a.row(), a.column(), b.row(), b.column())))
    return seen


def test_the_same_halls_with_other_figures_change_only_their_rows(qtbot: Any) -> None:
    red = QColor("red")
    model = RowsModel(("Hall", "Model", "Failed"), same_row=(0, 1))
    model.set_rows([("A", "GB200", "1"), ("B", "H100", "2"), ("C", "B200", "3")],
                   [{}, {}, {}])
    seen = _signals(model)
    model.set_rows([("A", "GB200", "1"), ("B", "H100", "5"), ("C", "B200", "3")],
                   [{}, {2: red}, {}])
    assert seen == {"reset": [], "changed": [(1, 0, 1, 2)]}
    assert model.index(1, 2).data() == "5"
    assert model.index(1, 2).data(Qt.ItemDataRole.BackgroundRole) == red
    assert model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole) == DARK_TEXT
    assert model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is None
    # another hall, another count of rows: a reset
    model.set_rows([("A", "GB200", "1"), ("D", "H100", "5"), ("C", "B200", "3")],
                   [{}, {}, {}])
    model.set_rows([("A", "GB200", "1")], [{}])
    assert seen["reset"] == [1, 1]
    assert model.rowCount() == 1 and model.index(0, 0).data() == "A"


def test_rows_by_id_change_in_place_only_for_the_same_ids(qtbot: Any) -> None:
    model = RowsModel(("Job", "State"))
    model.set_rows([("1", "RUNNING"), ("2", "PENDING")], [{}, {}], None, ["1", "2"])
    seen = _signals(model)
    model.set_rows([("1", "RUNNING"), ("2", "RUNNING")], [{}, {}], None, ["1", "2"])
    assert seen == {"reset": [], "changed": [(1, 0, 1, 1)]}
    assert model.index(1, 0).data(ID_ROLE) == "2"
    model.set_rows([("3", "RUNNING"), ("2", "RUNNING")], [{}, {}], None, ["3", "2"])
    assert seen["reset"] == [1]
    # rows with no ids nor naming columns are always swapped in by a reset
    plain = RowsModel(("Time", "Message"))
    plain.set_rows([("10:00", "a")], [{}])
    seen = _signals(plain)
    plain.set_rows([("10:01", "b")], [{}])
    assert seen == {"reset": [1], "changed": []}


def test_roles_it_has_no_answer_for_are_none(qtbot: Any) -> None:
    model = RowsModel(("A",))
    model.set_rows([("x",)], [{}], None, ["id-x"])
    index = model.index(0, 0)
    for role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
                 Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.CheckStateRole):
        assert index.data(role) is None
    assert index.data() == "x" and index.data(ID_ROLE) == "id-x"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip("x")
    assert model.index(5, 0).data() is None
