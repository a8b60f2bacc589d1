"""Who may do what. The table below is the only place a role's rights are written; the
services check it themselves (``@guarded``), so a button hidden in the GUI is a
convenience, not the protection.

A refusal raises :class:`PermissionDenied` and is audited (in a transaction of its own,
since the action's is never begun). An account that was disabled or given another role
while signed in is refused at its next action.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import select

from hall.core.errors import PermissionDenied
from hall.core.i18n import N_, _
from hall.models import User
from hall.models.enums import Role
from hall.services.audit import Actor, record
from hall.services.context import AppContext

log = logging.getLogger(__name__)


class Permission(StrEnum):
    accept_case = "accept_case"
    pre_review = "pre_review"
    issue_tickets = "issue_tickets"
    serve_tickets = "serve_tickets"
    decide_sub_case = "decide_sub_case"  # only for the reviewer's own departments
    view_inboxes = "view_inboxes"  # every department's inbox, to watch (not to decide)
    release_claims = "release_claims"  # free a sub-case another reviewer holds
    record_verification = "record_verification"
    write_credit = "write_credit"
    print_reports = "print_reports"
    view_audit = "view_audit"
    revoke_document = "revoke_document"
    issue_documents = "issue_documents"  # sign a document's QR code
    see_full_identifiers = "see_full_identifiers"
    manage_users = "manage_users"
    import_catalog = "import_catalog"
    change_settings = "change_settings"
    manage_keys = "manage_keys"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.clerk: frozenset(
        {_P.accept_case, _P.pre_review, _P.issue_tickets, _P.serve_tickets,
         _P.issue_documents, _P.see_full_identifiers}
    ),
    Role.guide: frozenset(
        {_P.pre_review, _P.issue_tickets, _P.issue_documents, _P.see_full_identifiers}
    ),
    Role.reviewer: frozenset(
        {_P.decide_sub_case, _P.issue_documents, _P.see_full_identifiers}
    ),
    Role.supervisor: frozenset(
        {_P.accept_case, _P.pre_review, _P.issue_tickets, _P.serve_tickets,
         _P.record_verification, _P.write_credit, _P.print_reports, _P.view_audit,
         _P.revoke_document, _P.issue_documents, _P.see_full_identifiers,
         _P.view_inboxes, _P.release_claims}
    ),
    # The administrator runs the system, not the cases: no accepting, deciding or calling.
    Role.admin: frozenset(
        {_P.write_credit, _P.print_reports, _P.view_audit, _P.revoke_document,
         _P.manage_users, _P.import_catalog, _P.change_settings, _P.manage_keys}
    ),
}  # fmt: skip

PERMISSION_NAMES = {
    _P.accept_case: N_("受理申请"),
    _P.pre_review: N_("预审申请"),
    _P.issue_tickets: N_("发放排队号"),
    _P.serve_tickets: N_("叫号办理"),
    _P.decide_sub_case: N_("审批本部门的事项"),
    _P.view_inboxes: N_("查看各部门的待审事项"),
    _P.release_claims: N_("释放他人认领的事项"),
    _P.record_verification: N_("登记事后核查结果"),
    _P.write_credit: N_("录入失信记录"),
    _P.print_reports: N_("打印统计报表"),
    _P.view_audit: N_("查看和核验审计日志"),
    _P.revoke_document: N_("撤销已出具的文书"),
    _P.issue_documents: N_("出具带二维码的文书"),
    _P.see_full_identifiers: N_("查看完整的身份证号和电话号码"),
    _P.manage_users: N_("管理账号"),
    _P.import_catalog: N_("导入目录和日历"),
    _P.change_settings: N_("修改系统设置"),
    _P.manage_keys: N_("管理签名密钥"),
}


def permission_name(permission: Permission) -> str:
    return _(PERMISSION_NAMES[permission])


def can(actor: Actor, permission: Permission, *, department: str | None = None) -> bool:
    """Whether ``actor``'s role allows ``permission`` (for ``department``, if it is scoped
    to departments). A pure check on the table, for hiding what cannot be done."""
    if permission not in ROLE_PERMISSIONS[actor.role]:
        return False
    if permission is Permission.decide_sub_case:
        return department is not None and department in actor.departments
    return True


def require(
    ctx: AppContext,
    actor: Actor,
    permission: Permission,
    *,
    department: str | None = None,
    action: str = "",
) -> None:
    """Raise :class:`PermissionDenied` (and audit the refusal) unless ``actor`` may.

    Beyond the role table, a signed-in account must still exist, be active and have the
    role it signed in with.
    """
    from hall.services.auth import role_name

    reason = None
    if not can(actor, permission, department=department):
        if permission is Permission.decide_sub_case and permission in ROLE_PERMISSIONS[actor.role]:
            reason = _("该事项属于其他部门（{dept}），您只能审批本部门的事项。").format(
                dept=department or _("未知")
            )
        else:
            reason = _("您的角色（{role}）无权{what}。").format(
                role=role_name(actor.role), what=permission_name(permission)
            )
    elif not actor.operator:
        with ctx.uow() as session:
            row = session.execute(
                select(User.active, User.role, User.must_change_password).where(
                    User.username == actor.username
                )
            ).first()
        if row is None or not row.active:
            reason = _("账号“{name}”不存在或已停用，请重新登录。").format(name=actor.username)
        elif row.role is not actor.role:
            reason = _("账号“{name}”的角色已变更，请重新登录。").format(name=actor.username)
        elif row.must_change_password:
            reason = _("请先修改初始密码，再办理业务。")
    if reason is None:
        return
    log.warning("denied %s to %s (%s): %s", permission, actor.username, actor.role, action)
    with ctx.uow() as session:
        record(
            session,
            ctx.clock,
            actor,
            "permission.denied",
            "permission",
            permission.value,
            after={"action": action, "role": actor.role, "department": department},
        )
    raise PermissionDenied(reason, permission.value)


#: The queue's actions: on the hall server while it answers (see ``hall.services.routing``).
QUEUE_PERMISSIONS = frozenset({Permission.issue_tickets, Permission.serve_tickets})

P = ParamSpec("P")
R = TypeVar("R")


def guarded(
    permission: Permission,
    *,
    department: Callable[..., str | None] | None = None,
) -> Callable[
    [Callable[Concatenate[AppContext, Actor, P], R]],
    Callable[Concatenate[AppContext, Actor, P], R],
]:
    """Make a service function ``f(ctx, actor, ...)`` check ``permission`` first.

    For a permission scoped to departments, ``department(ctx, actor, ...)`` (called with
    the function's own arguments) names the department the call concerns."""

    def decorate(
        func: Callable[Concatenate[AppContext, Actor, P], R],
    ) -> Callable[Concatenate[AppContext, Actor, P], R]:
        name = f"{func.__module__.removeprefix('hall.services.')}.{func.__name__}"

        def checked(ctx: AppContext, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            dept = department(ctx, actor, *args, **kwargs) if department else None
            require(ctx, actor, permission, department=dept, action=name)
            return func(ctx, actor, *args, **kwargs)

        @functools.wraps(func)
        def wrapper(ctx: AppContext, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if permission in QUEUE_PERMISSIONS:  # decided on the hall server while online
                from hall.services.routing import change_where_queue_runs

                return change_where_queue_runs(ctx, checked, actor, *args, **kwargs)
            return checked(ctx, actor, *args, **kwargs)

        wrapper.__permission__ = permission  # type: ignore[attr-defined]
        return wrapper

    return decorate
