"""``hall report daily``: the supervisor's daily throughput report as a PDF with charts,
as CSV and XLSX, or as JSON for scripts. Registered by :mod:`hall.cli`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from hall.cli_auth import acting_actor, signed
from hall.cli_parser import print_json
from hall.core.errors import HallError, os_reason
from hall.core.files import write_atomically
from hall.core.i18n import _
from hall.services.context import AppContext


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("日期应写作 2026-12-01 这样的格式：{text}").format(text=text)
        ) from None


def _target(name: str | None, suffix: str) -> Path | None:
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != suffix:
        raise HallError(
            _("请给出以 {suffix} 结尾的文件名，如 {name}。").format(
                suffix=suffix, name=path.with_suffix(suffix).name
            )
        )
    if not path.parent.is_dir():
        raise HallError(_("保存文件的文件夹不存在：{path}").format(path=path.parent))
    return path


def _write(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise HallError(
            _("无法写入文件 {path}：{reason}。").format(path=path, reason=os_reason(exc))
        ) from exc


def cmd_report_daily(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.report_export import report_csv, report_json
    from hall.services.report_xlsx import report_xlsx
    from hall.services.reports import daily_report, report_pdf

    targets = {
        "pdf": _target(args.out, ".pdf"),
        "csv": _target(args.csv, ".csv"),
        "xlsx": _target(args.xlsx, ".xlsx"),
    }
    if not args.json and not any(targets.values()):
        raise HallError(_("请用 --out、--csv、--xlsx 指定要保存的文件，或用 --json 输出。"))
    report = daily_report(ctx, acting_actor(ctx, args, reads_only=True), args.date, args.to)
    makers = {"pdf": report_pdf, "csv": report_csv, "xlsx": report_xlsx}
    for kind, path in targets.items():
        if path is not None:
            _write(path, makers[kind](report))
            if not args.json:
                print(_("已保存：{path}").format(path=path))
    if args.json:
        print_json(report_json(report))
    return 0


def register(sub: Any) -> None:
    """Add the `report` command to the top-level subparsers."""
    report = sub.add_parser("report", help=_("统计报表"))
    kinds = report.add_subparsers(dest="report_kind", metavar=_("报表"), required=True)
    p = signed(kinds.add_parser("daily", help=_("业务量日报（排队、办件、时限、评价）")))
    p.add_argument(
        "--date", type=_day, default=None, metavar=_("日期"), help=_("统计的日期（默认今天）")
    )
    p.add_argument(
        "--to", type=_day, default=None, metavar=_("日期"),
        help=_("统计到此日期为止（含），与 --date 一起统计一段时间"),
    )  # fmt: skip
    p.add_argument("--out", metavar=_("文件"), help=_("保存为此PDF文件（含图表）"))
    p.add_argument("--csv", metavar=_("文件"), help=_("另存为CSV文件"))
    p.add_argument("--xlsx", metavar=_("文件"), help=_("另存为Excel（XLSX）文件"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出各项数字"))
    p.set_defaults(handler=cmd_report_daily)
