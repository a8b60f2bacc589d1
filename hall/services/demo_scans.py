"""Scans for the demo hall: a pharmacy's floor plan and its two-page quality rules,
drawn as a counter's scanner would have saved them (a PNG and a multi-page TIFF), and
taken in through the counter's own service so the reviewer's inbox shows scanned
materials."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from hall.core.paths import resource
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.scans import add_scans

#: A4 at 100 dpi, as an office scanner saves a draft scan.
PAGE = (827, 1169)


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(resource("fonts", "wqy-microhei.ttc")), size, index=0)


def _page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", PAGE, 255)
    return image, ImageDraw.Draw(image)


def _floor_plan() -> Image.Image:
    image, draw = _page()
    draw.text((413, 70), "经营场所平面布局图", font=_font(34), fill=0, anchor="mm")
    draw.text((413, 115), "贾汪区老矿街道平安路77号  面积180平方米  比例1:100",
              font=_font(16), fill=0, anchor="mm")  # fmt: skip
    draw.rectangle((110, 180, 720, 820), outline=0, width=4)
    rooms = (
        (110, 180, 470, 460, "营业区（药品陈列）"),
        (470, 180, 720, 460, "处方药区"),
        (110, 460, 360, 650, "阴凉库"),
        (360, 460, 720, 650, "常温仓库"),
        (110, 650, 360, 820, "办公区"),
        (360, 650, 580, 820, "不合格药品区"),
        (580, 650, 720, 820, "卫生间"),
    )
    for left, top, right, bottom, name in rooms:
        draw.rectangle((left, top, right, bottom), outline=0, width=2)
        draw.text(((left + right) / 2, (top + bottom) / 2), name, font=_font(18), fill=0,
                  anchor="mm")  # fmt: skip
    draw.text((120, 850), "出入口↑  安全出口2处  监控4路", font=_font(18), fill=0)
    draw.text((480, 960), "申请人（盖章）：康民大药房", font=_font(18), fill=0)
    return image


def _quality_rules() -> list[Image.Image]:
    chapters = (
        ("第一章 总则", ("为加强药品经营质量管理，依据《药品经营质量管理规范》制定本制度。",)),
        ("第二章 采购与验收", ("药品从具有合法资质的企业采购，索取并留存供货单位资质。",
                              "到货药品逐批验收，验收记录保存五年。")),
        ("第三章 储存与养护", ("按温湿度要求分区储存，每日两次记录温湿度。",)),
        ("第四章 销售与处方", ("处方药凭处方销售，执业药师审核后调配。",)),
    )  # fmt: skip
    pages = []
    for number, part in enumerate((chapters[:2], chapters[2:]), 1):
        image, draw = _page()
        draw.text((413, 80), "质量管理制度", font=_font(30), fill=0, anchor="mm")
        y = 150
        for title, lines in part:
            draw.text((90, y), title, font=_font(22), fill=0)
            y += 40
            for line in lines:
                draw.text((120, y), line, font=_font(18), fill=0)
                y += 32
            y += 20
        draw.text((413, 1110), f"第 {number} 页", font=_font(16), fill=0, anchor="mm")
        pages.append(image)
    return pages


def add_demo_scans(ctx: AppContext, clerk: Actor, case_number: str) -> None:
    """Scan the pharmacy's floor plan and quality rules into its case."""
    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "scan-0001.png"
        _floor_plan().save(plan, optimize=True)
        rules = Path(folder) / "scan-0002.tif"
        first, *rest = _quality_rules()
        first.save(rules, save_all=True, append_images=rest, compression="tiff_deflate")
        add_scans(ctx, clerk, case_number, "经营场所平面布局图", [plan])
        add_scans(ctx, clerk, case_number, "质量管理制度", [rules])
