"""预约单: the appointment's day, time slot and business, and what to bring, on A5."""

from __future__ import annotations

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from hall.core.i18n import N_, _
from hall.printing.blocks import columns, field_table, numbered, qr_block, text_block
from hall.printing.data import AppointmentSlip
from hall.printing.frame import Layout, Section, build_pdf
from hall.printing.styles import cn_date, cn_datetime, heading, or_dash, para, styles

LAYOUT = Layout(size=A5, margins=(14 * mm, 14 * mm, 22 * mm, 16 * mm))
WIDTH = A5[0] - 28 * mm
WEEKDAYS = (
    N_("星期一"),
    N_("星期二"),
    N_("星期三"),
    N_("星期四"),
    N_("星期五"),
    N_("星期六"),
    N_("星期日"),
)


def title() -> str:
    return _("预约单")


def _facts(slip: AppointmentSlip) -> Flowable:
    day = f"{cn_date(slip.day)} {_(WEEKDAYS[slip.day.weekday()])}"
    rows: list[tuple[str, str]] = [
        (_("预约日期"), day),
        (_("预约时段"), or_dash(slip.slot)),
        (_("业务类别"), or_dash(slip.category)),
        (_("申请人"), or_dash(slip.applicant_name)),
        (_("联系方式"), or_dash(slip.contact)),
    ]
    if slip.booked_at is not None:
        rows.append((_("预约时间"), cn_datetime(slip.booked_at)))
    return field_table(rows, WIDTH, label_width=24 * mm)


def slip_section(slip: AppointmentSlip) -> Section:
    s = styles()
    issuer = slip.issuer
    story: list[Flowable] = [
        para(title(), s.title),
        para(_("预约编号：{number}").format(number=or_dash(slip.number)), s.number),
        _facts(slip),
    ]
    if slip.bring:
        story += [*heading(_("请携带以下材料：")), *numbered(slip.bring)]
    if slip.notes:
        story += [*heading(_("温馨提示：")), *numbered(slip.notes)]
    where = [issuer.hall_name]
    if issuer.phone:
        where.append(_("咨询电话：{phone}").format(phone=issuer.phone))
    code = qr_block(slip.qr, _("到厅后扫码签到"))
    story.append(
        KeepTogether(
            [
                Spacer(1, 5 * mm),
                columns(
                    [code, text_block(where, s.body, WIDTH - 42 * mm)], [42 * mm, WIDTH - 42 * mm]
                ),
            ]
        )
    )
    return Section(story, title(), slip.number, slip.copy)


def slip_pdf(slip: AppointmentSlip) -> bytes:
    """The appointment slip as PDF bytes (A5 portrait)."""
    return build_pdf(
        [slip_section(slip)],
        title=f"{title()} {slip.number}",
        author=slip.issuer.hall_name,
        subject=slip.applicant_name,
        layout=LAYOUT,
    )
