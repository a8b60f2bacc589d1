"""The catalog browser: search permit items and scope entries by Chinese text, code or
pinyin initials, and read everything the counter needs to know about one of them."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import _
from hall.models.enums import ReformMode
from hall.services.catalog_views import CatalogSnapshot
from hall.services.context import AppContext
from hall.services.labels import mode_name
from hall.ui.catalog_details import item_html, scope_html
from hall.ui.catalog_model import SORT_ROLE, CatalogRow, CatalogTableModel, Columns
from hall.ui.widgets import named


class _SearchField(QLineEdit):
    """Down arrow moves into the results, so the clerk never reaches for the mouse."""

    def __init__(self, page: CatalogPage) -> None:
        super().__init__()
        self.setObjectName("catalogSearch")
        self._page = page

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._page.focus_results()
            return
        super().keyPressEvent(event)


class CatalogPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.catalog: CatalogSnapshot = ctx.catalog()
        self.model = CatalogTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self.refresh)
        self._build_ui()
        self.refresh()

    def _build_ui(self) -> None:
        self.search = _SearchField(self)
        self.search.setPlaceholderText(_("输入名称、编码或拼音首字母查找，如“餐饮”“F1040”“spjy”"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.kind = named(QComboBox(), "catalogKind")
        self.kind.addItem(_("全部"), ("item", "scope"))
        self.kind.addItem(_("许可事项"), ("item",))
        self.kind.addItem(_("经营范围"), ("scope",))
        self.kind.currentIndexChanged.connect(self.refresh)
        self.mode = named(QComboBox(), "catalogMode")
        self.mode.addItem(_("全部改革方式"), None)
        for mode in ReformMode:
            self.mode.addItem(mode_name(mode), mode)
        self.mode.currentIndexChanged.connect(self.refresh)
        self.count = named(QLabel(), "catalogCount")
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.kind)
        bar.addWidget(self.mode)
        bar.addWidget(self.count)

        self.table = named(QTableView(), "catalogTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Columns.kind, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Columns.title, QHeaderView.ResizeMode.Stretch)
        for column in (Columns.kind, Columns.code, Columns.mode):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # A scope entry may name several departments: a fixed width, the rest in a tooltip.
        header.setSectionResizeMode(Columns.department, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(Columns.department, 150)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.details = named(QTextBrowser(), "catalogDetails")
        self.details.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def reload_catalog(self) -> None:
        self.catalog = self.ctx.catalog()
        self.refresh()

    def refresh(self) -> None:
        kinds = tuple(self.kind.currentData())
        chosen = self.mode.currentData()  # Qt hands the enum back as its plain value
        mode = ReformMode(chosen) if chosen else None
        rows: list[CatalogRow] = []
        for hit in self.catalog.search(self.search.text(), kinds=kinds, limit=5000):
            if hit.kind == "item":
                item = self.catalog.items[hit.code]
                if mode is not None and item.reform_mode is not mode:
                    continue
                rows.append(
                    CatalogRow(
                        "item",
                        item.code,
                        item.name,
                        mode_name(item.reform_mode),
                        item.department_name,
                    )
                )
            else:
                entry = self.catalog.scope[hit.code]
                needed = [self.catalog.items[c] for c in entry.items]
                if mode is not None and not any(i.reform_mode is mode for i in needed):
                    continue
                rows.append(
                    CatalogRow(
                        "scope",
                        entry.code,
                        entry.text,
                        _("许可项目") if entry.licensed else _("一般项目"),
                        _("、").join(dict.fromkeys(i.department_name for i in needed)),
                    )
                )
        self.model.set_rows(rows)
        self.proxy.sort(
            self.table.horizontalHeader().sortIndicatorSection(),
            self.table.horizontalHeader().sortIndicatorOrder(),
        )
        self.count.setText(_("{n} 条").format(n=len(rows)))
        if rows:
            self.table.selectRow(0)
        else:
            self.details.setHtml(f"<p>{_('没有找到符合条件的事项或经营范围。')}</p>")

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_results(self) -> None:
        self.table.setFocus()
        if self.proxy.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.show_row(indexes[0])

    def show_row(self, index: QModelIndex) -> None:
        row = self.model.row_at(self.proxy.mapToSource(index).row())
        if row is None:
            return
        if row.kind == "item":
            self.details.setHtml(item_html(self.catalog, self.catalog.items[row.code]))
        else:
            self.details.setHtml(scope_html(self.catalog, self.catalog.scope[row.code]))
