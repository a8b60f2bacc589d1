"""`make doc-images`: the manuals' screenshots (docs/manual/) of the real windows, made
from a fresh demo hall, offscreen, into docs/images/screens/.

`hall init --demo` makes the hall in a temporary data folder, on a clock pinned to a
working Monday morning: the demo's day is "today", and pinned, the pictures stay the
same whatever day they are made (a weekend included). Then, in this process, the windows
are opened on that database as each demo account signs in, driven through the methods
their keys call, and grabbed. No OS keyring is touched: the demo's signing key goes into
its own secrets file, sealed with the demo's published passphrase.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import QBuffer, QDate, QEventLoop, QIODevice, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QWidget

OUT = Path(__file__).parent / "images" / "screens"
# The demo is made at 09:00 on a working Monday (its previous working day, the Friday,
# ran at the queue); the pictures are taken later that morning.
DEMO_START = "2026-11-23T09:00:00+08:00"
SHOT_AT = datetime.fromisoformat("2026-11-23T09:35:00+08:00")
PREVIOUS_DAY = date(2026, 11, 20)
PASSWORD = "hall-demo-2026"
# A counter PC's screen; the program sizes its windows for it (the main window 1280×800).
SCREEN = {"name": "counter", "x": 0, "y": 0, "width": 1920, "height": 1080,
          "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
# Demo registry entries that the demo's own cases leave alone:
RESTAURANT = "913203055517425616"  # 福满楼大酒店: catering, packaged food, karaoke
TEA_SHOP = "92320305MACH0RU09P"  # 老街奶茶店, at the guide's desk
PHARMACY = "91320305589478794G"  # a demo case: its floor plan and rules were scanned in

# `hall init --demo`, the program's own command, with the system clock pinned: it starts
# at DEMO_START and runs on from there as the real one does.
PINNED_INIT = f"""
import sys, time
from datetime import datetime, timedelta
import hall.core.clock as clock
start, began = datetime.fromisoformat({DEMO_START!r}), time.monotonic()
clock.SystemClock.now = lambda self: start + timedelta(seconds=time.monotonic() - began)
from hall.cli import main
sys.exit(main(["init", "--demo"]))
"""


def init_demo(folder: Path) -> None:
    env = dict(os.environ, HALL_DATA_DIR=str(folder))
    subprocess.run(
        [sys.executable, "-c", PINNED_INIT], env=env, check=True, capture_output=True, text=True
    )


# --- driving Qt without app.exec() --------------------------------------------------------


def pump() -> None:
    """Deliver what is pending for a moment."""
    QThreadPool.globalInstance().waitForDone(10)
    QEventLoop().processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def flush_deletes() -> None:
    """Widgets a page replaced (``deleteLater``) go only in a running event loop; outside
    one they would still be drawn. Run one, briefly. (Sparingly: in PySide6 6.12 each
    ``exec()`` of an event loop, like the static ``processEvents()``, drops a reference
    to None, and Python 3.11 aborts once None has run out of them.) A widget deleted
    from inside a loop's turn goes at the next turn: three."""
    for _turn in range(3):
        loop = QEventLoop()
        QTimer.singleShot(1, loop.quit)
        loop.exec()


def settle(seconds: float = 0.3) -> None:
    """Let background reads finish and their results reach the widgets."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pump()
    flush_deletes()


def wait_until(done: Callable[[], bool], what: str, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise RuntimeError(f"timed out waiting for {what}")
        pump()
    settle(0.2)


def shown(kind: type, what: str) -> Any:
    """The visible top-level window of ``kind`` (a dialog a key opened)."""
    found: list[QWidget] = []

    def visible() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind)]
        found[:] = [w for w in found if w.isVisible()]
        return bool(found)

    wait_until(visible, what)
    return found[0]


def save(widget: QWidget, name: str) -> None:
    """Grab ``widget`` and write it as an optimised 256-colour PNG (a window's flat colours
    and sharp text lose nothing visible, at a third of the size)."""
    settle()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    image = Image.open(BytesIO(bytes(buffer.data()))).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path = OUT / f"{name}.png"
    image.save(path, optimize=True)
    print(f"  {path.name:24} {image.width}×{image.height}  {path.stat().st_size // 1024} KB")


# --- the form's answers -------------------------------------------------------------------

# What the applicant tells the clerk, by form field (the rest follow from the type).
ANSWERS = {
    "contact_mobile": "13805162345",
    "legal_rep_id_number": "320305196203142253",
    "premises_area": "320",
    "premises_tenure": "租赁",
    "warehouse_area": "40",
    "opening_date": "2026-12-15",
    "business_type": "餐馆",
    "food_categories": "热食类食品制售；冷食类食品制售；预包装食品销售",
    "equipment_list": "冷藏冷冻设备4台；消毒柜2台；油烟净化设备1套",
    "employee_count": "18",
    "health_certificate_count": "18",
    "seats": "120",
    "private_rooms": "3",
    "fire_exits": "2",
}
BY_TYPE = {"integer": "1", "decimal": "1", "date": "2026-12-15", "mobile": "13805162345"}


def answers(page: Any, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The merged form's answers: the applicant's facts where a field asks for one."""
    s = page.state
    facts = {
        "applicant_name": s.applicant_name,
        "legal_representative": s.legal_representative,
        "contact_name": s.legal_representative,
        "safety_officer_name": s.legal_representative,
        "business_address": s.address,
        "warehouse_address": s.address,
        "uscc": s.applicant_code,
    }
    wanted = {**ANSWERS, **(overrides or {})}
    given = dict(s.answers)
    for f in page.plan.fields:
        key, kind = f.field.key, f.field.type.value
        if given.get(key):
            continue
        if facts.get(key) or key in wanted:
            given[key] = facts.get(key) or wanted[key]
        elif kind == "choice":
            given[key] = f.field.choices[0]
        elif kind == "boolean":
            given[key] = "否"
        else:
            given[key] = BY_TYPE.get(kind, "—")
    return given


def seen_on_paper(page: Any) -> dict[str, Any]:
    """What the items decided on the spot need and no data source answered: the clerk
    saw the original."""
    from hall.services.intake_state import MaterialChoice

    on_spot = {p.item.code for p in page.plan.items if p.decided_on_the_spot}
    waiting = {"pending", "not_confirmed", "verification_requested", None}
    materials = dict(page.state.materials)
    for m in page.plan.materials:
        status = materials.get(m.name, MaterialChoice()).status
        if status in waiting and on_spot.intersection(m.items):
            materials[m.name] = MaterialChoice("received")
    return materials


def pick(page: Any, query: str) -> None:
    """Search the scope step and add the first hit (Enter)."""
    from hall.services.intake_state import Step

    step = page.steps[Step.scope]
    step.search.setText(query)
    step.add_current()


# --- the shots ----------------------------------------------------------------------------


class Shots:
    """The windows of a working day, role by role."""

    def __init__(self, folder: Path) -> None:
        import keyring
        import keyring.backends.fail

        from hall.core.clock import FixedClock
        from hall.core.i18n import set_language
        from hall.core.paths import Paths
        from hall.services.context import open_context
        from hall.ui.fonts import install_application_font
        from hall.ui.translations import install_qt_translations

        keyring.set_keyring(keyring.backends.fail.Keyring())
        set_language("zh_CN")
        screens = folder / "screens.json"
        screens.write_text(json.dumps({"screens": [SCREEN]}), encoding="utf-8")
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screens}"
        self.app = QApplication.instance() or QApplication([sys.argv[0]])
        install_application_font(self.app)
        install_qt_translations(self.app, "zh_CN")
        paths = Paths(data=folder, config=folder, logs=folder / "logs").ensure()
        self.ctx = open_context(paths, clock=FixedClock(SHOT_AT))

    def close(self) -> None:
        for widget in QApplication.topLevelWidgets():
            widget.close()
        settle()
        QThreadPool.globalInstance().waitForDone(10_000)
        self.ctx.close()

    def window(self, username: str, counter: str = "C01") -> Any:
        """The main window as ``username`` signs in at ``counter``."""
        from hall.services.auth import sign_in
        from hall.ui.main_window import MainWindow

        actor = sign_in(self.ctx, username, PASSWORD, counter)
        window = MainWindow(self.ctx, actor)
        window.show()
        window.show_start_page()
        settle()
        return window

    def done_with(self, window: Any) -> None:
        window.close()
        settle()

    def run(self) -> None:
        self.signin()
        self.guide()
        self.counter()
        self.reviewer()
        self.supervisor()
        self.administrator()

    def signin(self) -> None:
        from hall.ui.signin import SignInDialog
        from hall.ui.startup import ContextLoader

        dialog = SignInDialog(ContextLoader.ready(self.ctx))
        dialog.username.setText("clerk01")
        dialog.password.setText(PASSWORD)
        dialog.show()
        dialog.password.setFocus()
        save(dialog, "signin")
        dialog.reject()

    def guide(self) -> None:
        from hall.services.intake_state import Step
        from hall.ui.prereview_dialog import PreReviewDialog

        window = self.window("guide01", "G01")
        page = window.guide_page
        page.print_ticket.setChecked(False)  # no ticket preview over the desk
        page.issue("B")  # Alt+2
        wait_until(lambda: "已取号" in page.message.text(), "a ticket")
        page.print_ticket.setChecked(True)
        number = re.search(r"已取号 (\S+?)（", page.message.text()).group(1)
        wait_until(lambda: number in self.waiting(page), "the waiting list")

        # The tea shop's owner waits: the guide pre-reviews its application (Enter).
        dialog = PreReviewDialog(self.ctx, window.actor, number, window)
        review = dialog.page
        review.steps[Step.applicant].code.setText(TEA_SHOP)
        review.steps[Step.applicant]._code_entered()  # Enter after the scan
        for query in ("H2008", "F1040"):
            pick(review, query)
        review.edit(review.state.replace(answers=answers(review, {"business_type": "饮品店",
            "food_categories": "饮品制售；预包装食品销售", "seats": "16"})))  # fmt: skip
        review.go(Step.materials)
        review.steps[Step.materials].run_checks()  # F5
        wait_until(lambda: review.steps[Step.materials].check_button.isEnabled(), "the checks")
        # What is still missing is counted again on a change of step (Alt+3, Alt+4).
        review.go(Step.form)
        review.go(Step.materials)
        dialog.show()
        save(dialog, "prereview")
        dialog.accept()

        page.refresh()
        wait_until(lambda: self.prereviewed(page, number), "the pre-review on the list")
        page.table.selectRow(self.waiting(page).index(number))
        page.table.setFocus()
        save(window, "guide-desk")

        tab = page.appointments
        page.tabs.setCurrentWidget(tab)
        wait_until(lambda: tab.day.count() > 1, "the bookable days")
        tab.category.setCurrentIndex(1)  # B 经营许可
        settle()
        tab.day.setCurrentIndex(1)  # the next working day: the demo's appointments
        wait_until(lambda: tab.slots.count() > 0 and tab.booked.count() > 0, "the slots")
        tab.slots.setCurrentRow(3)
        tab.prefill("周建华", "13952161234", "")
        save(window, "appointments")
        self.done_with(window)

    @staticmethod
    def waiting(page: Any) -> list[str]:
        return [page.model.row_at(r).number for r in range(page.model.rowCount())]

    @staticmethod
    def prereviewed(page: Any, number: str) -> bool:
        rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
        return any(r.number == number and r.prereviewed for r in rows)

    def counter(self) -> None:
        from hall.services.cases import search_cases
        from hall.services.documents import PrintKind
        from hall.services.intake_state import Step
        from hall.ui.display import HallDisplay
        from hall.ui.print_preview import PrintPreviewDialog
        from hall.ui.scans_dialog import ScansDialog

        window = self.window("clerk01")
        panel = window.queue_panel
        panel.call_next()  # Ctrl+F5
        wait_until(lambda: panel.number_label.text() not in ("", "—"), "a call")
        panel.start()  # Ctrl+F6
        wait_until(lambda: "正在办理" in panel.ticket_label.text(), "the start")
        page = window.intake_page
        applicant = page.steps[Step.applicant]
        applicant.code.setText(RESTAURANT)
        applicant._code_entered()  # Enter after the scan: on to the scope
        page.go(Step.applicant)  # Alt+1, for the picture
        save(window, "counter")

        page.go(Step.scope)
        for query in ("H2002", "F1040", "gwyl"):  # the last by its pinyin initials
            pick(page, query)
        page.edit(page.state.replace(without=("MCT-003",)))  # not foreign-invested: untick
        save(window, "intake-scope")

        page.edit(page.state.replace(answers=answers(page)))
        page.go(Step.form)
        save(window, "intake-form")

        page.go(Step.materials)
        page.steps[Step.materials].run_checks()  # F5
        wait_until(lambda: page.steps[Step.materials].check_button.isEnabled(), "the checks")
        page.edit(page.state.replace(materials=seen_on_paper(page)), replan=False)
        page.go(Step.materials)
        save(window, "intake-materials")

        page.go(Step.commitment)
        signed = tuple(p.item.code for p in page.plan.items if p.route.value == "commitment")
        page.edit(page.state.replace(signed=signed))
        page.go(Step.commitment)
        save(window, "intake-commitment")

        page.go(Step.accept)
        page.accept_case()  # Ctrl+Enter
        if page.result is None:
            raise RuntimeError(f"the case was not accepted: {page.problems}")
        number = page.result.number
        save(window, "intake-accepted")

        page.steps[Step.accept].print_document(PrintKind.receipt)  # F7
        preview = shown(PrintPreviewDialog, "the receipt's preview")
        save(preview, "print-preview")
        preview.reject()

        display = HallDisplay(self.ctx, muted=True)
        display.resize(1280, 720)
        display.show()
        wait_until(lambda: display.status is not None and display.calls, "the hall display")
        save(display, "display")
        display.close()

        window.show_cases()  # F4
        window.cases_page.open_case(number)
        save(window, "cases")

        pharmacy = search_cases(self.ctx, window.actor, PHARMACY, limit=1)[0].number
        scans = ScansDialog(self.ctx, window.actor, pharmacy, window.bus, window)
        scans.show()  # Ctrl+M
        save(scans, "scans")
        scans.reject()

        window.show_pickup()  # Shift+F4
        pickup = window.pickup_page
        wait_until(lambda: pickup.ready.count() > 1, "the cases to collect")
        noodles = next(
            n for n in range(pickup.ready.count()) if "面馆" in pickup.ready.item(n).text()
        )
        pickup.ready.setCurrentRow(noodles)
        wait_until(lambda: pickup.detail is not None, "the case to collect")
        save(window, "pickup")
        self.done_with(window)

    def reviewer(self) -> None:
        window = self.window("reviewer01")
        page = window.inbox_page
        wait_until(lambda: page.model.rowCount() > 0, "the inbox")
        rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
        row = next(n for n, r in enumerate(rows) if r.item_code.startswith("NMPA"))
        page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())
        wait_until(lambda: page.detail is not None, "the sub-case")
        save(window, "inbox")
        self.done_with(window)

    def supervisor(self) -> None:
        window = self.window("super01", "C02")
        window.show_supervision()  # Ctrl+F9
        page = window.supervision_page
        dashboard = page.dashboard
        wait_until(lambda: dashboard.report is not None, "the figures")
        dashboard.day.setDate(QDate(PREVIOUS_DAY.year, PREVIOUS_DAY.month, PREVIOUS_DAY.day))
        dashboard.refresh()
        wait_until(lambda: dashboard.report.hall.served > 0, "the previous day's figures")
        save(window, "dashboard")
        page.tabs.setCurrentWidget(page.overdue)
        page.overdue.urgent.setChecked(False)
        wait_until(lambda: page.overdue.model.rowCount() > 0, "the overdue watch")
        save(window, "overdue")
        tab = page.verification
        page.tabs.setCurrentWidget(tab)
        wait_until(lambda: tab.model.rowCount() > 0 and not tab._running, "the verifications")
        tab.table.selectRow(0)
        save(window, "verification")
        self.done_with(window)

    def administrator(self) -> None:
        from hall.ui.settings_dialog import SettingsDialog
        from hall.ui.sync_dialog import SyncDialog

        window = self.window("admin")
        window.show_catalog()  # F2
        catalog = window.catalog_page
        catalog.search.setText("spjy")  # 食品经营 by its pinyin initials
        catalog.refresh()
        save(window, "catalog")
        dialog = SettingsDialog(self.ctx, window.actor, window)
        dialog.show()  # Ctrl+Shift+S
        save(dialog, "settings")
        dialog.tabs.setCurrentIndex(1)
        save(dialog, "settings-server")
        dialog.reject()
        sync = SyncDialog(self.ctx, window.actor, window.sync, window)
        sync.show()  # F12
        save(sync, "sync")
        sync.reject()
        self.done_with(window)


def main() -> int:
    started = time.monotonic()
    os.environ["LANGUAGE"] = "zh_CN"  # the source language, whatever this machine speaks
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # and the command's
    for name in ("HALL_COUNTER", "HALL_SERVER_URL", "HALL_USER", "HALL_PASSWORD"):
        os.environ.pop(name, None)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("making the demo hall…")
        init_demo(folder)
        os.environ["HALL_DATA_DIR"] = str(folder)
        shots = Shots(folder)
        try:
            shots.run()
        finally:
            shots.close()
    made = len(list(OUT.glob("*.png")))
    print(f"wrote {made} screens to {OUT} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
