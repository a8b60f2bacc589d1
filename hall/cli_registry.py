"""``hall registry find`` and ``hall registry import``: the local market-entity registry.

Enterprises' registry data is public business information and printed in full. A
person (entered at a counter, found by ID number only) is shown with the ID number
masked, as in every list; phone numbers are masked for everyone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from hall.cli_auth import acting_actor, signed
from hall.cli_parser import pad
from hall.core.i18n import _
from hall.models.enums import ApplicantKind
from hall.services.context import AppContext

if TYPE_CHECKING:
    from hall.services.registry import RegistryEntity


def _masked(entity: RegistryEntity) -> dict[str, Any]:
    from hall.services.masking import mask_applicant_code, mask_phone

    data: dict[str, Any] = entity.to_json()
    if entity.kind is ApplicantKind.person:
        data["code"] = mask_applicant_code(entity.code)
    if entity.phone:
        data["phone"] = mask_phone(entity.phone)
    return data


def cmd_registry_find(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.registry import find_entities

    found = [_masked(e) for e in find_entities(ctx, args.query, limit=args.limit)]
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0 if found else 1
    if not found:
        print(_("登记库中没有找到“{query}”。").format(query=args.query.strip()))
        return 1
    for e in found:
        print(
            f"{e['code']:<18}  {pad(e['name'], 40)} {pad(e['legal_representative'] or '', 8)} "
            f"{pad(e['status'] or _('（窗口录入）'), 12)} {e['address'] or ''}".rstrip()
        )
    if len(found) == args.limit:
        print(_("（只显示前{n}条；用 --limit 显示更多，或输入更长的名称）").format(n=args.limit))
    return 0


class _Progress:
    """Progress on stderr: one line rewritten in place on a terminal; elsewhere (a log,
    a script) a line at every tenth of the file."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        text = _("已读取 {done:,} / {total:,} 行（{pct}%）").format(
            done=done, total=total, pct=done * 100 // max(total, 1)
        )
        if self.tty:
            print(f"\r{text}", end="", file=self.stream, flush=True)
        elif tenth > self.shown:
            self.shown = tenth
            print(text, file=self.stream, flush=True)

    def end(self) -> None:
        if self.tty:
            print(file=self.stream)


def cmd_registry_import(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.registry import import_registry

    actor = acting_actor(ctx, args)
    progress = _Progress(sys.stderr)
    try:
        report, _changes = import_registry(ctx, actor, Path(args.file), progress=progress)
    finally:
        progress.end()
    print(
        _(
            "已导入登记库 {n} 户（新增 {added}，更新 {updated}，未变 {unchanged}），"
            "用时 {seconds:.1f} 秒。"
        ).format(
            n=report.rows,
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            seconds=report.seconds,
        )
    )
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("应为正整数")) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("应为正整数"))
    return value


def register(sub: Any) -> None:
    """Add the `registry` commands to the top-level subparsers."""
    registry = sub.add_parser("registry", help=_("本地市场主体登记库")).add_subparsers(
        dest="registry_command", required=True, metavar=_("子命令")
    )
    p = registry.add_parser(
        "find", help=_("按统一社会信用代码、身份证号码或名称（开头的字，或其中的字号）查找")
    )
    p.add_argument("query", metavar=_("代码或名称"), help=_("代码，或名称的开头、其中的字号"))
    p.add_argument(
        "--limit", type=_positive, default=20, metavar="N", help=_("最多显示几条（默认20）")
    )
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_registry_find)
    p = signed(registry.add_parser("import", help=_("导入市场主体登记库（CSV，整体导入）")))
    p.add_argument(
        "file",
        help=_(
            "CSV 文件（UTF-8，表头 credit_code,name,legal_representative,address,scope,status）"
        ),
    )
    p.set_defaults(handler=cmd_registry_import)
