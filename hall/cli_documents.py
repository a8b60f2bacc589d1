"""`hall print KIND NUMBER --out FILE.pdf`: every document the counter hands over, made
from the database as the window makes it (the same layouts, the same signed codes), and
recorded as handed over: a second print of the same document is marked as a copy.
Registered by :mod:`hall.cli`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hall.cli_auth import acting_actor, signed
from hall.core.errors import HallError, os_reason
from hall.core.files import write_atomically
from hall.core.i18n import N_, _
from hall.services.context import AppContext

_KIND_HELP = {
    "receipt": N_("受理通知书（按案件编号）"),
    "letter": N_("案件的全部告知承诺书（按案件编号）"),
    "onecode": N_("证照信息一码展示（按案件编号）"),
    "license": N_("证照（按证照编号）"),
    "ticket": N_("排队号（按号码，如 A012；其他日期写作 2026-12-01/A012）"),
    "slip": N_("预约单（按预约号）"),
    "decision": N_("不予行政许可决定书（按案件编号和事项编码，如 C01-20261123-0001-MCT-001）"),
    "revocation": N_("撤销行政许可决定书（按案件编号和事项编码，如 C01-20261123-0002-FIRE-001）"),
}


def cmd_print(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.documents import How, PrintKind, prepare_document, record_handover

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise HallError(
            _("请给出以 .pdf 结尾的文件名，如 {name}。").format(name=out.with_suffix(".pdf").name)
        )
    if not out.parent.is_dir():
        raise HallError(_("保存文件的文件夹不存在：{path}").format(path=out.parent))
    actor = acting_actor(ctx, args)
    document = prepare_document(ctx, actor, PrintKind(args.kind), args.number)
    try:
        # Recorded as handed over just before the file appears: a failure of either
        # leaves neither (the record is audited; a file without one would not be).
        write_atomically(
            out,
            document.pdf,
            before_replace=lambda: record_handover(ctx, actor, document, How.file),
        )
    except OSError as exc:
        raise HallError(
            _("无法写入文件 {path}：{reason}。").format(path=out, reason=os_reason(exc))
        ) from exc
    copy = _("（补打第{n}次）").format(n=document.copy) if document.copy else ""
    print(_("已生成{title}{copy}：{path}").format(title=document.title, copy=copy, path=out))
    return 0


def register(sub: Any) -> None:
    """Add the `print` command to the top-level subparsers."""
    kinds = _("；").join(
        _("{name}：{what}").format(name=k, what=_(v)) for k, v in _KIND_HELP.items()
    )
    p = signed(
        sub.add_parser("print", help=_("生成文书的PDF文件（受理通知书、告知承诺书、证照等）"))
    )
    p.add_argument("kind", choices=list(_KIND_HELP), metavar=_("文书"), help=kinds)
    p.add_argument("number", metavar=_("编号"), help=_("案件编号、证照编号、排队号或预约号"))
    p.add_argument("--out", required=True, metavar=_("文件"), help=_("保存为此PDF文件"))
    p.set_defaults(handler=cmd_print)
