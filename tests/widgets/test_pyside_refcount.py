"""Regression guard: PySide6 6.12.0 on Python 3.11 drops a reference to None on every
call of a Qt method that returns nothing, until the interpreter aborts with
"none_dealloc: deallocating None". pyproject pins PySide6 below 6.12; this test
catches a build that has the defect."""

from __future__ import annotations

import sys

from PySide6.QtCore import QPoint, QRect


def test_void_qt_calls_keep_none_refcount() -> None:
    point = QPoint()
    rect = QRect()
    before = sys.getrefcount(None)
    for i in range(50_000):
        point.setX(i)
        rect.setWidth(i)
    after = sys.getrefcount(None)
    # A leak-free build may drift by a handful of references; the defect loses 100,000.
    assert after >= before - 100, f"None refcount fell by {before - after} over 100,000 void calls"
