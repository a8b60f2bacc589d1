"""The acceptance notice of a large case: pages, repeated headers, long text wrapping."""

from __future__ import annotations

import re
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
        date(2027, 1, 8), date(2027, 2, 3), deadline_provisional=True,
    )  # fmt: skip
    text = all_text(receipt_pdf(samples.receipt(items=(item,))))
    assert "2027年01月08日（待定）" in text and "2027年02月03日（待定）" in text
    assert "标注“待定”的日期" in text
    plain = all_text(receipt_pdf(samples.receipt(items=samples.items(3))))
    assert "待定" not in plain


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
    assert "等12项申请" in many


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
