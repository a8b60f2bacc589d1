"""A license or permit certificate: one A4 landscape page in a double frame, laid out
like the 2019 营业执照 (code at the top, the recorded facts as label and value, the QR
code at the right, the issuing department and date at the foot). Whatever the length of
the holder's name or the scope, it all shrinks to fit the one page."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Spacer

from hall.core.i18n import _
from hall.printing.blocks import Block, columns, field_table, qr_block, text_block
from hall.printing.codes import Code128
from hall.printing.data import License
from hall.printing.fonts import ensure_font
from hall.printing.frame import Layout, Section, build_pdf
from hall.printing.styles import DASH, cn_date, or_dash, para, styles

BORDER = colors.Color(0.55, 0.38, 0.16)
SIZE = landscape(A4)


def _border(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(BORDER)
    canvas.setLineWidth(2.2)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setLineWidth(0.6)
    canvas.rect(12.5 * mm, 12.5 * mm, width - 25 * mm, height - 25 * mm)


LAYOUT = Layout(
    size=SIZE,
    margins=(24 * mm, 24 * mm, 26 * mm, 20 * mm),
    header=False,
    numbered=False,
    background=_border,
)
WIDTH = SIZE[0] - 48 * mm
HEIGHT = SIZE[1] - 46 * mm
QR_COLUMN = 70 * mm


def _title(text: str) -> Flowable:
    """The certificate's name as large as fits on one line (down to 20 pt, then wrapping)."""
    s = styles().title
    one_pt = stringWidth(text, ensure_font(), 1) or 1
    size = max(20.0, min(34.0, (WIDTH - 20 * mm) / one_pt))
    style = s.clone("license_title", fontSize=size, leading=size * 1.3, spaceAfter=4 * mm)
    return para(text, style)


def _validity(lic: License) -> str:
    start = cn_date(lic.valid_from)
    if lic.valid_until is None:
        return _("自{start}起长期有效").format(start=start)
    return _("{start} 至 {end}").format(start=start, end=cn_date(lic.valid_until))


def _barcode(lic: License) -> list[Flowable]:
    """The number as a Code 128 barcode with the number under it; nothing when it holds
    characters Code 128 cannot carry (a 贾卫公字〔2026〕 number prints as text only)."""
    if lic.number and lic.number.isascii() and lic.number.isprintable():
        return [Spacer(1, 6 * mm), Code128(lic.number, font_size=10)]
    return []


def _cert_styles(size: float) -> tuple[ParagraphStyle, ParagraphStyle]:
    s = styles()
    label = s.label.clone("cert_label", fontSize=size, leading=size * 1.65)
    value = s.body.clone("cert_value", fontSize=size, leading=size * 1.65)
    return label, value


def _fields(lic: License, size: float) -> list[Flowable]:
    label, value = _cert_styles(size)
    rows: list[tuple[str, Block]] = [(_("名称"), or_dash(lic.holder))]
    if lic.legal_representative:
        rows.append((_("法定代表人（负责人）"), lic.legal_representative))
    if lic.address:
        rows.append((_("住所"), lic.address))
    rows += [
        (_("许可事项"), or_dash(lic.item_name)),
        (_("许可范围"), "\n".join(lic.scope) if lic.scope else DASH),
        (_("有效期"), _validity(lic)),
        (_("许可证编号"), or_dash(lic.number)),
    ]
    code = para(_("统一社会信用代码：{code}").format(code=or_dash(lic.holder_code)), value)
    table = field_table(rows, WIDTH - QR_COLUMN - 6 * mm, size * 10.8, label, value)
    return [code, Spacer(1, 4 * mm), table]


def _foot(lic: License) -> Flowable:
    s = styles()
    note = [
        _("事项编码：{code}").format(code=or_dash(lic.item_code)),
        _("扫描二维码可核验本证真伪；证载信息以发证机关的记录为准。"),
    ]
    issued = text_block(
        [
            _("发证机关：{authority}").format(authority=or_dash(lic.authority)),
            _("（发证机关盖章）"),
            _("发证日期：{day}").format(day=cn_date(lic.issued_on)),
        ],
        s.seal.clone("cert_seal", fontSize=12, leading=21),
        110 * mm,
    )
    return columns(
        [text_block(note, s.small, WIDTH - 110 * mm), issued], [WIDTH - 110 * mm, 110 * mm]
    )


def _height(flowable: Flowable) -> float:
    """The room ``flowable`` takes in the frame, with its spacing."""
    _width, height = flowable.wrap(WIDTH, HEIGHT)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _fitted(lic: License, room: float) -> Flowable:
    """The facts at the largest type size that fits ``room`` (a long scope takes a smaller
    one); scaled down as a whole only when even 8 pt is too large."""
    for size in (12.0, 11.0, 10.0, 9.0, 8.0):
        fields = _fields(lic, size)
        if sum(f.wrap(WIDTH - QR_COLUMN, room)[1] for f in fields) + 4 * mm <= room:
            break
    return KeepInFrame(WIDTH - QR_COLUMN, room, fields, mode="shrink")


def license_section(lic: License) -> Section:
    """The page: the facts shrink to the room left by the title, the codes and the foot,
    so the QR code and the barcode keep their printed size (and stay readable)."""
    title, foot = _title(lic.title or _("许可证")), _foot(lic)
    codes = [qr_block(lic.qr, _("扫码核验"), 30 * mm), *_barcode(lic)]
    room = HEIGHT - _height(title) - _height(foot) - 12 * mm
    facts = _fitted(lic, room)
    middle = columns([facts, codes], [WIDTH - QR_COLUMN, QR_COLUMN], valign="TOP")
    # What is left over goes above the foot, which sits at the bottom of the frame.
    gap = max(HEIGHT - _height(title) - _height(middle) - _height(foot) - 2 * mm, 0)
    story: list[Flowable] = [title, middle, Spacer(1, gap), foot]
    return Section(story, lic.title, lic.number, lic.copy)


def license_pdf(lic: License) -> bytes:
    """The certificate as a one-page PDF (A4 landscape)."""
    return build_pdf(
        [license_section(lic)],
        title=f"{lic.title} {lic.number}",
        author=lic.issuer.hall_name,
        subject=lic.holder,
        layout=LAYOUT,
    )
