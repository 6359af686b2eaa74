"""What the tests of a box's room (``widgets.view.LineBox``) watch: which widgets ask to be
laid out again (``QEvent.LayoutRequest``) when a figure or a line changes."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject


class LayoutRequests(QObject):
    """Names of the classes of the watched widgets that asked to be laid out, in order."""

    def __init__(self, *watched: QObject) -> None:
        super().__init__()
        self.asked: list[str] = []
        for widget in watched:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.LayoutRequest:
            self.asked.append(type(watched).__name__)
        return False


def settle(turns: int = 6) -> None:
    """Run the posted events and the event loop ``turns`` times: the first layouts done (each
    may ask for the next)."""
    for _ in range(turns):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def send_layout_requests(turns: int = 3) -> None:
    """Hand out the layout requests posted so far (and those they post), nothing else."""
    for _ in range(turns):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
