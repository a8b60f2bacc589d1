"""What every document shares: its facts in the text, its metadata, embedded fonts, a QR
code a scanner reads back, field values printed literally, missing fields printed cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hall.printing import (
    decision_pdf,
    letters_pdf,
    license_pdf,
    onecode_pdf,
    receipt_pdf,
    slip_pdf,
    ticket_pdf,
)
from hall.printing.data import Issuer
from tests.printing import samples
from tests.printing.pdfcheck import all_text, compact, fonts, pages_text, reader
from tests.printing.render import decode_codes

HALL = samples.ISSUER.hall_name
HOLDER = "徐州市贾汪区味香居餐饮有限公司"

# name: (build with changes, the facts it must print, its payload)
DOCUMENTS: dict[str, tuple[Callable[..., bytes], list[str], str]] = {
    "receipt": (
        lambda **kw: receipt_pdf(samples.receipt(**kw)),
        ["受理通知书", "受理编号：C01-20261201-0001", HOLDER, "91320305MA1N428243",
         "138****5678", "食品经营许可（新办）", "SAMR-001", "区市场监督管理局",
         "实行告知承诺", "2026年12月04日", "2026年12月29日", "营业执照副本复印件",
         "从业人员健康证明", "2026年12月15日", "第三十二条第一款第（五）项",
         "三、正在核验的材料（无需申请人提交）", "食品安全管理人员考核合格证明", "受理人：张敏",
         "受理窗口：C01", "2026年12月01日09:30", "（受理专用章）", "扫码核验本通知书真伪",
         "0516-87712345"],
        samples.QR,
    ),
    "letter": (
        lambda **kw: letters_pdf([samples.letter(**kw)]),
        ["食品经营许可（新办）告知承诺书", "C01-20261201-0001-SAMR-001", HOLDER, "李建国",
         "徐州市贾汪区夏桥路18号", "一、审批机关告知", "《中华人民共和国食品安全法》第三十五条",
         "有专职或者兼职的食品安全管理人员", "核查期限：2027年01月14日前", "二、申请人承诺",
         "愿意承担不实承诺、违反承诺的法律责任。", "申请人（签字/盖章）", "审批机关（盖章）",
         "2026年12月01日", "本告知承诺书一式两份"],
        samples.QR,
    ),
    "license": (
        lambda **kw: license_pdf(samples.license_(**kw)),
        ["食品经营许可证", "91320305MA1N428243", HOLDER, "李建国", "热食类食品制售",
         "预包装食品（含冷藏冷冻食品）销售", "2026年12月01日至2031年11月30日",
         "JY13203050012345", "徐州市贾汪区市场监督管理局", "发证日期：2026年12月01日",
         "扫码核验"],
        samples.QR,
    ),
    "onecode": (
        lambda **kw: onecode_pdf(samples.onecode(**kw)),
        ["证照信息一码展示", HOLDER, "公共场所卫生许可证", "贾卫公字〔2026〕第0088号",
         "SAMR-002-C01-2026-00001",
         "徐州市贾汪区卫生健康委员会", "2030年12月02日", "长期", "有效", "2026年12月03日"],
        samples.QR,
    ),
    "ticket": (
        lambda **kw: ticket_pdf(samples.ticket(**kw)),
        ["A012", "企业登记", "前面还有7人等候", "2026年12月01日09:05", "优先（老年人）",
         "请留意大厅显示屏和语音叫号"],
        samples.payload(120, seed=3),
    ),
    "slip": (
        lambda **kw: slip_pdf(samples.slip(**kw)),
        ["预约单", "YY-20261203-0042", "2026年12月03日星期四", "09:00–09:30", "食品经营许可",
         HOLDER, "请携带以下材料", "法定代表人身份证原件", "请提前10分钟到达大厅取号",
         "2026年11月28日15:12", "到厅后扫码签到"],
        samples.payload(200, seed=4),
    ),
    "decision": (
        lambda **kw: decision_pdf(samples.decision(**kw)),
        ["不予行政许可决定书", "编号：C01-20261201-0001-MCT-001", HOLDER,
         "娱乐场所经营许可（MCT-001）", "徐州市贾汪区文化广电和旅游局", "审查人员孙伟",
         "2026年12月01日提出的娱乐场所经营许可申请",
         "受理编号：C01-20261201-0001", "包厢内设有隔断",
         "依据《娱乐场所管理条例》第九条、第十六条和《中华人民共和国行政许可法》第三十八条第二款",
         "决定不予行政许可", "六十日内依法申请行政复议", "六个月内依法向人民法院提起行政诉讼",
         "（行政许可专用章）", "2026年12月09日", "送达回执", "扫码核验本决定书真伪"],
        samples.QR,
    ),
}  # fmt: skip
NAMES = sorted(DOCUMENTS)

# The field that carries a name in each document, to put markup into.
NAME_FIELD = {
    "receipt": "applicant_name", "letter": "applicant_name", "license": "holder",
    "onecode": "holder", "ticket": "category", "slip": "applicant_name",
    "decision": "applicant_name",
}  # fmt: skip

# Every optional field left empty.
BARE: dict[str, dict[str, object]] = {
    "receipt": {"contact": "", "pending": (), "received": (), "checking": (),
                "issuer": Issuer(hall_name=HALL)},
    "letter": {"legal_representative": "", "address": "", "contact": "",
               "verification_due": None, "issuer": Issuer(hall_name=HALL)},
    "license": {"legal_representative": "", "address": "", "valid_until": None, "scope": ()},
    "onecode": {"licenses": ()},
    "ticket": {"priority": "", "note": ""},
    "slip": {"booked_at": None, "notes": (), "bring": (), "issuer": Issuer(hall_name=HALL)},
    "decision": {"legal_basis": "", "reviewer": "", "issuer": Issuer(hall_name=HALL)},
}  # fmt: skip


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return {name: build() for name, (build, _facts, _qr) in DOCUMENTS.items()}


@pytest.mark.parametrize("name", NAMES)
def test_document_prints_its_facts(built: dict[str, bytes], name: str) -> None:
    text = all_text(built[name])
    missing = [fact for fact in DOCUMENTS[name][1] if compact(fact) not in text]
    assert missing == []
    assert "None" not in text


@pytest.mark.parametrize("name", NAMES)
def test_document_metadata_names_the_document_and_the_hall(
    built: dict[str, bytes], name: str
) -> None:
    meta = reader(built[name]).metadata
    assert meta is not None
    assert meta.author == HALL
    assert meta.title
    assert DOCUMENTS[name][1][0] in meta.title


@pytest.mark.parametrize("name", NAMES)
def test_every_font_used_is_embedded_truetype(built: dict[str, bytes], name: str) -> None:
    used = fonts(built[name])
    assert used, "no font found: the walk of the resources is wrong"
    assert all(embedded for _name, embedded in used), used
    assert all("WenQuanYi" in font for font, _embedded in used), used


@pytest.mark.parametrize("name", NAMES)
def test_qr_code_reads_back_as_the_signed_payload_at_150_dpi(
    qapp: object, built: dict[str, bytes], name: str
) -> None:
    pdf = built[name]
    codes = [c for page in range(len(reader(pdf).pages)) for c in decode_codes(pdf, page, 150)]
    assert [c for c in codes if c[0] == "QRCode"] == [("QRCode", DOCUMENTS[name][2])]


@pytest.mark.parametrize("name", NAMES)
def test_markup_in_a_value_prints_as_its_characters(name: str) -> None:
    pdf = DOCUMENTS[name][0](**{NAME_FIELD[name]: samples.MARKUP_NAME})
    text = all_text(pdf)
    assert compact(samples.MARKUP_NAME) in text


@pytest.mark.parametrize("name", NAMES)
def test_missing_optional_fields_print_cleanly(name: str) -> None:
    pdf = DOCUMENTS[name][0](**BARE[name])
    text = all_text(pdf)
    assert "None" not in text
    assert "()" not in text and "[]" not in text
    assert DOCUMENTS[name][1][0] in text  # still the document


# The pages each sample takes: a change of layout must not push one onto another page.
PAGES = {"receipt": 1, "letter": 1, "license": 1, "onecode": 1, "ticket": 1, "slip": 1,
         "decision": 1}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_each_sample_takes_its_number_of_pages(built: dict[str, bytes], name: str) -> None:
    assert len(reader(built[name]).pages) == PAGES[name]


@pytest.mark.parametrize("name", NAMES)
def test_a_reprint_is_marked_as_a_reprint_on_every_page(name: str) -> None:
    """补打件, not 副本: on a license, a 副本 is the official duplicate."""
    original = DOCUMENTS[name][0]()
    reprint = DOCUMENTS[name][0](copy=2)
    assert "补打" not in all_text(original)
    assert all("补打件（第2次）" in compact(page) for page in pages_text(reprint))
    assert "副本补打" not in all_text(reprint)


def test_no_document_mentions_a_missing_value_as_python_would() -> None:
    """The bare receipt says what is absent in words or a dash."""
    pdf = receipt_pdf(samples.receipt(contact="", pending=(), received=(), checking=()))
    text = all_text(pdf)
    assert "联系方式" not in text  # no contact: no line for it
    assert "三、待补材料无。" in text
    assert "二、已收取材料—" in text
    assert "材料齐全、符合法定形式" in text and "主要材料" not in text


def test_a_license_number_stays_on_one_line_in_the_onecode_sheet() -> None:
    """The number column holds a number the hall gives (item, counter, year, sequence)."""
    lines = [line.strip() for line in pages_text(onecode_pdf(samples.onecode()))[0].splitlines()]
    assert "SAMR-002-C01-2026-00001" in lines and "JY13203050012345" in lines
