"""受理通知书: the written proof of acceptance the Administrative License Law (art. 32)
requires, dated and sealed, listing every item of the case with its deadlines and the
materials received and still owed."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from hall.core.i18n import _
from hall.printing.blocks import columns, field_table, grid_table, qr_block, seal
from hall.printing.data import Receipt, ReceiptItem, ReceiptMaterial
from hall.printing.frame import PORTRAIT, Section, build_pdf
from hall.printing.styles import DASH, cn_date, cn_datetime, heading, or_dash, para, styles

WIDTH = PORTRAIT.size[0] - PORTRAIT.margins[0] - PORTRAIT.margins[1]


def title() -> str:
    return _("受理通知书")


def _items_phrase(items: tuple[ReceiptItem, ...]) -> str:
    names = [i.name for i in items[:3]]
    if len(items) == 1:
        return names[0]
    joined = _("、").join(names)
    if len(items) <= 3:
        return _("{names}共{count}项").format(names=joined, count=len(items))
    return _("{names}等{count}项").format(names=joined, count=len(items))


def _sentence(r: Receipt) -> str:
    """The decision: the items accepted (never one whose approval was cancelled, which is
    told apart), and what the applicant still has to bring, by when. (What the hall is
    verifying itself is no business of the applicant's: its own section says so.)"""
    day = cn_date(r.accepted_at.date())
    accepted = tuple(i for i in r.items if i.accepted)
    cancelled = tuple(i for i in r.items if not i.accepted)
    if cancelled and not accepted:
        return _(
            "你（单位）于{day}提交的{items}申请，所涉事项已取消审批，无需申请许可，已当场告知。"
        ).format(day=day, items=_items_phrase(cancelled))
    facts = {"day": day, "items": _items_phrase(accepted) or DASH}
    law = _("根据《中华人民共和国行政许可法》第三十二条第一款第（五）项之规定，决定予以受理。")
    if r.pending:
        text = _("你（单位）于{day}提交的{items}申请，主要材料齐全、符合法定形式，").format(**facts)
    else:
        text = _("你（单位）于{day}提交的{items}申请，材料齐全、符合法定形式，").format(**facts)
    text += law
    if cancelled:
        text += _("另有{items}已取消审批，无需申请许可，已当场告知。").format(
            items=_items_phrase(cancelled)
        )
    if any(m.due is not None for m in r.pending):
        text += _("尚缺的材料按容缺受理办理，请于“待补材料”所列期限内补齐。")
    elif r.pending:
        text += _("请携带“待补材料”所列材料到受理窗口补交。")
    return text


def _deadline(day: date | None, provisional: bool) -> str:
    if day is None:
        return DASH
    text = cn_date(day)
    return text + "\n" + _("（待定）") if provisional else text


def _item_rows(items: tuple[ReceiptItem, ...]) -> list[list[str]]:
    rows = []
    for n, item in enumerate(items, 1):
        route = item.route if item.route and item.route != item.mode else ""
        handled = "\n".join(v for v in (route, item.outcome) if v) or DASH
        rows.append(
            [
                str(n), or_dash(item.code), or_dash(item.name), or_dash(item.department),
                or_dash(item.mode), handled,
                _deadline(item.promised_deadline, item.promised_provisional),
                _deadline(item.statutory_deadline, item.statutory_provisional),
            ]
        )  # fmt: skip
    return rows


def _material_rows(materials: tuple[ReceiptMaterial, ...], due: bool) -> list[list[str]]:
    rows = []
    for n, m in enumerate(materials, 1):
        row = [str(n), or_dash(m.name), or_dash(m.proof), or_dash(m.status)]
        if due:
            row.append(cn_date(m.due))
        rows.append([*row, or_dash(m.note)])
    return rows


def _section(title: str, head: list[str], rows: list[list[str]], widths: tuple[int, ...],
             empty: str) -> list[Flowable]:  # fmt: skip
    """A numbered heading and its table (or ``empty`` when there are no rows); the
    heading starts a new page rather than leave the table's first row behind."""
    if not rows:
        return [*heading(title), para(empty, styles().body)]
    table = grid_table(head, rows, [w * mm for w in widths], centered=(0,))
    return [*heading(title, keep=table.lead_height), table]


def _tables(r: Receipt) -> list[Flowable]:
    head = [_("序号"), _("事项编码"), _("事项名称"), _("实施部门"), _("办理方式"),
            _("办理情况"), _("承诺办结日"), _("法定办结日")]  # fmt: skip
    # The code column holds MOFCOM-001 on one line, a date column 2026年12月01日.
    out = _section(
        _("一、申请事项"), head, _item_rows(r.items), (9, 22, 31, 24, 21, 17, 25, 25), DASH
    )
    if any(i.promised_provisional or i.statutory_provisional for i in r.items):
        note = _("标注“待定”的日期依据尚未公布的节假日安排推算，以最终公布为准。")
        out.append(para(note, styles().small))
    head = [_("序号"), _("材料名称"), _("提交方式"), _("状态"), _("备注")]
    rows = _material_rows(r.received, False)
    out += _section(_("二、已收取材料"), head, rows, (9, 77, 26, 20, 42), DASH)
    numbers = iter((_("三"), _("四")))
    if r.checking:
        head = [_("序号"), _("材料名称"), _("核验方式"), _("状态"), _("备注")]
        rows = _material_rows(r.checking, False)
        name = _("{n}、正在核验的材料（无需申请人提交）").format(n=next(numbers))
        out += _section(name, head, rows, (9, 77, 26, 20, 42), DASH)
    head = [_("序号"), _("材料名称"), _("提交方式"), _("状态"), _("补齐期限"), _("备注")]
    rows = _material_rows(r.pending, True)
    name = _("{n}、待补材料").format(n=next(numbers))
    out += _section(name, head, rows, (9, 63, 24, 20, 25, 33), _("无。"))
    return out


def _closing(r: Receipt) -> list[Flowable]:
    s, issuer = styles(), r.issuer
    who = [
        para(_("受理人：{clerk}").format(clerk=or_dash(issuer.clerk)), s.body),
        para(_("受理窗口：{counter}").format(counter=or_dash(issuer.counter)), s.body),
        para(_("受理时间：{moment}").format(moment=cn_datetime(r.accepted_at)), s.body),
    ]
    story: list[Flowable] = [Spacer(1, 3 * mm), columns(who, [45 * mm, 45 * mm, WIDTH - 90 * mm])]
    if issuer.phone:
        story.append(para(_("咨询电话：{phone}").format(phone=issuer.phone), s.body))
    code = qr_block(r.qr, _("扫码核验本通知书真伪"))
    right: list[Flowable] = [
        para(_("申请人或委托代理人（签字）：____________________"), s.body),
        Spacer(1, 3 * mm),
        para(_("日期：______年____月____日"), s.body),
        Spacer(1, 4 * mm),
        columns(
            ["", seal([issuer.hall_name, _("（受理专用章）"), cn_date(r.accepted_at.date())])],
            [WIDTH - 50 * mm - 62 * mm, 62 * mm],
        ),
    ]
    story += [Spacer(1, 4 * mm), columns([code, right], [50 * mm, WIDTH - 50 * mm])]
    return [KeepTogether(story)]


def receipt_section(r: Receipt) -> Section:
    s = styles()
    story: list[Flowable] = [
        para(title(), s.title),
        para(_("受理编号：{number}").format(number=r.number), s.number),
        field_table(
            [
                (_("申请人"), or_dash(r.applicant_name)),
                (_("统一社会信用代码（证件号码）"), or_dash(r.applicant_code)),
                *([(_("联系方式"), r.contact)] if r.contact else []),
            ],
            WIDTH,
            label_width=58 * mm,
        ),
        Spacer(1, 2 * mm),
        para(_("{name}：").format(name=or_dash(r.applicant_name)), s.body),
        para(_sentence(r), s.indented),
        *_tables(r),
        *_closing(r),
    ]
    return Section(story, title(), r.number, r.copy)


def receipt_pdf(r: Receipt) -> bytes:
    """The 受理通知书 of a case as PDF bytes (A4, as many pages as the items need)."""
    return build_pdf(
        [receipt_section(r)],
        title=f"{title()} {r.number}",
        author=r.issuer.hall_name,
        subject=r.applicant_name,
    )
