"""The general page of the administrator's settings: the hall as printed on documents,
this counter, the language, and the counter's security and scanner. Each field is
checked by :func:`hall.services.settings_admin.change_settings` when saved; only what
changed is sent (and audited)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import LANGUAGES, _, effective_language
from hall.core.settings import Settings
from hall.ui.widgets import named


def language_combo(selected: str) -> QComboBox:
    """The program's languages, each in its own language, ``selected`` current."""
    combo = named(QComboBox(), "language")
    for code, name in LANGUAGES.items():
        combo.addItem(name, code)
    combo.setCurrentIndex(max(0, combo.findData(selected)))
    return combo


def _spin(settings: Settings, name: str) -> QSpinBox:
    meta = next(f.metadata for f in Settings.__dataclass_fields__.values() if f.name == name)
    spin = named(QSpinBox(), name)
    spin.setRange(int(meta["min"]), int(meta["max"]))
    spin.setValue(int(getattr(settings, name)))
    return spin


class GeneralSettings(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.hall_name = named(QLineEdit(settings.hall_name), "hallName")
        self.hall_name.setMaxLength(60)
        self.hall_code = named(QLineEdit(settings.hall_code), "hallCode")
        self.hall_code.setPlaceholderText(_("行政区划代码，如 320305"))
        self.counter = named(QLineEdit(settings.counter_code or ""), "counterCode")
        self.counter.setPlaceholderText(_("如 C01"))
        self.language = language_combo(effective_language(settings.language))
        hall = QGroupBox(_("大厅和本窗口"))
        form = QFormLayout(hall)
        form.addRow(_("大厅名称"), self.hall_name)
        form.addRow(_("大厅编码"), self.hall_code)
        form.addRow(_("窗口编号"), self.counter)
        counter_note = QLabel(
            _("窗口编号印在本机的受理单号和证照编号上；改动后，新的编号从下一份开始使用。")
        )
        counter_note.setWordWrap(True)
        form.addRow(counter_note)
        form.addRow(_("语言"), self.language)
        language_note = QLabel(_("界面语言在程序重新启动后生效，文书也用这种语言打印。"))
        language_note.setWordWrap(True)
        form.addRow(language_note)

        self.idle_lock = _spin(settings, "idle_lock_minutes")
        self.idle_lock.setSuffix(_(" 分钟"))
        self.lockout_attempts = _spin(settings, "lockout_attempts")
        self.lockout_attempts.setSuffix(_(" 次"))
        self.lockout_minutes = _spin(settings, "lockout_minutes")
        self.lockout_minutes.setSuffix(_(" 分钟"))
        security = QGroupBox(_("安全"))
        form = QFormLayout(security)
        form.addRow(_("无操作后锁定窗口"), self.idle_lock)
        form.addRow(_("连续登录失败几次锁定账号"), self.lockout_attempts)
        form.addRow(_("账号锁定时长"), self.lockout_minutes)

        self.scanner_folder = named(QLineEdit(settings.scanner_folder), "scannerFolder")
        self.scanner_folder.setPlaceholderText(_("不使用扫描仪文件夹"))
        browse = named(QPushButton(_("选择…")), "browseScanner")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.scanner_folder, 1)
        folder_row.addWidget(browse)
        self.scan_max = _spin(settings, "scan_max_mb")
        self.scan_max.setSuffix(" MB")
        scanning = QGroupBox(_("扫描"))
        form = QFormLayout(scanning)
        form.addRow(_("扫描仪保存文件的文件夹"), folder_row)
        form.addRow(_("单个扫描件最大"), self.scan_max)

        layout = QVBoxLayout(self)
        layout.addWidget(hall)
        layout.addWidget(security)
        layout.addWidget(scanning)
        layout.addStretch(1)

    def _choose_folder(self) -> None:
        start = self.scanner_folder.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, _("扫描仪保存文件的文件夹"), start)
        if folder:
            self.scanner_folder.setText(folder)

    def values(self) -> dict[str, Any]:
        """Every setting of this page as typed (checked when saved)."""
        return {
            "hall_name": self.hall_name.text().strip(),
            "hall_code": self.hall_code.text().strip(),
            "counter_code": self.counter.text().strip(),
            "language": self.language.currentData(),
            "idle_lock_minutes": self.idle_lock.value(),
            "lockout_attempts": self.lockout_attempts.value(),
            "lockout_minutes": self.lockout_minutes.value(),
            "scanner_folder": self.scanner_folder.text().strip(),
            "scan_max_mb": self.scan_max.value(),
        }

    def changes(self) -> dict[str, Any]:
        """The settings that differ from those in force. The counter code is left out
        when both are empty (a counter of no number yet stays so)."""
        changed = {}
        for name, value in self.values().items():
            current = getattr(self.settings, name)
            if name == "language":
                current = effective_language(current)
            if name == "counter_code" and not value and not current:
                continue
            if value != (current or ""):
                changed[name] = value
        return changed
