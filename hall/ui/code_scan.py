"""A document's code scanned into a search box: which case it opens, and what to tell
the clerk when it opens none (checked off the GUI thread)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.documents import ScannedCode, case_of_code
from hall.services.payload import PREFIX
from hall.services.verification import Verdict, kind_name
from hall.ui.errors import error_text
from hall.ui.tasks import run_task

log = logging.getLogger(__name__)


def looks_like_code(text: str) -> bool:
    """What a scanner types from one of our QR codes (nothing else starts so)."""
    return text.strip().upper().startswith(PREFIX)


def scan_verdict(scanned: ScannedCode) -> str:
    """What the clerk is told about a scanned code ("" for a valid one that opened its case)."""
    result = scanned.verification
    facts = result.facts
    if scanned.case_number is None and result.valid and facts is not None:
        return _("二维码真实有效，但这份{kind}（{number}）不对应本大厅的案件。").format(
            kind=kind_name(facts.kind), number=facts.number
        )
    if result.verdict is Verdict.valid:
        return ""
    return _("扫描的文书：{verdict}").format(verdict=result.message)


def find_scanned_case(
    owner: QObject,
    ctx: AppContext,
    actor: Actor,
    text: str,
    on_done: Callable[[ScannedCode], None],
    on_message: Callable[[str], None],
) -> None:
    """Verify ``text`` and look up its case in the background; ``on_done`` gets the
    answer, ``on_message`` a failure in words."""

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, HallError):
            log.error("scanned code not checked", exc_info=(type(exc), exc, exc.__traceback__))
        on_message(error_text(exc))

    run_task(owner, lambda: case_of_code(ctx, actor, text), on_done, failed)
