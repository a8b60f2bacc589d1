"""Scanning a case's materials at the counter: pick a line of the checklist, then add
its pages from a file (Ctrl+O), by dragging files onto the window, or from the
counter's scanner folder, which is watched (Ctrl+I takes what the scanner saved).
Lines settled by a commitment, a data check or a department show that instead.
Files are checked and stored off the GUI thread."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services import scanner, scans
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.scan_files import human_size
from hall.services.scans import MaterialScans
from hall.ui.bus import ChangeBus
from hall.ui.errors import error_text, show_error
from hall.ui.scan_view import ScanStrip
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

log = logging.getLogger(__name__)

FILTER = "*.pdf *.jpg *.jpeg *.png *.tif *.tiff"
POLL_MS = 2000
ROLE = Qt.ItemDataRole.UserRole


class ScansDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        case_number: str,
        bus: ChangeBus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.case_number = case_number
        self.bus = bus
        self.busy = False
        self.lines: list[MaterialScans] = []
        self._build_ui()
        self.setAcceptDrops(True)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh_scanner)
        self.timer.start()
        self.reload()
        self.refresh_scanner()

    def _build_ui(self) -> None:
        self.setObjectName("scansDialog")
        self.setWindowTitle(_("材料扫描 — 案件 {number}").format(number=self.case_number))
        self.materials = named(QListWidget(), "scanMaterials")
        self.materials.setWordWrap(True)
        self.materials.currentRowChanged.connect(lambda _row: self._show_line())
        self.settled = named(QLabel(), "scanSettled")
        self.settled.setWordWrap(True)
        self.pages = named(ScanStrip(), "scanPages")
        self.tray = named(QListWidget(), "scannerTray")
        self.tray.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.tray.setMaximumHeight(120)
        self.tray_label = named(QLabel(), "scannerFolder")
        self.tray_label.setWordWrap(True)
        self.message = message_label()
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label, keys, slot in (
            ("add", _("从文件添加…"), "Ctrl+O", self.add_from_files),
            ("scanner", _("收入扫描仪文件"), "Ctrl+I", self.add_from_scanner),
            ("view", _("查看"), "Return", self.pages.view_current),
            ("remove", _("移除所选"), "Delete", self.remove_scan),
            ("folder", _("设置扫描仪文件夹…"), "Ctrl+Shift+F", self.choose_folder),
        ):
            button = named(QPushButton(f"{label} ({keys})"), f"scans_{key}")
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            if key != "view":  # Enter on a thumbnail opens it (itemActivated)
                QShortcut(QKeySequence(keys), self, slot)
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        close = QPushButton(_("关闭 (Esc)"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.settled)
        right_layout.addWidget(self.pages, 1)
        right_layout.addWidget(self.tray_label)
        right_layout.addWidget(self.tray)
        split = QSplitter()
        split.addWidget(self.materials)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        hint = QLabel(_("选择左侧的材料，再添加扫描件；也可以把文件直接拖到本窗口。"))
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        screen = self.screen().availableGeometry()
        self.resize(min(1000, screen.width()), min(680, screen.height() - 60))

    # --- reading ---------------------------------------------------------------------------

    def reload(self, keep: uuid.UUID | None = None) -> None:
        try:
            self.lines = list(scans.case_scans(self.ctx, self.actor, self.case_number))
        except HallError as exc:
            show_error(self, exc)
            return
        line = self.current_line()
        current = keep or (line.material_id if line is not None else None)
        self.materials.blockSignals(True)
        self.materials.clear()
        first_scannable = -1
        for n, line in enumerate(self.lines):
            if line.scannable:
                state = _("已扫描{n}份").format(n=len(line.scans)) if line.scans else _("未扫描")
                if first_scannable < 0:
                    first_scannable = n
            else:
                state = line.settled_as or _("尚未收取")
            item = QListWidgetItem(f"{line.name}\n    {state}")
            item.setData(ROLE, line.material_id)
            if not line.scannable:
                item.setForeground(Qt.GlobalColor.darkGray)
            self.materials.addItem(item)
        self.materials.blockSignals(False)
        rows = [n for n, line in enumerate(self.lines) if line.material_id == current]
        self.materials.setCurrentRow(rows[0] if rows else max(first_scannable, 0))
        self._show_line()

    def current_line(self) -> MaterialScans | None:
        row = self.materials.currentRow()
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def _show_line(self) -> None:
        line = self.current_line()
        if line is None:
            self.pages.clear()
            self.settled.setText("")
            self._enable()
            return
        if not line.scannable:
            text = (
                _("这项材料无需扫描：{how}。").format(how=line.settled_as)
                if line.settled_as
                else _("这项材料尚未收取，收取后才能扫描（案件页 Ctrl+R）。")
            )
        else:
            text = _("“{name}”的扫描件，按页序排列：").format(name=line.name)
        self.settled.setText(text)
        self.pages.show_scans([(line.name, line.scans)], numbered=False)
        self._enable()

    def _enable(self) -> None:
        line = self.current_line()
        can_add = bool(line and line.scannable) and not self.busy
        self.buttons["add"].setEnabled(can_add)
        self.buttons["scanner"].setEnabled(can_add and self.tray.count() > 0)
        self.buttons["view"].setEnabled(bool(line and line.scans))
        self.buttons["remove"].setEnabled(bool(line and line.scans) and not self.busy)

    # --- the scanner's folder ------------------------------------------------------------

    def refresh_scanner(self) -> None:
        folder = self.ctx.settings.scanner_folder
        if not folder:
            self.tray_label.setText(_("未设置扫描仪文件夹（Ctrl+Shift+F 设置）。"))
            self.tray.clear()
            self._enable()
            return
        path = Path(folder)

        def done(found: tuple) -> None:
            if not path.is_dir():
                self.tray_label.setText(
                    _("扫描仪文件夹 {path} 不存在或无法访问。").format(path=path)
                )
            else:
                self.tray_label.setText(
                    _("扫描仪文件夹 {path}：新扫描的文件{n}份").format(path=path, n=len(found))
                )
            chosen = {i.data(ROLE) for i in self.tray.selectedItems()}
            self.tray.clear()
            for incoming in found:
                item = QListWidgetItem(
                    f"{incoming.name}  {human_size(incoming.size)}  {incoming.modified:%H:%M:%S}"
                )
                item.setData(ROLE, str(incoming.path))
                self.tray.addItem(item)
                item.setSelected(str(incoming.path) in chosen)
            self._enable()

        run_task(self, lambda: scanner.scanner_files(path), done, lambda _exc: None)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("扫描仪保存文件的文件夹"), self.ctx.settings.scanner_folder or str(Path.home())
        )
        if not folder:
            return
        try:
            scanner.set_scanner_folder(self.ctx, self.actor, folder)
        except HallError as exc:
            self._say(error_text(exc))
            return
        self.refresh_scanner()

    # --- adding and removing ----------------------------------------------------------------

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)

    def add_files(self, files: list[Path], *, from_scanner: bool = False) -> None:
        """Check and store ``files`` as the next pages of the current line (off the GUI
        thread); a refused file is named and nothing is taken in."""
        line = self.current_line()
        if line is None or not files or self.busy:
            return
        if not line.scannable:
            self._say(self.settled.text())
            return
        ctx, actor, number, material = self.ctx, self.actor, self.case_number, line.material_id
        self.busy = True
        self._enable()
        self._say(_("正在检查并保存{n}个文件……").format(n=len(files)), error=False)

        def work() -> tuple:
            return scans.add_scans(ctx, actor, number, material, files, from_scanner=from_scanner)

        def done(result: tuple) -> None:
            _views, changes = result
            self.busy = False
            self._say(_("已收入{n}份扫描件。").format(n=len(files)), error=False)
            if self.bus is not None:
                self.bus.publish(changes)
            self.reload(material)
            if from_scanner:
                self.refresh_scanner()

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._enable()
            self._say(error_text(exc))

        run_task(self, work, done, failed)

    def add_from_files(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(
            self,
            _("选择扫描件"),
            str(Path.home()),
            _("扫描件 ({patterns})").format(patterns=FILTER),
        )
        self.add_files([Path(p) for p in chosen])

    def add_from_scanner(self) -> None:
        items = self.tray.selectedItems() or [self.tray.item(r) for r in range(self.tray.count())]
        self.add_files([Path(i.data(ROLE)) for i in items if i is not None], from_scanner=True)

    def remove_scan(self) -> None:
        scan = self.pages.current_scan()
        line = self.current_line()
        if scan is None or line is None or self.busy:
            return
        answer = QMessageBox.question(
            self,
            _("移除扫描件"),
            _("从“{name}”中移除 {file}？（移除记录会保留在办理记录中）").format(
                name=line.name, file=scan.original_name
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            _views, changes = scans.remove_scan(self.ctx, self.actor, scan.id)
        except HallError as exc:
            self._say(error_text(exc))
            return
        if self.bus is not None:
            self.bus.publish(changes)
        self.reload(line.material_id)

    # --- drag and drop ---------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.add_files(files)

    def reject(self) -> None:
        if self.busy:
            self._say(_("正在保存扫描件，请稍候再关闭。"))
            return
        self.timer.stop()
        super().reject()
