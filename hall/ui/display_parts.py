"""Pieces of the hall display: its colours, labels sized by the screen, and the bar of
waiting counts per category."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from hall.core.i18n import _
from hall.services.queue_status import CategoryStatus
from hall.ui.widgets import named

# Light on dark blue, the number in amber: readable across a bright hall, and the call
# stands out from everything else on the screen.
STYLE = """
#hallDisplay { background: #0b1b30; }
QLabel { color: #e8eef6; }
#displayNumber { color: #ffd54a; }
#displayNumber[dim="true"] { color: #e8eef6; }
#displayWindow { color: #ffffff; }
#displayState, #displayHistoryTitle, #displayClock { color: #8fb3d9; }
#displayCurrent, #displayHistory { background: #12284a; border-radius: 12px; }
#displayCategory { background: #183460; border-radius: 8px; padding: 6px; }
#displayProblem { background: #8a1c1c; color: #ffffff; padding: 8px; }
"""


def big_label(name: str, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
    label = named(QLabel(), name)
    label.setAlignment(align)
    # Sizes follow the screen (see fit_font), never the text: a long number must not
    # push the panels around.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def fit_font(
    label: QLabel, pixels: float, texts: list[str], *, bold: bool = False, width: float = 0
) -> None:
    """Give ``label`` a font ``pixels`` high, smaller if a text would not fit its width."""
    width = width or label.contentsRect().width() * 0.95
    font = QFont(label.font())
    font.setBold(bold)
    size = max(int(pixels), 8)
    font.setPixelSize(size)
    while size > 8 and texts:
        longest = max(QFontMetrics(font).horizontalAdvance(t) for t in texts)
        if longest <= width:
            break
        size = max(8, int(size * min(0.95, width / longest)))
        font.setPixelSize(size)
    if label.font() != font:
        label.setFont(font)


class WaitingBar(QWidget):
    """One box per queue category: how many wait, and for about how long."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(16)
        self.boxes: list[QLabel] = []

    def show_categories(self, categories: tuple[CategoryStatus, ...]) -> None:
        while len(self.boxes) < len(categories):
            box = big_label("displayCategory")
            box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            self.row.addWidget(box, 1)
            self.boxes.append(box)
        for box, cat in zip(self.boxes, categories, strict=False):
            if cat.waiting:
                line = _("等候 {n} 人 · 约 {minutes} 分钟").format(
                    n=cat.waiting,
                    minutes=max(1, cat.estimated_wait_minutes),  # never "约 0 分钟"
                )
            else:
                line = _("无人等候")
            box.setText(f"{cat.letter} {cat.name}\n{line}")
        for i, box in enumerate(self.boxes):
            box.setVisible(i < len(categories))

    def fit(self, pixels: float) -> None:
        shown = [box for box in self.boxes if not box.isHidden()]
        lines = [line for box in shown for line in box.text().splitlines()]
        narrowest = min((box.contentsRect().width() for box in shown), default=0)
        for box in shown:  # one size for all: the bar reads as one row of boxes
            fit_font(box, pixels, lines, width=narrowest * 0.9)
