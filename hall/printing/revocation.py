"""撤销行政许可决定书: the written revocation of a license granted on the applicant's
commitment, once the post-event verification found the commitment false. It states the
facts found, the legal basis (行政许可法 art. 69 (2) and the rules of the commitment
system), the consequences for the applicant's credit and the remedies; dated and sealed
by the department, with the signed QR code. The blocks are the decision notice's
(:mod:`hall.printing.decision`)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from hall.core.i18n import _
from hall.printing.data import RevocationNotice
from hall.printing.decision import closing, notice_head, remedy
from hall.printing.frame import Section, build_pdf
from hall.printing.styles import cn_date, or_dash, para, styles


def title() -> str:
    return _("撤销行政许可决定书")


def legal_basis() -> str:
    """The law a revocation for a false commitment rests on."""
    return _(
        "《中华人民共和国行政许可法》第六十九条第二款、"
        "《国务院关于深化“证照分离”改革进一步激发市场主体发展活力的通知》（国发〔2021〕7号）"
        "和《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》（国办发〔2020〕42号）"
        "关于告知承诺制的规定"
    )


def _licenses(n: RevocationNotice) -> str:
    if not n.licenses:
        return _("准予行政许可的决定")
    return _("准予行政许可的决定及所核发的证照（编号：{numbers}）").format(
        numbers=_("、").join(n.licenses)
    )


def _decision(n: RevocationNotice) -> list[Flowable]:
    s = styles()
    facts = n.facts.strip().rstrip("。；;.")
    granted = _(
        "你（单位）于{day}以告知承诺方式申请{item}（受理编号：{case}），承诺符合许可条件，"
        "本机关依据你（单位）的承诺当场作出了准予行政许可的决定。"
    ).format(day=cn_date(n.applied_on), item=or_dash(n.item_name), case=or_dash(n.case_number))
    found = _("经事后核查，{facts}。你（单位）的实际情况与承诺内容不符，属于虚假承诺。").format(
        facts=or_dash(facts)
    )
    law = _(
        "依据{basis}，本机关决定撤销上述{what}，自本决定作出之日起失效，扫码核验将显示为已撤销。"
    ).format(basis=legal_basis(), what=_licenses(n))
    consequence = _(
        "你（单位）的虚假承诺行为已记入信用记录。在信用修复前，你（单位）不适用告知承诺制，"
        "再次申请行政许可须按一般程序办理，提交全部申请材料。"
    )
    return [
        para(_("{name}：").format(name=or_dash(n.applicant_name)), s.body),
        para(granted, s.indented),
        para(found, s.indented),
        para(law, s.indented),
        para(consequence, s.indented),
        para(remedy(), s.indented),
        para(_("特此决定。"), s.indented),
    ]


def revocation_section(n: RevocationNotice) -> Section:
    more = [(_("撤销的证照"), _("、").join(n.licenses))] if n.licenses else []
    if n.inspector:
        more.append((_("核查人员"), n.inspector))
    story: list[Flowable] = [
        *notice_head(
            title(),
            n.number,
            (n.applicant_name, n.applicant_code, n.item_name, n.item_code, n.authority),
            more,
        ),
        *_decision(n),
        closing(
            qr=n.qr,
            caption=_("扫码核验本决定书真伪"),
            authority=n.authority,
            decided_on=n.decided_on,
            document=title(),
            case_number=n.case_number,
            issuer=n.issuer,
        ),
    ]
    return Section(story, title(), n.number, n.copy)


def revocation_pdf(notice: RevocationNotice) -> bytes:
    """One 撤销行政许可决定书 (A4)."""
    return build_pdf(
        [revocation_section(notice)],
        title=f"{title()} {notice.number}",
        author=notice.issuer.hall_name,
        subject=notice.applicant_name,
    )
