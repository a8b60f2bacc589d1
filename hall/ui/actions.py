"""Every action of the main window, declared once: text, shortcut, status tip.
Menus are built from this table, so every action has a shortcut a clerk can learn.
Shortcuts are spelled out: the platform's standard keys can be empty (e.g. Quit on some
Linux desktops), and a clerk's keys must be the same on every counter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from hall.core.i18n import N_, _


class ActionId(Enum):
    catalog = "catalog"
    find = "find"
    lock = "lock"
    quit = "quit"
    about = "about"


@dataclass(frozen=True)
class ActionSpec:
    text: str
    shortcut: str
    tip: str


SPECS: dict[ActionId, ActionSpec] = {
    ActionId.catalog: ActionSpec(N_("许可事项目录(&C)"), "F2", N_("浏览许可事项和经营范围")),
    ActionId.find: ActionSpec(N_("查找(&F)"), "Ctrl+F", N_("按名称、编码或拼音首字母查找")),
    ActionId.lock: ActionSpec(N_("注销(&L)"), "Ctrl+L", N_("退出当前账号，回到登录")),
    ActionId.quit: ActionSpec(N_("退出(&Q)"), "Ctrl+Q", N_("关闭程序")),
    ActionId.about: ActionSpec(N_("关于(&A)"), "F1", N_("版本和数据位置")),
}


def build_actions(parent: QWidget) -> dict[ActionId, QAction]:
    actions = {}
    for action_id, spec in SPECS.items():
        action = QAction(_(spec.text), parent)
        action.setShortcut(QKeySequence(spec.shortcut))
        action.setStatusTip(_(spec.tip))
        action.setObjectName(f"action_{action_id.value}")
        actions[action_id] = action
    return actions
