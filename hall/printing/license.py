"""A license or permit certificate: one A4 landscape page in a double frame, laid out
like the 2019 营业执照 (code at the top, the recorded facts as label and value, the QR
code at the right, the issuing department and date at the foot). Long facts print in a
smaller type, down to :data:`MIN_SIZE`; a scope still too long is cut on the certificate
("……（详见附页）") and printed in full on a continuation page (附页), numbered, with the
running header and the certificate's number."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Spacer

from hall.core.i18n import _
from hall.printing.blocks import Block, columns, field_table, numbered, qr_block, text_block
from hall.printing.codes import Code128
from hall.printing.data import License
from hall.printing.fonts import ensure_font
from hall.printing.frame import Layout, Section, build_pdf
from hall.printing.styles import DASH, cn_date, heading, or_dash, para, styles

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
    background=_border,
    # The certificate itself carries neither; its continuation pages carry both.
    header_on_first=False,
    number_single=False,
    footer=15 * mm,  # inside the inner frame line (12.5 mm)
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


def _barcode(lic: License) -> Code128 | None:
    """The number as a Code 128 barcode with the number under it; none when it holds
    characters Code 128 cannot carry (a 贾卫公字〔2026〕 number prints as text only)."""
    if lic.number and lic.number.isascii() and lic.number.isprintable():
        return Code128(lic.number, font_size=10)
    return None


def _cert_styles(size: float) -> tuple[ParagraphStyle, ParagraphStyle]:
    s = styles()
    label = s.label.clone("cert_label", fontSize=size, leading=size * 1.65)
    value = s.body.clone("cert_value", fontSize=size, leading=size * 1.65)
    return label, value


def _labels(lic: License) -> dict[str, str]:
    """What the rows and the foot are called: a filing certificate (备案凭证) records a
    filing, not a permit."""
    if lic.filing:
        return {
            "item": _("备案事项"), "scope": _("备案范围"), "number": _("备案编号"),
            "authority": _("备案机关：{authority}"), "seal": _("（备案机关盖章）"),
            "day": _("备案日期：{day}"), "title": _("备案凭证"),
            "note": _("扫描二维码可核验本凭证真伪；凭证信息以备案机关的记录为准。"),
        }  # fmt: skip
    return {
        "item": _("许可事项"), "scope": _("许可范围"), "number": _("许可证编号"),
        "authority": _("发证机关：{authority}"), "seal": _("（发证机关盖章）"),
        "day": _("发证日期：{day}"), "title": _("许可证"),
        "note": _("扫描二维码可核验本证真伪；证载信息以发证机关的记录为准。"),
    }  # fmt: skip


def _fields(lic: License, size: float, shown: int | None = None) -> list[Flowable]:
    """The facts at ``size`` points; ``shown``: only that many lines of the scope, then
    a line saying the rest is on the continuation page."""
    label, value = _cert_styles(size)
    names = _labels(lic)
    rows: list[tuple[str, Block]] = [(_("名称"), or_dash(lic.holder))]
    if lic.legal_representative:
        rows.append((_("法定代表人（负责人）"), lic.legal_representative))
    if lic.address:
        rows.append((_("住所"), lic.address))
    scope = list(lic.scope) if shown is None else [*lic.scope[:shown], _("……（详见附页）")]
    rows += [
        (names["item"], or_dash(lic.item_name)),
        (names["scope"], "\n".join(scope) if scope else DASH),
        (_("有效期"), _validity(lic)),
        (names["number"], or_dash(lic.number)),
    ]
    code = para(_("统一社会信用代码：{code}").format(code=or_dash(lic.holder_code)), value)
    table = field_table(rows, WIDTH - QR_COLUMN - 6 * mm, size * 10.8, label, value)
    return [code, Spacer(1, 4 * mm), table]


def _foot(lic: License, barcode: Flowable | None = None) -> Flowable:
    """The issuing department, its seal and the date at the right; at the left the item's
    code and a note, under ``barcode`` when it is too wide for the column of the QR code."""
    s, names = styles(), _labels(lic)
    note = [_("事项编码：{code}").format(code=or_dash(lic.item_code)), names["note"]]
    issued = text_block(
        [
            names["authority"].format(authority=or_dash(lic.authority)),
            names["seal"],
            names["day"].format(day=cn_date(lic.issued_on)),
        ],
        s.seal.clone("cert_seal", fontSize=12, leading=21),
        110 * mm,
    )
    left: Block = text_block(note, s.small, WIDTH - 110 * mm)
    if barcode is not None:
        left = [barcode, Spacer(1, 3 * mm), left]
    return columns([left, issued], [WIDTH - 110 * mm, 110 * mm])


def _height(flowable: Flowable) -> float:
    """The room ``flowable`` takes in the frame, with its spacing."""
    _width, height = flowable.wrap(WIDTH, HEIGHT)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


MIN_SIZE = 9.0  # the facts print no smaller: a longer scope goes on to a continuation page
SIZES = (12.0, 11.0, 10.0, MIN_SIZE)


def _fits(fields: list[Flowable], room: float) -> bool:
    return bool(sum(f.wrap(WIDTH - QR_COLUMN, room)[1] for f in fields) + 4 * mm <= room)


def _fitted(lic: License, room: float) -> tuple[Flowable, bool]:
    """The facts at the largest type size that fits ``room`` (a long scope takes a smaller
    one), and whether the scope continues on a continuation page: at :data:`MIN_SIZE`,
    as many of its lines as fit are shown, then "……（详见附页）". Only facts too long
    even without their scope (a name of thousands of characters) are scaled down as a
    whole."""
    for size in SIZES:
        fields = _fields(lic, size)
        if _fits(fields, room):
            return KeepInFrame(WIDTH - QR_COLUMN, room, fields, mode="shrink"), False
    if not lic.scope:  # nothing to continue elsewhere
        return KeepInFrame(WIDTH - QR_COLUMN, room, fields, mode="shrink"), False
    low, high = 0, len(lic.scope) - 1  # the most lines that fit, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(_fields(lic, MIN_SIZE, middle), room):
            low = middle
        else:
            high = middle - 1
    fields = _fields(lic, MIN_SIZE, low)
    return KeepInFrame(WIDTH - QR_COLUMN, room, fields, mode="shrink"), True


def _continuation(lic: License, title: str) -> list[Flowable]:
    """附页: the holder, the number and the whole scope, from a new page (and onto more
    pages if need be, each with the running header and its page number)."""
    s, names = styles(), _labels(lic)
    facts = field_table(
        [
            (_("名称"), or_dash(lic.holder)),
            (_("统一社会信用代码"), or_dash(lic.holder_code)),
            (names["number"], or_dash(lic.number)),
            (names["item"], or_dash(lic.item_name)),
        ],
        WIDTH,
        label_width=42 * mm,
    )
    return [
        PageBreak(),
        para(_("{title}（附页）").format(title=title), s.title),
        facts,
        *heading(names["scope"]),
        *numbered(lic.scope),
    ]


def license_section(lic: License) -> Section:
    """The page: the facts shrink to the room left by the title, the codes and the foot,
    so the QR code and the barcode keep their printed size (and stay readable)."""
    name = lic.title or _labels(lic)["title"]
    codes: list[Flowable] = [qr_block(lic.qr, _("扫码核验"), 30 * mm)]
    barcode = _barcode(lic)
    # Under the QR code while its bars keep their scannable width there; a longer number
    # (the hall's own SAMR-002-C01-2026-00001 takes 111 mm) goes to the wider foot.
    if barcode is not None and barcode.width <= QR_COLUMN:
        codes += [Spacer(1, 6 * mm), barcode]
        barcode = None
    title, foot = _title(name), _foot(lic, barcode)
    room = HEIGHT - _height(title) - _height(foot) - 12 * mm
    facts, continued = _fitted(lic, room)
    middle = columns([facts, codes], [WIDTH - QR_COLUMN, QR_COLUMN], valign="TOP")
    # What is left over goes above the foot, which sits at the bottom of the frame.
    gap = max(HEIGHT - _height(title) - _height(middle) - _height(foot) - 2 * mm, 0)
    story: list[Flowable] = [title, middle, Spacer(1, gap), foot]
    if continued:
        story += _continuation(lic, name)
    return Section(story, name, lic.number, lic.copy)


def license_pdf(lic: License) -> bytes:
    """The certificate as a PDF (A4 landscape): one page, and continuation pages only for
    a scope too long for it."""
    return build_pdf(
        [license_section(lic)],
        title=f"{lic.title} {lic.number}",
        author=lic.issuer.hall_name,
        subject=lic.holder,
        layout=LAYOUT,
    )
