"""`hall display`: the hall's calling screen. A window, so ``hall.__main__`` hands the
command to :mod:`hall.app` before the command line is parsed; this module declares its
options (for ``hall --help`` and for ``hall.app.run_display``). Registered by :mod:`hall.cli`."""

from __future__ import annotations

import argparse
from typing import Any

from hall.cli_parser import HallParser
from hall.core.errors import HallError
from hall.core.i18n import _
from hall.core.paths import Paths
from hall.core.settings import Settings


def cmd_display(_args: argparse.Namespace, _paths: Paths, _settings: Settings) -> int:
    # Reached only when the command line is called without ``hall.__main__`` (which
    # opens the window itself): the command line never loads Qt.
    raise HallError(_("大厅显示屏请用命令 hall display 打开。"))


def add_display_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``hall display`` (shared with ``hall.app.run_display``'s own parsing)."""
    parser.add_argument("--windowed", action="store_true", help=_("以普通窗口打开（默认全屏）"))
    parser.add_argument("--mute", action="store_true", help=_("不播报叫号（只显示）"))
    return parser


def add_display_command(subparsers: Any) -> None:
    """Add ``display`` to the ``hall`` parser's subcommands."""
    p = subparsers.add_parser(
        "display",
        help=_("打开大厅显示屏：全屏显示叫号和各类等候人数，并语音播报叫号"),
        description=_(
            "打开大厅显示屏：全屏显示刚叫到的号码和窗口、最近的叫号、各类业务的等候人数和预计"
            "等候时间，并用普通话播报每次叫号。Esc 或 F11 切换全屏，Ctrl+Q 关闭。"
        ),
    )
    add_display_arguments(p)
    p.set_defaults(standalone=cmd_display)


def parse_display_args(argv: list[str]) -> argparse.Namespace:
    """``hall display``'s options from ``argv`` (without the command's name)."""
    parser = HallParser(prog="hall display", description=_("打开大厅显示屏"))
    return add_display_arguments(parser).parse_args(argv)
