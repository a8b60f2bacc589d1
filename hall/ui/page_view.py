"""The pages of a PDF, one under the other, on white (QPdfView paints each page's
background white itself), fitted to the width or zoomed in steps."""

from __future__ import annotations

from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QWidget

from hall.core.i18n import _

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 4.0


class PageView(QPdfView):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setPageMode(QPdfView.PageMode.MultiPage)
        self.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def effective_zoom(self) -> float:
        """The zoom shown now (QPdfView keeps 1.0 as the factor while fitting the width)."""
        document = self.document()
        if self.zoomMode() is QPdfView.ZoomMode.Custom or document is None:
            return self.zoomFactor()
        page = document.pagePointSize(0)
        margins = self.documentMargins()
        width = self.viewport().width() - margins.left() - margins.right()
        pixels_per_point = self.logicalDpiX() / 72
        return width / (page.width() * pixels_per_point) if page.width() > 0 else 1.0

    def zoom_by(self, factor: float) -> None:
        zoom = min(ZOOM_MAX, max(ZOOM_MIN, self.effective_zoom() * factor))
        self.setZoomMode(QPdfView.ZoomMode.Custom)
        self.setZoomFactor(zoom)

    def fit_width(self) -> None:
        self.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def zoom_text(self) -> str:
        if self.zoomMode() is QPdfView.ZoomMode.FitToWidth:
            return _("适合宽度")
        return f"{round(self.zoomFactor() * 100)}%"

    def current_page(self) -> int:
        """The page at the top of the view, counted from 1."""
        return self.pageNavigator().currentPage() + 1
