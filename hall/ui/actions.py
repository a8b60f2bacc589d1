"""Every action of the main window, declared once: text, shortcut, status tip, and the
permission it needs (the services check it again; hiding is only a convenience).
Menus are built from this table, so every action has a shortcut a clerk can learn.
Shortcuts are spelled out: the platform's standard keys can be empty (e.g. Quit on some
Linux desktops), and a clerk's keys must be the same on every counter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from hall.core.i18n import N_, _
from hall.services.audit import Actor
from hall.services.permissions import Permission, can


class ActionId(Enum):
    intake = "intake"
    new_application = "new_application"
    cases = "cases"
    pickup = "pickup"
    inbox = "inbox"
    supervision = "supervision"
    print_documents = "print_documents"
    guide_desk = "guide_desk"
    queue_call = "queue_call"
    queue_call_number = "queue_call_number"
    queue_recall = "queue_recall"
    queue_start = "queue_start"
    queue_finish = "queue_finish"
    queue_no_show = "queue_no_show"
    queue_park = "queue_park"
    queue_resume = "queue_resume"
    queue_transfer = "queue_transfer"
    queue_open = "queue_open"
    catalog = "catalog"
    find = "find"
    verify = "verify"
    audit = "audit"
    lock = "lock"
    unlock_secrets = "unlock_secrets"
    change_password = "change_password"
    sign_out = "sign_out"
    sync_now = "sync_now"
    sync_page = "sync_page"
    settings = "settings"
    quit = "quit"
    report_problem = "report_problem"
    about = "about"


@dataclass(frozen=True)
class ActionSpec:
    text: str
    shortcut: str
    tip: str
    permission: Permission | None = None  # None: every signed-in account
    needs_server: bool = False  # enabled only where a hall server is configured


SPECS: dict[ActionId, ActionSpec] = {
    ActionId.intake: ActionSpec(
        N_("受理申请(&R)"),
        "F3",
        N_("一表申办：申请人、事项、表单、材料、承诺、受理"),
        Permission.accept_case,
    ),
    ActionId.new_application: ActionSpec(
        N_("新的申请(&N)"), "Ctrl+N", N_("为下一位申请人开始新的申请"), Permission.accept_case
    ),
    ActionId.cases: ActionSpec(
        N_("案件(&S)"),
        "F4",
        N_("查找和办理已受理的案件：补交、补正、核验答复、撤回"),
        Permission.accept_case,
    ),
    ActionId.pickup: ActionSpec(
        N_("证照领取(&G)"),
        "Shift+F4",
        N_("部门办结的案件：打印证照、一码展示和决定书，登记领取；部门要求的补正"),
        Permission.accept_case,
    ),
    ActionId.inbox: ActionSpec(
        N_("审批待办(&I)"),
        "F9",
        N_("本部门的待审事项：认领、准予或不予许可、要求补正、现场核查"),
        Permission.decide_sub_case,
    ),
    ActionId.supervision: ActionSpec(
        N_("监管(&M)"),
        "Ctrl+F9",
        N_("今日概况、超期预警、事后核查，打印和导出业务量日报"),
        Permission.print_reports,
    ),
    ActionId.print_documents: ActionSpec(
        N_("打印文书(&P)…"),
        "Ctrl+P",
        N_("预览并打印当前案件的受理通知书、告知承诺书、证照"),
        Permission.issue_documents,
    ),
    ActionId.guide_desk: ActionSpec(
        N_("导办台(&D)"),
        "F10",
        N_("取号、预审等候中的申请、预约和签到"),
        Permission.issue_tickets,
    ),
    ActionId.queue_call: ActionSpec(
        N_("叫下一位(&X)"),
        "Ctrl+F5",
        N_("按预约、优先、先到先办的顺序叫号"),
        Permission.serve_tickets,
    ),
    ActionId.queue_call_number: ActionSpec(
        N_("叫指定号(&M)…"),
        "Ctrl+Alt+F5",
        N_("按号码叫号：离线时叫其他窗口或导办台发的号"),
        Permission.serve_tickets,
    ),
    ActionId.queue_recall: ActionSpec(
        N_("重呼(&R)"),
        "Ctrl+Shift+F5",
        N_("再次呼叫当前的号（呼叫三次未到记为未到）"),
        Permission.serve_tickets,
    ),
    ActionId.queue_start: ActionSpec(
        N_("开始办理(&S)"),
        "Ctrl+F6",
        N_("群众已到窗口：开始计算办理时间"),
        Permission.serve_tickets,
    ),
    ActionId.queue_finish: ActionSpec(
        N_("办结并评价(&F)…"),
        "Ctrl+F7",
        N_("办结当前的号，请群众评价（好差评）"),
        Permission.serve_tickets,
    ),
    ActionId.queue_no_show: ActionSpec(
        N_("未到(&N)"), "Ctrl+Shift+F7", N_("当前叫的号未到窗口"), Permission.serve_tickets
    ),
    ActionId.queue_park: ActionSpec(
        N_("暂离(&P)"),
        "Ctrl+F8",
        N_("群众暂时离开（如回去取材料），先叫下一位"),
        Permission.serve_tickets,
    ),
    ActionId.queue_resume: ActionSpec(
        N_("恢复暂离的号(&U)"),
        "Ctrl+Shift+F8",
        N_("暂离的群众回来了：继续办理"),
        Permission.serve_tickets,
    ),
    ActionId.queue_transfer: ActionSpec(
        N_("转移(&T)…"),
        "Ctrl+Shift+T",
        N_("转到其他业务类别或窗口，保留原取号时间"),
        Permission.serve_tickets,
    ),
    ActionId.queue_open: ActionSpec(
        N_("开放/关闭窗口(&O)"),
        "Ctrl+Shift+O",
        N_("开始或结束本窗口的叫号"),
        Permission.serve_tickets,
    ),
    ActionId.catalog: ActionSpec(N_("许可事项目录(&C)"), "F2", N_("浏览许可事项和经营范围")),
    ActionId.find: ActionSpec(N_("查找(&F)"), "Ctrl+F", N_("按名称、编码或拼音首字母查找")),
    ActionId.verify: ActionSpec(
        N_("核验文书二维码(&V)…"), "Ctrl+Shift+V", N_("扫描或粘贴文书上的二维码，离线核验真伪")
    ),
    ActionId.audit: ActionSpec(
        N_("核验审计日志(&A)"),
        "Ctrl+Shift+A",
        N_("检查审计日志是否被改动"),
        Permission.view_audit,
    ),
    ActionId.lock: ActionSpec(N_("锁定(&K)"), "Ctrl+L", N_("暂时离开：锁定窗口，输入密码后继续")),
    ActionId.unlock_secrets: ActionSpec(
        N_("解锁密钥文件(&U)…"),
        "Ctrl+Shift+U",
        N_("输入密钥文件的口令，以便出具带签名二维码的文书"),
    ),
    ActionId.change_password: ActionSpec(
        N_("修改密码(&P)…"), "Ctrl+Shift+P", N_("修改自己的登录密码")
    ),
    ActionId.sign_out: ActionSpec(N_("注销(&L)"), "Ctrl+Shift+L", N_("退出当前账号，回到登录")),
    ActionId.sync_now: ActionSpec(
        N_("立即同步(&Y)"),
        "Ctrl+Shift+Y",
        N_("马上与大厅服务器同步：上传本机的变更，下载其他窗口的变更"),
        needs_server=True,
    ),
    ActionId.sync_page: ActionSpec(
        N_("同步状态(&Z)…"),
        "F12",
        N_("与大厅服务器的连接，以及尚未同步的变更和被搁置的原因"),
    ),
    ActionId.settings: ActionSpec(
        N_("系统设置(&E)…"),
        "Ctrl+Shift+S",
        N_("大厅服务器的地址和密码"),
        Permission.change_settings,
    ),
    ActionId.quit: ActionSpec(N_("退出(&Q)"), "Ctrl+Q", N_("关闭程序")),
    ActionId.report_problem: ActionSpec(
        N_("报告问题(&R)…"),
        "Ctrl+Shift+F1",
        N_("把最近的日志和版本信息存成一个文件，交给技术人员"),
    ),
    ActionId.about: ActionSpec(N_("关于(&A)"), "F1", N_("版本和数据位置")),
}


def allowed_to(actor: Actor, spec: ActionSpec) -> bool:
    """Whether ``actor`` may use the action (a reviewer's right to decide is scoped to
    their departments; the supervisor watches every inbox)."""
    if spec.permission is None:
        return True
    if spec.permission is Permission.decide_sub_case:
        return any(
            can(actor, Permission.decide_sub_case, department=d) for d in actor.departments
        ) or can(actor, Permission.view_inboxes)
    return can(actor, spec.permission)


def usable(actor: Actor, spec: ActionSpec, server: bool) -> bool:
    """Whether the action is enabled: allowed to ``actor``, and a hall server configured
    (``server``) if it needs one."""
    return allowed_to(actor, spec) and (server or not spec.needs_server)


def build_actions(
    parent: QWidget, actor: Actor, *, server: bool = False
) -> dict[ActionId, QAction]:
    """The actions ``actor`` may use (the others are made, but hidden and disabled);
    those that need a hall server are disabled without one (``server``)."""
    actions = {}
    for action_id, spec in SPECS.items():
        action = QAction(_(spec.text), parent)
        action.setShortcut(QKeySequence(spec.shortcut))
        action.setStatusTip(_(spec.tip))
        action.setObjectName(f"action_{action_id.value}")
        allowed = allowed_to(actor, spec)
        action.setVisible(allowed)
        action.setEnabled(usable(actor, spec, server))
        actions[action_id] = action
    return actions
