"""Asking a hall server whether this counter could sync with it ("test the connection"),
shared by the settings dialog and the first-run wizard. The asking runs in the
background; the answer is said in the clerk's words."""

from __future__ import annotations

import time

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.context import AppContext
from hall.services.server import stored_password
from hall.services.settings_admin import server_password
from hall.sync.link import LinkState, LinkStatus, ServerLink

OK_STYLE = "color: #1b5e20;"
BAD_STYLE = "color: #b00020;"


def password_for_test(ctx: AppContext, typed: str) -> str | None:
    """The password typed, else the one kept in the secret store (if it can be read
    without asking anyone), else None: PostgreSQL's own PGPASSWORD or .pgpass apply."""
    if typed:
        return typed
    if ctx.secrets_open:
        try:
            return server_password(ctx)
        except HallError:
            return None
    return stored_password(ctx.paths, ctx.settings)


def check_server(ctx: AppContext, url: str, typed_password: str) -> LinkStatus:
    """Connect to ``url`` once and say how it went (run it in the background)."""
    link = ServerLink(url, password_for_test(ctx, typed_password), ctx.clock)
    try:
        return link.check(time.monotonic())
    finally:
        link.close()


def describe(status: LinkStatus) -> tuple[str, str]:
    """What the answer means for this counter, and the colour to say it in."""
    if status.state is LinkState.online:
        return _("连接成功：服务器在线，数据库与本程序一致。"), OK_STYLE
    if status.state is LinkState.incompatible:
        return _("服务器有响应，但无法同步：{reason}").format(reason=status.reason), BAD_STYLE
    return _("无法连接：{reason}").format(reason=status.reason), BAD_STYLE
