"""Step 4: the merged materials checklist, each line with its proof mode: received on
paper, covered by commitment, checked on the data platform (F5), or asked of the
department that owns the fact; a non-key paper material may be deferred (容缺)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from hall.core.clock import local_today
from hall.core.i18n import _
from hall.models.enums import MaterialStatus, ProofMode
from hall.services.derive import PlannedMaterial
from hall.services.intake_flow import run_data_checks
from hall.services.intake_materials import ALLOWED_MATERIAL_STATUS, DEFAULT_MATERIAL_STATUS
from hall.services.intake_state import IntakeState, MaterialChoice, Step
from hall.services.labels import material_status_name, proof_name
from hall.ui.errors import show_error
from hall.ui.intake.base import StepWidget, heading, hint
from hall.ui.tasks import run_task
from hall.ui.widgets import named

# The order a clerk reads the choices in.
STATUS_ORDER = list(MaterialStatus)
DEFAULT_DEFER_DAYS = 10


class Col:
    name, mode, source, items, status, due, note = range(7)


WIDTHS = {
    Col.mode: 84,
    Col.source: 130,
    Col.items: 96,
    Col.status: 120,
    Col.due: 100,
    Col.note: 180,
}


class MaterialsStep(StepWidget):
    step = Step.materials

    def _build(self) -> None:
        self.table = named(QTableWidget(0, 7), "materialsTable")
        self.table.setHorizontalHeaderLabels(
            [
                _("材料"),
                _("办理方式"),
                _("数据源 / 核验部门"),
                _("涉及事项"),
                _("情况"),
                _("承诺补交日期"),
                _("核验结果"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.check_button = named(QPushButton(_("数据核验 (F5)")), "dataCheck")
        self.check_button.clicked.connect(self.run_checks)
        QShortcut(
            QKeySequence("F5"),
            self,
            self.run_checks,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.message = named(QLabel(), "materialsMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("第四步 材料")))
        layout.addWidget(
            hint(
                _(
                    "已承诺和不再提交的材料无需收取；数据核验直接查询共享数据；部门核验在受理后向有关部门发起请求，答复前案件显示待核验。"
                    "非关键的纸质材料可容缺受理，写明申请人承诺补交的日期。"
                )
            )
        )
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self._lines: tuple[object, ...] = ()
        self._status: dict[str, QComboBox] = {}
        self._due: dict[str, QLineEdit] = {}

    # --- edits ---------------------------------------------------------------------------

    def _choice(self, name: str) -> MaterialChoice:
        return self.state.materials.get(name, MaterialChoice())

    def _set(self, name: str, choice: MaterialChoice, *, typing: bool = False) -> None:
        materials = dict(self.state.materials)
        materials[name] = choice
        self.page.edit(self.state.replace(materials=materials), typing=typing, replan=False)
        if not typing:
            self.page.refresh_problems()
            self._render_rows()

    def _status_chosen(self, name: str, box: QComboBox) -> None:
        status = box.currentData()
        old = self._choice(name)
        due = old.due
        if status == MaterialStatus.deferred.value and not due:
            due = (
                local_today(self.page.ctx.clock) + timedelta(days=DEFAULT_DEFER_DAYS)
            ).isoformat()
        self._set(
            name,
            MaterialChoice(
                status, due if status == MaterialStatus.deferred.value else None, old.note
            ),
        )

    def _due_typed(self, name: str, text: str) -> None:
        old = self._choice(name)
        self._set(name, MaterialChoice(old.status, text.strip() or None, old.note), typing=True)

    def run_checks(self) -> None:
        """Query the data platform off the GUI thread (a real platform is a network
        call); the answers are merged into whatever the clerk has done meanwhile."""
        plan = self.page.plan
        if plan is None or not self.check_button.isEnabled():
            return
        ctx, state = self.page.ctx, self.state
        self.check_button.setEnabled(False)
        self.check_button.setText(_("正在核验……"))

        def done(checked: IntakeState) -> None:
            self._checks_over()
            current = self.page.plan
            still = {m.name for m in current.materials} if current is not None else set()
            materials = dict(self.state.materials)
            for name, choice in checked.materials.items():
                # Lines still on the checklist, and not changed by the clerk since.
                if name in still and materials.get(name) == state.materials.get(name):
                    materials[name] = choice
            self.page.edit(self.state.replace(materials=materials), replan=False)
            self.page.refresh_problems()
            self._render_rows()
            self.page.checks_done.emit()

        def failed(exc: BaseException) -> None:
            self._checks_over()
            show_error(self, exc, _("数据核验未完成"))

        run_task(self, lambda: run_data_checks(ctx, state, plan), done, failed)

    def _checks_over(self) -> None:
        self.check_button.setEnabled(True)
        self.check_button.setText(_("数据核验 (F5)"))

    # --- rendering -----------------------------------------------------------------------

    def show_state(self) -> None:
        plan = self.page.plan
        materials = plan.materials if plan is not None else ()
        lines = tuple((m.name, m.proof_mode, m.items, m.key, m.source) for m in materials)
        if lines != self._lines:
            self._rebuild(materials)
            self._lines = lines
        self._render_rows()

    def _rebuild(self, materials: tuple[PlannedMaterial, ...]) -> None:
        items = self.page.ctx.catalog().items
        self.table.setRowCount(len(materials))
        self._status, self._due = {}, {}
        for r, m in enumerate(materials):
            name = m.name + (_("（关键材料）") if m.key else "")
            for col, text in (
                (Col.name, name),
                (Col.mode, proof_name(m.proof_mode)),
                (Col.source, m.source or ""),
                (Col.items, _("、").join(m.items)),
            ):
                cell = QTableWidgetItem(text)
                cell.setToolTip(
                    "\n".join(f"{c} {items[c].name}" for c in m.items if c in items)
                    if col == Col.items
                    else text
                )
                self.table.setItem(r, col, cell)
            allowed = set(ALLOWED_MATERIAL_STATUS[m.proof_mode])
            if m.proof_mode is ProofMode.data_verification:
                allowed.add(MaterialStatus.not_confirmed)  # what the platform answered
            box = named(QComboBox(), f"materialStatus_{r}")
            for status in STATUS_ORDER:
                if status in allowed and not (status is MaterialStatus.deferred and m.key):
                    box.addItem(material_status_name(status), status.value)
            box.setEnabled(box.count() > 1)
            box.activated.connect(lambda _i, n=m.name, b=box: self._status_chosen(n, b))
            self.table.setCellWidget(r, Col.status, box)
            self._status[m.name] = box
            due = named(QLineEdit(), f"materialDue_{r}")
            due.setPlaceholderText("YYYY-MM-DD")
            due.textEdited.connect(lambda t, n=m.name: self._due_typed(n, t))
            due.editingFinished.connect(self.page.refresh_problems)
            self.table.setCellWidget(r, Col.due, due)
            self._due[m.name] = due
            self.table.setItem(r, Col.note, QTableWidgetItem(""))
        header = self.table.horizontalHeader()
        for col, width in WIDTHS.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(Col.name, QHeaderView.ResizeMode.Stretch)

    def _render_rows(self) -> None:
        plan = self.page.plan
        if plan is None:
            self.message.clear()
            return
        for r, m in enumerate(plan.materials):
            choice = self._choice(m.name)
            status = choice.status or DEFAULT_MATERIAL_STATUS[m.proof_mode].value
            box = self._status.get(m.name)
            if box is not None:
                index = box.findData(status)
                box.setCurrentIndex(index if index >= 0 else 0)
            deferred = status == MaterialStatus.deferred.value
            due = self._due.get(m.name)
            if due is not None:
                due.setEnabled(deferred)
                if not due.hasFocus():
                    due.setText((choice.due or "") if deferred else "")
            note = choice.note
            if (
                m.proof_mode is ProofMode.department_verification
                and status == MaterialStatus.verification_requested.value
            ):
                note = note or _("受理后向{source}发起核验，答复前显示待核验").format(
                    source=m.source or _("有关部门")
                )
            cell = self.table.item(r, Col.note)
            if cell is not None:
                cell.setText(note)
                cell.setToolTip(note)
        self.message.setText("\n".join(p.message for p in self.my_problems()))

    def enter(self) -> None:
        self.table.setFocus()
        if self.table.rowCount():
            self.table.setCurrentCell(0, Col.status)

    def reset(self) -> None:
        self._lines = ()
