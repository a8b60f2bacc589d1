"""argparse in the clerk's language: titles, help and the usual usage errors.

argparse writes its own words in English; the parser below replaces the ones a person
meets (section titles, ``-h``, "usage:" and the common error messages) and reports a
usage error as one line with status 2.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any, NoReturn

from hall.core.i18n import N_, _

_ERRORS = [
    (re.compile(r"^the following arguments are required: (.+)$"), N_("缺少必需的参数：{0}")),
    (re.compile(r"^unrecognized arguments: (.+)$"), N_("无法识别的参数：{0}")),
    (
        re.compile(r"^argument (\S+): invalid choice: '([^']*)' \(choose from (.+)\)$"),
        N_("{0} 不能是“{1}”，可选：{2}"),
    ),
    (re.compile(r"^argument (\S+): expected one argument$"), N_("{0} 后面需要一个值")),
    (re.compile(r"^argument (\S+): expected at least one argument$"), N_("{0} 后面至少需要一个值")),
    (re.compile(r"^argument (\S+): (.+)$"), N_("{0}：{1}")),
]


def translate_error(message: str) -> str:
    for pattern, template in _ERRORS:
        match = pattern.match(message)
        if match:
            return _(template).format(*match.groups())
    return message


class HallFormatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _("用法：") if prefix is None else prefix)


class HallParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", HallFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = _("参数")
        self._optionals.title = _("选项")
        self.add_argument("-h", "--help", action="help", help=_("显示本帮助并退出"))

    def error(self, message: str) -> NoReturn:
        self.exit(
            2,
            _("{prog}：用法错误：{message}（{prog} --help 查看用法）\n").format(
                prog=self.prog, message=translate_error(message)
            ),
        )


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns; Chinese characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def iso_date(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD, or a usage error saying why not."""
    from hall.services.json_reader import parse_iso_date

    try:
        return parse_iso_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def print_json(value: Any) -> None:
    """A ``--json`` answer: UTF-8 Chinese as it is, indented for a person to read too."""
    print(json.dumps(value, ensure_ascii=False, indent=2))
