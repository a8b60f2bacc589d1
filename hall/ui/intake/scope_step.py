"""Step 2: what the applicant wants to do: standard scope entries or permit items, and
the permits they need, each with its department, reform mode and why it is there."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from hall.core.i18n import _
from hall.services.derive import Plan
from hall.services.intake_state import Step
from hall.services.labels import mode_name, route_name
from hall.ui.intake.base import StepWidget, heading, hint
from hall.ui.widgets import named

CODE_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
RESULTS = 50


class _Search(QLineEdit):
    def __init__(self, step: ScopeStep) -> None:
        super().__init__()
        self._step = step

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self._step.results.setFocus()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._step.add_current()
            return
        super().keyPressEvent(event)


class _Picked(QListWidget):
    def __init__(self, step: ScopeStep) -> None:
        super().__init__()
        self._step = step

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._step.remove_current()
            return
        super().keyPressEvent(event)


class _Results(QListWidget):
    def __init__(self, step: ScopeStep) -> None:
        super().__init__()
        self._step = step

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._step.add_current()
            return
        if event.key() == Qt.Key.Key_Up and self.currentRow() <= 0:
            self._step.search.setFocus()
            return
        super().keyPressEvent(event)


class ScopeStep(StepWidget):
    step = Step.scope

    def _build(self) -> None:
        self.search = named(_Search(self), "scopeSearch")
        self.search.setPlaceholderText(
            _("查找经营范围或许可事项：文字、编码或拼音首字母，回车加入")
        )
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=100)
        self._debounce.timeout.connect(self._refresh_results)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.results = named(_Results(self), "scopeResults")
        self.results.itemActivated.connect(lambda _item: self.add_current())
        self.picked = named(_Picked(self), "scopePicked")
        self.registered_button = named(QPushButton(_("带入登记经营范围")), "scopeRegistered")
        self.registered_button.clicked.connect(self.add_registered)
        self.permits = named(QTableWidget(0, 5), "permitsTable")
        self.permits.setHorizontalHeaderLabels(
            [_("许可事项"), _("审批部门"), _("改革方式"), _("办理方式"), _("为何需要")]
        )
        self.permits.verticalHeader().hide()
        self.permits.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.permits.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.permits.itemChanged.connect(self._permit_toggled)
        self.plan_note = named(QLabel(), "planNote")
        self.plan_note.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.results, 1)
        middle = QVBoxLayout()
        middle.addWidget(QLabel(_("已选（Delete 移除）")))
        middle.addWidget(self.picked, 1)
        middle.addWidget(self.registered_button)
        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addLayout(middle, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("第二步 办理事项")))
        layout.addWidget(
            hint(
                _(
                    "选择规范经营范围（或直接选择许可事项），所需许可随选择即时列出；取消勾选表示该事项对本申请人不适用。"
                )
            )
        )
        layout.addLayout(top, 2)
        layout.addWidget(QLabel(_("需要办理的许可")))
        layout.addWidget(self.permits, 2)
        layout.addWidget(self.plan_note)
        self._rendering = False
        self._refresh_results()

    # --- picking -------------------------------------------------------------------------

    def _refresh_results(self) -> None:
        hits = self.page.ctx.catalog().search(self.search.text(), limit=RESULTS)
        self.results.clear()
        for hit in hits:
            label = _("事项") if hit.kind == "item" else _("范围")
            item = QListWidgetItem(f"[{label}] {hit.code}  {hit.title}")
            item.setData(CODE_ROLE, hit.code)
            item.setData(KIND_ROLE, hit.kind)
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)

    def add_current(self) -> None:
        if self._debounce.isActive():  # Enter right after typing: the hits for this text
            self._debounce.stop()
            self._refresh_results()
        if self.results.hasFocus() is False and not self.search.text().strip():
            return  # Enter in an empty search adds nothing
        item = self.results.currentItem()
        if item is None:
            return
        code, kind = item.data(CODE_ROLE), item.data(KIND_ROLE)
        s = self.state
        if kind == "scope" and code not in s.scope:
            self.page.edit(s.replace(scope=(*s.scope, code)))
        elif kind == "item" and code not in s.items:
            self.page.edit(s.replace(items=(*s.items, code)))
        self.search.clear()
        self.search.setFocus()

    def add_registered(self) -> None:
        check = self.page.steps[Step.applicant].check  # type: ignore[attr-defined]
        if check is None or check.registered is None:
            return
        catalog = self.page.ctx.catalog()
        codes = [
            c
            for c in check.registered.registered_scope
            if c in catalog.scope and c not in self.state.scope
        ]
        if codes:
            self.page.edit(self.state.replace(scope=(*self.state.scope, *codes)))

    def remove_current(self) -> None:
        item = self.picked.currentItem()
        if item is None:
            return
        code, kind = item.data(CODE_ROLE), item.data(KIND_ROLE)
        s = self.state
        if kind == "scope":
            self.page.edit(s.replace(scope=tuple(c for c in s.scope if c != code)))
        else:
            self.page.edit(s.replace(items=tuple(c for c in s.items if c != code)))
        self.picked.setFocus()

    def _permit_toggled(self, cell: QTableWidgetItem) -> None:
        if self._rendering or cell.column() != 0:
            return
        code = cell.data(CODE_ROLE)
        if not code or not cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return
        without = set(self.state.without)
        if cell.checkState() == Qt.CheckState.Checked:
            without.discard(code)
        else:
            without.add(code)
        self.page.edit(self.state.replace(without=tuple(sorted(without))))
        for row in range(self.permits.rowCount()):  # the cursor stays on the same permit
            first = self.permits.item(row, 0)
            if first is not None and first.data(CODE_ROLE) == code:
                self.permits.setCurrentCell(row, 0)
                break

    # --- rendering -----------------------------------------------------------------------

    def show_state(self) -> None:
        catalog = self.page.ctx.catalog()
        s = self.state
        row = self.picked.currentRow()
        self.picked.clear()
        for code in s.scope:
            entry = catalog.scope.get(code)
            kind = _("一般项目") if entry is not None and not entry.licensed else _("许可项目")
            text = entry.text if entry is not None else code
            item = QListWidgetItem(f"{code}  {text}（{kind}）")
            item.setData(CODE_ROLE, code)
            item.setData(KIND_ROLE, "scope")
            self.picked.addItem(item)
        for code in s.items:
            found = catalog.items.get(code)
            item = QListWidgetItem(
                _("[直接申请] {code}  {name}").format(code=code, name=found.name if found else "")
            )
            item.setData(CODE_ROLE, code)
            item.setData(KIND_ROLE, "item")
            self.picked.addItem(item)
        if self.picked.count():
            self.picked.setCurrentRow(min(max(row, 0), self.picked.count() - 1))
        check = self.page.steps[Step.applicant].check  # type: ignore[attr-defined]
        self.registered_button.setEnabled(
            check is not None
            and check.registered is not None
            and bool(check.registered.registered_scope)
        )
        self._render_permits(self.page.plan)

    def _render_permits(self, plan: Plan | None) -> None:
        # (code, name, department, mode, route, why, checked: None = not checkable)
        rows: list[tuple[str, str, str, str, str, str, bool | None]] = []
        if plan is not None:
            for p in plan.items:
                why = _("、").join(p.because_of) if p.because_of else _("直接申请")
                rows.append(
                    (
                        p.item.code,
                        p.item.name,
                        p.item.department_name,
                        mode_name(p.item.reform_mode),
                        route_name(p.route),
                        why,
                        None if p.requested_directly else True,
                    )
                )
            for i in plan.left_out:
                rows.append(
                    (
                        i.code,
                        i.name,
                        i.department_name,
                        mode_name(i.reform_mode),
                        "",
                        _("不适用，已排除"),
                        False,
                    )
                )
        self._rendering = True
        self.permits.setRowCount(len(rows))
        for r, (code, name, dept, mode, route, why, checked) in enumerate(rows):
            first = QTableWidgetItem(f"{code} {name}")
            first.setData(CODE_ROLE, code)
            if checked is not None:
                first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                first.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.permits.setItem(r, 0, first)
            for c, text in enumerate((dept, mode, route, why), 1):
                self.permits.setItem(r, c, QTableWidgetItem(text))
        self.permits.resizeColumnsToContents()
        self.permits.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._rendering = False
        if self.page.plan_error:
            self.plan_note.setText(self.page.plan_error)
            self.plan_note.setStyleSheet("color: #b00020;")
        elif plan is not None and plan.general_scope:
            entries = _("、").join(e.text for e in plan.general_scope)
            self.plan_note.setText(_("一般项目无需许可：{entries}").format(entries=entries))
            self.plan_note.setStyleSheet("color: #555;")
        else:
            self.plan_note.clear()

    def enter(self) -> None:
        self.search.setFocus()
