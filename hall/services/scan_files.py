"""Checking a scanned file before it is kept: only PDF, JPEG, PNG and TIFF, told by
their first bytes (a renamed program is refused), and each must open (a truncated or
damaged file is refused with the reason). A PDF's pages are counted; an encrypted one
is refused, since no reviewer could open it. Pure functions on bytes."""

from __future__ import annotations

import io
import logging

from hall.core.errors import ValidationError
from hall.core.i18n import _

log = logging.getLogger(__name__)

PDF, JPEG, PNG, TIFF = "application/pdf", "image/jpeg", "image/png", "image/tiff"
#: The first bytes of each kind taken in.
_MAGIC = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)


def check_content(data: bytes, name: str) -> tuple[str, int]:
    """The type and page count of a scan's bytes; ``ValidationError`` for anything that
    is not a PDF, JPEG, PNG or TIFF that opens."""
    media_type = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if media_type is None:
        raise ValidationError(
            _(
                "“{name}”不是PDF、JPEG、PNG或TIFF格式的扫描件（文件内容与扩展名不符，或是其他类型的文件），未收入。"
            ).format(name=name)
        )
    if media_type == PDF:
        return media_type, _pdf_pages(data, name)
    return media_type, _image_frames(data, name)


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        _("扫描件“{name}”已损坏或不完整，无法打开，未收入。请重新扫描。").format(name=name)
    )


def _pdf_pages(data: bytes, name: str) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("PDF文件“{name}”设有密码，审批人员无法打开，未收入。").format(name=name)
            )
        pages = len(reader.pages)
        if pages:
            reader.pages[0].mediabox  # noqa: B018 - reading the first page proves it is there
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        log.info("damaged PDF %s: %s", name, exc)
        raise _damaged(name) from exc
    if pages == 0:
        raise _damaged(name)
    return pages


def _image_frames(data: bytes, name: str) -> int:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            frames = int(getattr(image, "n_frames", 1))
            image.load()  # a truncated file fails here, not on a reviewer's screen
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("图片“{name}”的像素过多，不像是材料扫描件，未收入。").format(name=name)
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        log.info("damaged image %s: %s", name, exc)
        raise _damaged(name) from exc
    return max(frames, 1)


def human_size(size: int) -> str:
    if size >= 1024 * 1024 * 1024:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024 * 1024:
        return f"{size / 1024**2:.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB"
