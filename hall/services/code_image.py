"""Reading the codes in a picture of a document (a photo, a scan): ``hall verify --image``
and the verify dialog. Pillow opens the file (it comes with reportlab), zxing-cpp reads
every QR code and barcode in it."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.services.payload import PREFIX

# A phone photo is a few MB; a scan of an A4 page at 600 dpi about 35 million pixels.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 80_000_000


def read_codes(image: Image.Image) -> list[str]:
    """The text of every QR code and barcode found in ``image``, QR codes first.

    A code drawn on a transparent background (a PDF page rendered without one) is put
    on white first: transparent pixels read as black otherwise."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    grey = ImageOps.exif_transpose(image).convert("L")
    found = zxingcpp.read_barcodes(grey)
    found.sort(key=lambda r: r.format != zxingcpp.BarcodeFormat.QRCode)
    return [r.text for r in found if r.text]


def payload_of(codes: list[str]) -> str | None:
    """The code to verify among those found: the first that looks like one of ours
    (a license also carries a barcode), else the first; None when there is none."""
    ours = [c for c in codes if c.strip().startswith(PREFIX)]
    found = ours or codes
    return found[0] if found else None


def read_codes_from_file(path: Path) -> list[str]:
    """:func:`read_codes` of the picture at ``path`` (PNG, JPEG, TIFF, BMP, GIF, WebP).

    Raises ``ValidationError`` with a message for a person when the file is missing,
    too large, or not a picture."""
    try:
        size = path.stat().st_size
    except OSError:
        raise ValidationError(_("找不到图片文件：{path}").format(path=path)) from None
    if size > MAX_FILE_BYTES:
        raise ValidationError(_("图片文件太大（超过50 MB），请换一张照片或扫描件。"))
    try:
        with path.open("rb") as head:
            pdf = head.read(5) == b"%PDF-"
        if pdf:
            raise ValidationError(
                _("这是PDF文件：请在程序的“核验文书二维码”窗口中打开它，或用文书的照片、扫描图片。")
            )
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("图片分辨率太高，请换一张照片或扫描件。"))
            image.load()
            return read_codes(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(
            _("无法打开这个文件：它不是图片，或已损坏。请选择PNG或JPEG格式的照片或扫描件。")
        ) from None
