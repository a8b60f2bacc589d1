"""The acceptance notice of a large case: pages, repeated headers, long text wrapping."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from hall.printing import receipt_pdf
from hall.printing.data import ReceiptItem, ReceiptMaterial
from tests.printing import samples
from tests.printing.pdfcheck import all_text, compact, pages_text


def test_thirty_items_run_onto_further_pages_with_numbers_and_headers() -> None:
    items = samples.items(30)
    pages = [compact(p) for p in pages_text(receipt_pdf(samples.receipt(items=items)))]
    assert len(pages) > 1
    for n, page in enumerate(pages, 1):
        assert f"第{n}页共{len(pages)}页" in page
        assert samples.ISSUER.hall_name in page  # the running header
    later = pages[1:]
    assert all("受理通知书C01-20261201-0001" in p for p in later)  # title and number
    # Every page that carries item rows starts them with the table's header.
    with_items = [p for p in pages if re.search(r"(SAMR-001|WJW-012|ZJ-007|WL-003)-\d\d", p)]
    assert len(with_items) >= 2
    assert all("事项编码事项名称实施部门" in p for p in with_items)
    text = "".join(pages)
    assert all(item.code in text for item in items)


def test_very_long_names_wrap_and_keep_every_character() -> None:
    name = samples.LONG_NAME
    item = ReceiptItem("LONG-1", name, name[:120], "实行告知承诺", "告知承诺", "当场办结")
    material = ReceiptMaterial(name, "纸质材料", "容缺待补", note=name[:150], due=date(2027, 1, 5))
    pdf = receipt_pdf(
        samples.receipt(applicant_name=name, items=(item, *samples.items(2)), pending=(material,))
    )
    text = all_text(pdf)
    assert text.count(compact(name)) >= 4  # applicant twice, the item, the material
    assert compact(name[:150]) in text and compact(name[:120]) in text


def test_provisional_deadlines_are_marked_and_the_mark_is_explained() -> None:
    item = ReceiptItem(
        "SAMR-001", "食品经营许可", "区市场监督管理局", "实行告知承诺", "告知承诺", "审查中",
        date(2027, 1, 8), date(2027, 2, 3), promised_provisional=True, statutory_provisional=True,
    )  # fmt: skip
    text = all_text(receipt_pdf(samples.receipt(items=(item,))))
    assert "2027年01月08日（待定）" in text and "2027年02月03日（待定）" in text
    assert "标注“待定”的日期" in text
    plain = all_text(receipt_pdf(samples.receipt(items=samples.items(3))))
    assert "待定" not in plain


def test_only_the_provisional_deadline_is_marked() -> None:
    """The promised deadline falls in a year whose calendar is not loaded yet, the
    statutory one does not (or the other way round): only that one says 待定."""
    item = ReceiptItem(
        "SAMR-001", "食品经营许可", "区市场监督管理局", "实行告知承诺", "告知承诺", "审查中",
        date(2027, 1, 8), date(2026, 12, 29), promised_provisional=True,
    )  # fmt: skip
    text = all_text(receipt_pdf(samples.receipt(items=(item,))))
    assert "2027年01月08日（待定）" in text
    assert "2026年12月29日" in text and "2026年12月29日（待定）" not in text
    assert "标注“待定”的日期" in text
    other = replace(item, promised_provisional=False, statutory_provisional=True)
    text = all_text(receipt_pdf(samples.receipt(items=(other,))))
    assert "2027年01月08日（待定）" not in text and "2026年12月29日（待定）" in text


def test_an_item_without_a_statutory_deadline_shows_a_dash() -> None:
    item = ReceiptItem(
        "WL-003", "营业性演出许可", "区文化广电和旅游局", "直接取消审批", "告知", "已告知",
        promised_deadline=None, statutory_deadline=None,
    )  # fmt: skip
    text = all_text(receipt_pdf(samples.receipt(items=(item,))))
    assert "已告知——" in text  # outcome, then a dash for each deadline


def test_a_single_item_is_named_in_the_acceptance_sentence() -> None:
    text = all_text(receipt_pdf(samples.receipt(items=samples.items(1), pending=())))
    assert "提交的食品经营许可（新办）申请，材料齐全" in text
    many = all_text(receipt_pdf(samples.receipt(items=samples.items(12))))
    assert "等9项申请" in many  # 12 items, three of them cancelled


def test_a_cancelled_item_is_told_not_accepted() -> None:
    """The fourth sample item's approval was cancelled: the applicant was told no permit
    is needed. It is not counted among the items accepted, but said so, and listed."""
    text = all_text(receipt_pdf(samples.receipt(items=samples.items(4))))
    accepted = "食品经营许可（新办）、公共场所卫生许可、户外广告设施设置许可共3项申请"
    assert accepted + "，主要材料齐全" in text
    assert "决定予以受理。另有营业性演出许可已取消审批，无需申请许可，已当场告知。" in text
    assert "共4项" not in text
    assert "WL-003营业性演出许可区文化广电和旅游局直接取消审批告知已告知" in text  # listed
    two = all_text(receipt_pdf(samples.receipt(items=samples.items(8))))
    assert "等6项申请" in two and "另有营业性演出许可、营业性演出许可共2项已取消审批" in two
    plain = all_text(receipt_pdf(samples.receipt(items=samples.items(3))))
    assert "另有" not in plain and "取消审批，无需" not in plain


def test_only_cancelled_items_are_not_accepted_at_all() -> None:
    cancelled = samples.items(4)[3:]
    text = all_text(receipt_pdf(samples.receipt(items=cancelled, pending=())))
    assert "提交的营业性演出许可申请，所涉事项已取消审批，无需申请许可，已当场告知。" in text
    assert "决定予以受理" not in text


def test_materials_being_verified_have_their_own_section() -> None:
    """What the hall verifies itself is not among what the applicant owes."""
    text = all_text(receipt_pdf(samples.receipt()))
    checking = text.split("三、正在核验的材料（无需申请人提交）", 1)[1].split("四、待补材料", 1)
    assert "食品安全管理人员考核合格证明部门核验核验中区市场监管局" in checking[0]
    assert "食品安全管理人员考核合格证明" not in checking[1]
    assert "从业人员健康证明" in checking[1]
    assert "请于“待补材料”所列期限内补齐" in text
    without = all_text(receipt_pdf(samples.receipt(checking=())))
    assert "正在核验" not in without and "三、待补材料" in without


def test_only_a_material_promised_by_a_date_is_to_be_completed_by_it() -> None:
    owed = ReceiptMaterial("营业执照复印件", "纸质材料", "待补正", note="原件不清晰")
    text = all_text(receipt_pdf(samples.receipt(pending=(owed,))))
    assert "容缺" not in text and "期限内补齐" not in text
    assert "请携带“待补材料”所列材料到受理窗口补交。" in text
    promised = replace(owed, due=date(2026, 12, 15))
    text = all_text(receipt_pdf(samples.receipt(pending=(owed, promised))))
    assert "尚缺的材料按容缺受理办理，请于“待补材料”所列期限内补齐。" in text
    none = all_text(receipt_pdf(samples.receipt(pending=())))
    assert "补齐" not in none.split("一、申请事项")[0] and "补交" not in none


def test_an_item_code_stays_on_one_line() -> None:
    """The code column holds MOFCOM-001; a longer code breaks after a hyphen only."""
    items = (
        ReceiptItem("MOFCOM-001", "对外贸易经营者备案", "区商务局", "审批改为备案", "备案",
                    "已备案"),
        ReceiptItem("MOFCOM-001-C01-2026-00001", "对外贸易经营者备案", "区商务局",
                    "审批改为备案", "备案", "已备案"),
    )  # fmt: skip
    page = pages_text(receipt_pdf(samples.receipt(items=items)))[0]
    lines = [line.strip() for line in page.splitlines()]  # a cell's lines, one by one
    assert "MOFCOM-001" in lines
    start = lines.index("MOFCOM-001-")
    assert lines[start : start + 3] == ["MOFCOM-001-", "C01-2026-", "00001"]


def test_a_row_taller_than_a_page_continues_in_further_rows() -> None:
    """reportlab cannot place a row taller than a page (and loops when asked to split
    one): such a row is cut into rows that keep every character, in order."""
    note = samples.LONG_NAME * 8  # 1,600 characters in a 42 mm column
    material = ReceiptMaterial("经营场所使用证明", "纸质材料", "已收取", note=note)
    pdf = receipt_pdf(samples.receipt(received=(material,), applicant_name=note))
    noise = re.compile(
        r"徐州市贾汪区政务服务中心|受理通知书C01-20261201-0001|第\d+页共\d+页|序号材料名称提交方式状态备注"
    )
    text = "".join(noise.sub("", compact(page)) for page in pages_text(pdf))
    assert compact(note) in text.split("经营场所使用证明纸质材料已收取", 1)[1]
    assert text.count(compact(note)) == 3  # applicant twice, and the note
