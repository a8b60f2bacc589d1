"""Scans for the demo hall: a pharmacy's floor plan and its quality rules, drawn as a
counter's scanner would have saved them, taken in through the counter's own service so
the reviewer's inbox shows scanned materials."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.scans import add_scans


def _floor_plan() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from hall.printing.fonts import ensure_font

    font = ensure_font()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont(font, 18)
    c.drawCentredString(297, 780, "经营场所平面布局图")
    c.setFont(font, 10)
    c.drawCentredString(
        297, 760, "江苏省徐州市贾汪区老矿街道平安路77号  面积 180 平方米  比例 1:100"
    )
    c.setLineWidth(2)
    c.rect(80, 260, 440, 460)
    c.setLineWidth(1)
    rooms = (
        (80, 520, 260, 200, "营业区（药品陈列）"),
        (340, 520, 180, 200, "处方药区"),
        (80, 380, 180, 140, "阴凉库"),
        (260, 380, 260, 140, "常温仓库"),
        (80, 260, 180, 120, "办公区"),
        (260, 260, 160, 120, "不合格药品区"),
        (420, 260, 100, 120, "卫生间"),
    )
    for x, y, w, h, name in rooms:
        c.rect(x, y, w, h)
        c.drawCentredString(x + w / 2, y + h / 2, name)
    c.drawString(90, 230, "出入口 ↑   安全出口 2 处   监控 4 路")
    c.drawString(360, 200, "申请人（盖章）：康民大药房")
    c.save()
    return out.getvalue()


def _quality_rules() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from hall.printing.fonts import ensure_font

    font = ensure_font()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    chapters = (
        ("第一章 总则", ("为加强药品经营质量管理，依据《药品经营质量管理规范》制定本制度。",)),
        ("第二章 采购与验收", ("药品从具有合法资质的企业采购，索取并留存供货单位资质。",
                              "到货药品逐批验收，验收记录保存五年。")),
        ("第三章 储存与养护", ("按温湿度要求分区储存，每日两次记录温湿度。",)),
        ("第四章 销售与处方", ("处方药凭处方销售，执业药师审核后调配。",)),
    )  # fmt: skip
    for page, part in enumerate((chapters[:2], chapters[2:]), 1):
        c.setFont(font, 16)
        c.drawCentredString(297, 780, "质量管理制度")
        y = 740
        for title, lines in part:
            c.setFont(font, 12)
            c.drawString(72, y, title)
            y -= 22
            c.setFont(font, 10)
            for line in lines:
                c.drawString(90, y, line)
                y -= 18
            y -= 10
        c.drawCentredString(297, 60, f"第 {page} 页")
        c.showPage()
    c.save()
    return out.getvalue()


def add_demo_scans(ctx: AppContext, clerk: Actor, case_number: str) -> None:
    """Scan the pharmacy's floor plan and quality rules into its case."""
    with tempfile.TemporaryDirectory() as folder:
        for material, name, content in (
            ("经营场所平面布局图", "scan-0001.pdf", _floor_plan()),
            ("质量管理制度", "scan-0002.pdf", _quality_rules()),
        ):
            path = Path(folder) / name
            path.write_bytes(content)
            add_scans(ctx, clerk, case_number, material, [path])
