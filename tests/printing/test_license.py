"""The certificate: one landscape page, whatever its content, with codes that scan."""

from __future__ import annotations

from hall.printing import license_pdf
from tests.printing import samples
from tests.printing.pdfcheck import all_text, compact, reader
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


def test_long_holder_and_scope_stay_on_the_one_page(qapp: object) -> None:
    name = samples.LONG_NAME
    scope = tuple(name[i : i + 50] for i in range(0, 200, 50)) * 4
    pdf = license_pdf(samples.license_(holder=name, scope=scope, qr=samples.QR_LONG))
    pages = reader(pdf).pages
    assert len(pages) == 1
    text = all_text(pdf)
    assert compact(name) in text
    assert all(compact(line) in text for line in scope)
    # The codes keep their size: the facts shrank, not the codes.
    codes = decode_codes(pdf, dpi=150)
    assert ("QRCode", samples.QR_LONG) in codes
    assert ("Code128", "JY13203050012345") in codes


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
