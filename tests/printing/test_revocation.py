"""撤销行政许可决定书: the facts, the law and the consequences it states, its code, and
values printed as their characters."""

from __future__ import annotations

from datetime import date

from hall.printing import RevocationNotice, decision_pdf, revocation_pdf
from hall.printing.data import Issuer
from tests.printing import samples
from tests.printing.pdfcheck import all_text, compact, fonts, pages_text, reader
from tests.printing.render import decode_codes

FACTS = "经现场核查，安全出口仅1个，与承诺的“安全出口不少于2个”不符"


def notice(**changes: object) -> RevocationNotice:
    values: dict[str, object] = {
        "issuer": samples.ISSUER,
        "number": "C01-20261123-0002-FIRE-001",
        "case_number": "C01-20261123-0002",
        "applicant_name": "徐州市贾汪区极速网络科技有限公司",
        "applicant_code": "91320305MA21KJQC66",
        "item_code": "FIRE-001",
        "item_name": "公众聚集场所投入使用、营业前消防安全检查",
        "authority": "徐州市贾汪区消防救援大队",
        "licenses": ("FIRE-001-C01-2026-00001",),
        "applied_on": date(2026, 11, 23),
        "decided_on": date(2026, 12, 10),
        "facts": FACTS,
        "qr": samples.QR,
        "inspector": "吴刚",
    }
    values.update(changes)
    return RevocationNotice(**values)  # type: ignore[arg-type]


def test_the_notice_states_the_facts_the_law_the_consequences_and_the_remedies() -> None:
    pdf = revocation_pdf(notice())
    assert len(reader(pdf).pages) == 1
    text = all_text(pdf)
    expected = [
        "撤销行政许可决定书", "编号：C01-20261123-0002-FIRE-001",
        "徐州市贾汪区极速网络科技有限公司", "91320305MA21KJQC66",
        "公众聚集场所投入使用、营业前消防安全检查（FIRE-001）",
        "审批机关徐州市贾汪区消防救援大队", "撤销的证照FIRE-001-C01-2026-00001", "核查人员吴刚",
        "2026年11月23日以告知承诺方式申请", "受理编号：C01-20261123-0002",
        f"经事后核查，{FACTS}。", "属于虚假承诺",
        "《中华人民共和国行政许可法》第六十九条第二款", "国发〔2021〕7号", "国办发〔2020〕42号",
        "决定撤销上述准予行政许可的决定及所核发的证照（编号：FIRE-001-C01-2026-00001）",
        "已记入信用记录", "在信用修复前，你（单位）不适用告知承诺制", "按一般程序办理",
        "六十日内依法申请行政复议", "六个月内依法向人民法院提起行政诉讼", "特此决定。",
        "（行政许可专用章）", "2026年12月10日", "送达回执",
        "本人已收到受理编号C01-20261123-0002的《撤销行政许可决定书》", "扫码核验本决定书真伪",
    ]  # fmt: skip
    missing = [fact for fact in expected if compact(fact) not in text]
    assert missing == []
    assert "None" not in text and "不予行政许可" not in text
    meta = reader(pdf).metadata
    assert meta is not None and meta.author == samples.ISSUER.hall_name
    assert meta.title == "撤销行政许可决定书 C01-20261123-0002-FIRE-001"
    assert all(embedded for _name, embedded in fonts(pdf))


def test_the_code_reads_back_as_the_signed_payload(qapp: object) -> None:
    pdf = revocation_pdf(notice())
    codes = [c for c in decode_codes(pdf, 0, 150) if c[0] == "QRCode"]
    assert codes == [("QRCode", samples.QR)]


def test_markup_in_the_facts_and_names_prints_as_its_characters() -> None:
    facts = "<b>安全出口</b> & &amp; 疏散通道 <font size=100>堵塞</font> <br/>严重"
    pdf = revocation_pdf(notice(facts=facts, applicant_name=samples.MARKUP_NAME))
    text = all_text(pdf)
    assert compact(facts) in text and compact(samples.MARKUP_NAME) in text


def test_several_licenses_none_and_bare_fields_print_cleanly() -> None:
    two = all_text(revocation_pdf(notice(licenses=("A-1", "A-2"))))
    assert "撤销的证照A-1、A-2" in two and "（编号：A-1、A-2）" in two
    bare = all_text(
        revocation_pdf(
            notice(licenses=(), inspector="", facts="  ", issuer=Issuer(hall_name="某大厅"))
        )
    )
    assert "撤销的证照" not in bare and "核查人员" not in bare
    assert "决定撤销上述准予行政许可的决定，" in bare and "经事后核查，—。" in bare
    assert "None" not in bare and "()" not in bare


def test_a_reprint_is_marked_on_the_page() -> None:
    assert "补打" not in all_text(revocation_pdf(notice()))
    assert "补打件（第2次）" in compact(pages_text(revocation_pdf(notice(copy=2)))[0])


def test_the_decision_notice_shares_the_blocks_and_keeps_its_own_wording() -> None:
    text = all_text(decision_pdf(samples.decision()))
    assert "本人已收到受理编号C01-20261201-0001的《不予行政许可决定书》" in text
    assert "第三十八条第二款" in text and "审查人员孙伟" in text
