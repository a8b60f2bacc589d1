"""The certificate: one landscape page (and a continuation page for a scope too long for
it), with codes that scan."""

from __future__ import annotations

import re

from hall.printing import license_pdf
from hall.printing.license import MIN_SIZE
from tests.printing import samples
from tests.printing.pdfcheck import all_text, compact, font_sizes, pages_text, reader
from tests.printing.render import decode_codes


def test_barcode_and_qr_code_decode_from_a_150_dpi_rendering(qapp: object) -> None:
    codes = decode_codes(license_pdf(samples.license_()), dpi=150)
    assert ("Code128", "JY13203050012345") in codes
    assert ("QRCode", samples.QR) in codes


def test_a_640_character_payload_prints_larger_and_still_decodes(qapp: object) -> None:
    from hall.printing.codes import QR_MIN_MODULE, QrCode

    assert QrCode(samples.QR_LONG).module >= QR_MIN_MODULE
    assert QrCode(samples.QR_LONG).size > QrCode(samples.QR).size
    codes = decode_codes(license_pdf(samples.license_(qr=samples.QR_LONG)), dpi=150)
    assert ("QRCode", samples.QR_LONG) in codes


def test_long_holder_and_scope_stay_legible_the_scope_continuing_on_a_page_of_its_own(
    qapp: object,
) -> None:
    name = samples.LONG_NAME
    scope = tuple(
        f"经营项目{n:02d}：热食类食品制售、冷食类食品制售、生食类食品制售、糕点类食品制售、"
        "自制饮品制售、预包装食品（含冷藏冷冻食品）销售"
        for n in range(1, 17)
    )
    pdf = license_pdf(samples.license_(holder=name, scope=scope, qr=samples.QR_LONG))
    pages = [compact(page) for page in pages_text(pdf)]
    assert len(pages) == 2
    front, continued = pages
    assert compact(name) in front and "……（详见附页）" in front
    assert compact(scope[0]) in front and compact(scope[-1]) not in front
    # The facts keep a legible size rather than shrink to fit.
    facts = [size for text, size in font_sizes(pdf) if text.startswith(name[:6])]
    assert facts and min(facts) >= MIN_SIZE
    # The continuation: header, number, page numbers, and the whole scope in order.
    assert "第1页共2页" in front and "第2页共2页" in continued
    assert samples.ISSUER.hall_name in continued and "食品经营许可证JY13203050012345" in continued
    assert "食品经营许可证（附页）" in continued and "许可范围" in continued
    listed = re.sub(r"\d+\.", "", continued)
    assert "".join(compact(line) for line in scope) in listed
    # The codes keep their size: the facts shrank, not the codes.
    codes = decode_codes(pdf, dpi=150)
    assert ("QRCode", samples.QR_LONG) in codes
    assert ("Code128", "JY13203050012345") in codes


def test_a_scope_that_fits_at_a_smaller_size_stays_on_the_one_page() -> None:
    scope = tuple(samples.LONG_NAME[i : i + 40] for i in range(0, 200, 40))
    pdf = license_pdf(samples.license_(scope=scope))
    assert len(reader(pdf).pages) == 1
    text = all_text(pdf)
    assert all(compact(line) in text for line in scope) and "详见附页" not in text
    assert "第1页" not in text  # a certificate of one page is not numbered


def test_a_filing_certificate_says_filing_not_permit() -> None:
    pdf = license_pdf(samples.license_(title="户外广告设施设置备案凭证", filing=True))
    text = all_text(pdf)
    for label in (
        "备案事项",
        "备案范围",
        "备案编号JY13203050012345",
        "备案机关：",
        "（备案机关盖章）",
        "备案日期：2026年12月01日",
    ):
        assert label in text, label
    for label in ("许可事项", "许可范围", "许可证编号", "发证机关", "发证日期"):
        assert label not in text, label
    permit = all_text(license_pdf(samples.license_()))
    assert "许可事项" in permit and "许可证编号" in permit and "发证机关：" in permit
    assert "备案" not in permit


def test_a_long_number_under_the_barcode_is_no_wider_than_the_bars() -> None:
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from hall.printing.codes import Code128
    from hall.printing.fonts import ensure_font

    number = "JY1320305001234520261201ABCDEFGHIJ-0001-XYZ-9"
    code = Code128(number, font_size=10)
    code.wrap(70 * mm, 100)
    bars = len(code.modules) * code.module
    assert float(stringWidth(number, ensure_font(), code.text_size)) <= bars + 0.01
    short = Code128("JY13203050012345", font_size=10)
    short.wrap(70 * mm, 100)
    assert short.text_size == 10  # a number that fits keeps its size
    # On the certificate too: a number too long even for the foot prints smaller.
    number = "1234567890" * 12  # digits: two to a symbol, the text longer than the bars
    pdf = license_pdf(samples.license_(number=number))
    assert [size < 10 for text, size in font_sizes(pdf) if text.strip() == number] == [True]


def test_the_halls_own_numbers_scan_at_150_dpi(qapp: object) -> None:
    """SAMR-002-C01-2026-00001 takes 111 mm of bars at a module of 0.36 mm: too wide for
    the column under the QR code, where finer bars would not scan; it prints at the foot."""
    for number in ("SAMR-002-C01-2026-00001", "MOFCOM-001-C01-2026-00001"):
        codes = decode_codes(license_pdf(samples.license_(number=number)), dpi=150)
        assert ("Code128", number) in codes and ("QRCode", samples.QR) in codes


def test_landscape_page() -> None:
    box = reader(license_pdf(samples.license_())).pages[0].mediabox
    assert float(box.width) > float(box.height)


def test_a_long_term_license_says_so() -> None:
    text = all_text(license_pdf(samples.license_(valid_until=None)))
    assert "自2026年12月01日起长期有效" in text


def test_a_number_code_128_cannot_carry_prints_as_text_only(qapp: object) -> None:
    number = "贾卫公字〔2026〕第0088号"
    pdf = license_pdf(samples.license_(number=number))
    assert compact(number) in all_text(pdf)
    assert [f for f, _t in decode_codes(pdf, dpi=150)] == ["QRCode"]


def test_a_huge_name_without_a_scope_still_prints_on_one_page() -> None:
    name = samples.LONG_NAME * 12  # 2,400 characters: nothing to put on a continuation page
    pdf = license_pdf(samples.license_(holder=name, scope=()))
    assert len(reader(pdf).pages) == 1
    assert compact(name) in all_text(pdf) and "附页" not in all_text(pdf)
