"""Queue tickets printed straight on an ESC/POS receipt printer (python-escpos), over the
network (``tcp://HOST[:PORT]``) or USB (``usb:VENDOR:PRODUCT``), with Chinese as GB18030.

The ticket says what the PDF ticket (:mod:`hall.printing.ticket`) says, from the same
facts and with the same signed code; the printer draws the QR code itself (``GS ( k``),
so nothing is rendered here. Without a ticket printer in the settings, tickets go to the
system's printer as PDF (:func:`hall.services.documents.prepare_queue_document`).

Chinese: python-escpos's ``text()`` picks a single-byte code page per character
(``ESC t``); for CJK its ``MagicEncode.write`` has a special case that, when the text
holds a character of U+4E00–U+9FA5, sends the whole text as GB18030, but without
selecting the printer's Chinese mode, and text with none of those (a hall name in a rarer
character, ``：（）`` alone) falls through to the code pages and prints as ``?``. So the
ticket is written as raw bytes instead: ``FS &`` once (Chinese character mode, where a
byte over 0x7F starts a GB2312/GBK/GB18030 character and ASCII stays ASCII), every text
``.encode("gb18030")``, ``FS .`` before the cut to leave the printer as it was found.
GB18030 encodes every Unicode character; characters beyond GBK (CJK extensions, as in
some place names) are four bytes, which printers with a GB18030 font print and older
GBK-only ones show as two wrong characters.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import re
import shutil
import socket
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeAlias

from hall.core.errors import HallError, ValidationError
from hall.core.i18n import _
from hall.printing import data as doc
from hall.printing.frame import copy_mark
from hall.printing.styles import cn_datetime
from hall.services.audit import Actor
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import (
    Document,
    How,
    PrintKind,
    _build,
    _copies,
    record_handover,
)
from hall.services.permissions import Permission, guarded, require

log = logging.getLogger(__name__)

DEFAULT_PORT = 9100  # the raw printing port (JetDirect) of every network receipt printer
NETWORK_TIMEOUT = 5.0  # seconds to connect and to send; a printer that is on answers at once
USB_TIMEOUT_MS = 5000  # pyusb counts in milliseconds

ENTER_CHINESE = b"\x1c\x26"  # FS &
LEAVE_CHINESE = b"\x1c\x2e"  # FS .
# 32 columns fit both 58 mm (32) and 80 mm (48) paper: a longer rule would wrap on 58 mm.
RULE = "-" * 32
QR_MODULE_DOTS = 4  # 0.5 mm at 203 dpi, above the PDF ticket's 0.4 mm minimum
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class PrinterUnavailable(HallError):
    """The ticket printer cannot be reached, or did not take the ticket."""


@dataclass(frozen=True)
class NetworkPrinter:
    host: str
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class UsbPrinter:
    vendor: int
    product: int

    def __str__(self) -> str:
        return f"USB {self.vendor:04x}:{self.product:04x}"


PrinterSpec: TypeAlias = NetworkPrinter | UsbPrinter

_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_USB = re.compile(r"(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})", re.IGNORECASE)


def _malformed(spec: str, why: str = "") -> ValidationError:
    message = _(
        "排队票打印机“{spec}”的写法不对{why}：应写作 tcp://地址[:端口]"
        "（如 tcp://192.168.1.50:9100）或 usb:厂商号:产品号（如 usb:0416:5011）。"
    ).format(spec=spec, why=_("（{why}）").format(why=why) if why else "")
    return ValidationError(message, field="ticket_printer")


def parse_printer(spec: str) -> PrinterSpec | None:
    """The ticket printer the setting ``spec`` names, ``None`` for none (tickets then go
    to the system's printer). Raises ``ValidationError`` for a malformed setting."""
    text = spec.strip()
    if not text:
        return None
    scheme, _colon, rest = text.partition(":")
    scheme = scheme.lower()
    if scheme == "tcp" and rest.startswith("//"):
        return _network(text, rest[2:].rstrip("/"))
    if scheme == "usb":
        found = _USB.fullmatch(rest.strip())
        if found is None:
            raise _malformed(text, _("厂商号和产品号是 4 位十六进制数"))
        vendor, product = (int(found.group(i), 16) for i in (1, 2))
        if not vendor or not product:
            # python-escpos drops a zero id from its search: it would print on any device.
            raise _malformed(text, _("厂商号和产品号不能为 0"))
        return UsbPrinter(vendor, product)
    raise _malformed(text)


def _network(text: str, address: str) -> NetworkPrinter:
    if address.startswith("["):
        # python-escpos opens an IPv4 socket only.
        raise _malformed(text, _("只支持 IPv4 地址或主机名"))
    host, colon, port_text = address.partition(":")
    if not _HOST.fullmatch(host):
        raise _malformed(text, _("地址不对"))
    if not colon:
        return NetworkPrinter(host)
    if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise _malformed(text, _("端口应为 1–65535 之间的数字"))
    return NetworkPrinter(host, int(port_text))


# --- the bytes -------------------------------------------------------------------------


@functools.cache
def _escpos() -> Any:
    """python-escpos, imported on first use: its import takes ~0.3 s (it parses its
    printer database) and makes a temporary folder for a cache that is only read during
    the import; the folder is removed again so that each run does not leave one behind."""
    own_folder = "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ
    import escpos.printer  # type: ignore[import-untyped]

    if own_folder:
        shutil.rmtree(escpos.capabilities.pickle_dir, ignore_errors=True)
    return escpos


def _gb18030(text: str) -> bytes:
    # A control character in a setting or a name would be a printer command (GS V cuts).
    clean = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    # "replace" only matters for a lone surrogate, the one thing GB18030 cannot encode.
    return clean.encode("gb18030", errors="replace")


def _line(p: Any, text: str, *, size: int = 1, tall: bool = False, bold: bool = False) -> None:
    # GS ! (custom_size) scales Chinese characters too; ESC ! (double_width/height) is for
    # single-byte characters only.
    p.set(custom_size=True, width=size, height=2 * size if tall else size, bold=bold)
    p._raw(_gb18030(text) + b"\n")


def ticket_bytes(t: doc.Ticket) -> bytes:
    """The ESC/POS commands that print ticket ``t`` and cut it off the roll."""
    escpos = _escpos()
    p = escpos.printer.Dummy()
    p.hw("INIT")
    p._raw(ENTER_CHINESE)
    p.set(align="center")
    _line(p, t.hall_name, bold=True)
    _line(p, RULE)
    _line(p, t.category, size=2)
    _line(p, t.number, size=4, bold=True)
    _line(p, _("前面还有 {n} 人等候").format(n=t.people_ahead), tall=True)
    if t.priority:
        _line(p, t.priority, tall=True, bold=True)
    if t.copy > 0:
        _line(p, copy_mark(t.copy))
    _line(p, RULE)
    _line(p, _("取号时间：{moment}").format(moment=cn_datetime(t.issued_at)))
    # The same signed text as the PDF's code, at its error correction (M); the payload is
    # Base45, so the UTF-8 python-escpos sends it in is plain ASCII.
    p.qr(t.qr, ec=escpos.constants.QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=True)
    p._raw(b"\n")
    if t.note:
        _line(p, t.note)
    p.set(align="left", bold=False, custom_size=True, width=1, height=1)
    p._raw(LEAVE_CHINESE)
    p.cut()
    output: bytes = p.output
    return output


# --- the printer -----------------------------------------------------------------------


def _reason(exc: BaseException) -> str:
    """Why the printer could not be used, in the clerk's words."""
    cause: BaseException = exc
    # python-escpos raises its own error while handling the socket's or USB's.
    while not isinstance(cause, OSError):
        inner = cause.__cause__ or cause.__context__
        if inner is None:
            break
        cause = inner
    code = cause.errno if isinstance(cause, OSError) else None
    if isinstance(cause, TimeoutError) or code == errno.ETIMEDOUT:
        return _("打印机没有应答（超时）")
    if isinstance(cause, ConnectionRefusedError):
        return _("打印机拒绝连接（没有开机，或端口不对）")
    if isinstance(cause, socket.gaierror):
        return _("找不到这个地址")
    if isinstance(cause, ConnectionError):
        return _("连接被打印机断开")
    if code in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
        return _("网络不通")
    if code in (errno.EACCES, errno.EPERM):
        return _("没有访问权限")
    if code == errno.EBUSY:
        return _("打印机正被其他程序占用")
    if isinstance(cause, AssertionError):  # python-escpos's way of saying "no such device"
        return _("没有找到这台打印机（没有接上或没有开机）")
    if type(cause).__name__ == "NoBackendError":
        return _("本机没有安装 libusb")
    return str(cause) or type(cause).__name__


@contextmanager
def _explained(printer: PrinterSpec, message: str) -> Iterator[None]:
    errors = (OSError, ValueError, _escpos().exceptions.Error)
    try:
        yield
    except errors as exc:
        log.warning("ticket printer %s: %s", printer, exc, exc_info=True)
        raise PrinterUnavailable(message.format(printer=printer, reason=_reason(exc))) from exc


def _bulk_out(device: Any) -> int | None:
    """The address of the first bulk OUT endpoint of a USB device's active configuration.
    python-escpos writes to 0x01 unless told otherwise; many Chinese printers take their
    data on another (0x03 on the common 0416:5011)."""
    for interface in device.get_active_configuration():
        for endpoint in interface:
            address = int(endpoint.bEndpointAddress)
            if not address & 0x80 and endpoint.bmAttributes & 0x03 == 0x02:
                return address
    return None


@contextmanager
def _connected(spec: PrinterSpec) -> Iterator[Any]:
    """The printer, open; closed again after."""
    printers = _escpos().printer
    if isinstance(spec, NetworkPrinter):
        printer = printers.Network(spec.host, spec.port, timeout=NETWORK_TIMEOUT)
    elif not printers.Usb.is_usable():
        raise PrinterUnavailable(
            _("本机没有安装 USB 打印所需的 pyusb，无法使用排队票打印机 {printer}。").format(
                printer=spec
            )
        )
    else:
        printer = printers.Usb(spec.vendor, spec.product, timeout=USB_TIMEOUT_MS)
    try:
        with _explained(spec, _("无法连接排队票打印机 {printer}：{reason}")):
            printer.open()
            if isinstance(spec, UsbPrinter):
                printer.out_ep = _bulk_out(printer.device) or printer.out_ep
        yield printer
    finally:
        try:
            printer.close()
        except Exception:  # a printer that went away while closing: nothing left to do
            log.debug("closing ticket printer %s", spec, exc_info=True)


@guarded(Permission.issue_tickets)
def send_ticket(ctx: AppContext, actor: Actor, number: str) -> Changes:
    """Print queue ticket ``number`` (``A012`` today's, or ``2026-12-01/A012``) on the
    ticket printer of the settings, and record it as handed over (printed again, it is
    marked 补打件 like a PDF copy).

    Raises ``ValidationError`` when no ticket printer is set or its setting is malformed,
    ``NotFound`` for an unknown ticket, ``SecretsUnavailable`` when the signing key cannot
    be used, and ``PrinterUnavailable`` when the printer cannot be reached or refuses the
    ticket (then nothing is recorded as handed over)."""
    spec = parse_printer(ctx.settings.ticket_printer)
    if spec is None:
        raise ValidationError(
            _("没有设置排队票打印机，排队号请在系统打印机上打印。"), field="ticket_printer"
        )
    # Every code made is the hall's signature, as for the PDF ticket.
    require(ctx, actor, Permission.issue_documents, action="ticket_printer.send_ticket")
    # Connected first: a printer that is off costs no signed (and audited) code.
    with _connected(spec) as printer:
        with ctx.uow(write=True) as session:
            ref, title, gather, _layout = _build(
                session, ctx, actor, PrintKind.ticket, number.strip()
            )
            copy = _copies(session, PrintKind.ticket, ref)
            facts: doc.Ticket = gather(copy)
        data = ticket_bytes(facts)
        with _explained(spec, _("排队票打印机 {printer} 没有收下排队号：{reason}")):
            printer._raw(data)
    # No PDF was made: the record needs only the kind, the number and the copy.
    return record_handover(
        ctx, actor, Document(PrintKind.ticket, ref, title, b"", copy), How.printer
    )
