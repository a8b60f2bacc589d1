"""Queue tickets on an ESC/POS receipt printer: the setting, the bytes (GB18030, the
printer's own QR code, the cut), and sending them to a printer listening on 127.0.0.1."""

from __future__ import annotations

import queue
import socket
import threading
from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace
from typing import ClassVar

import pytest
from sqlalchemy import func, select

from hall.core.clock import HALL_ZONE
from hall.core.errors import HallError, NotFound, PermissionDenied, ValidationError
from hall.models import AuditEntry, DocumentPrint
from hall.models.enums import Priority, Role
from hall.printing.data import Ticket
from hall.services import document_data
from hall.services.audit import Actor
from hall.services.payload import DocumentKind
from hall.services.queue import ensure_categories, find_ticket, issue_ticket
from hall.services.signing import init_keys
from hall.services.ticket_printer import (
    ENTER_CHINESE,
    LEAVE_CHINESE,
    NetworkPrinter,
    PrinterUnavailable,
    UsbPrinter,
    parse_printer,
    send_ticket,
    ticket_bytes,
)
from hall.services.verification import verify_payload

GUIDE = Actor("guide01", Role.guide, "G01", "王芳")
CUT = b"\x1dV\x00"  # GS V 0: full cut
QR_PRINT = b"\x1d(k\x03\x001Q0"  # GS ( k, function 81: print the stored symbol


class FakePrinter:
    """A network receipt printer on 127.0.0.1: keeps what each connection sent. It stops
    when told to, or after ``idle`` seconds without a connection."""

    def __init__(self, idle: float = 30.0) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port: int = self._server.getsockname()[1]
        self.jobs: queue.Queue[bytes] = queue.Queue()
        self._idle = idle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def spec(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        waited = 0.0
        with self._server:
            while not self._stop.is_set() and waited < self._idle:
                try:
                    conn, _addr = self._server.accept()
                except TimeoutError:
                    waited += 0.1
                    continue
                waited = 0.0
                with conn:
                    conn.settimeout(10)
                    chunks = []
                    while data := conn.recv(65536):
                        chunks.append(data)
                self.jobs.put(b"".join(chunks))

    def job(self) -> bytes:
        return self.jobs.get(timeout=10)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)


@pytest.fixture
def keyed(ctx, operator, memory_keyring, make_account):
    """``ctx`` with the hall's signing key, the guide's account and the categories."""
    init_keys(ctx, operator)
    make_account("guide01", Role.guide, display_name="王芳")
    with ctx.uow() as s:
        ensure_categories(s)
    return ctx


@pytest.fixture
def printer(keyed):
    fake = FakePrinter()
    keyed.settings.ticket_printer = fake.spec
    yield fake
    fake.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return int(s.getsockname()[1])


def facts(**changes) -> Ticket:
    ticket = Ticket(
        hall_name="苏州市姑苏区政务服务中心",
        number="A012",
        category="企业登记",
        people_ahead=3,
        issued_at=datetime(2026, 11, 23, 9, 30, tzinfo=HALL_ZONE),
        qr="HL1:6BFOXN*TS0BI$ZDFRH%",
        note="请留意大厅显示屏和语音叫号，过号请重新取号。",
    )
    return replace(ticket, **changes)


def qr_store(payload: str) -> bytes:
    """GS ( k, function 80: store ``payload`` in the symbol area."""
    data = payload.encode("ascii")
    return b"\x1d(k" + (len(data) + 3).to_bytes(2, "little") + b"1P0" + data


def qr_payload(job: bytes) -> str:
    """The text the job stores in the printer's QR symbol (GS ( k pL pH 1 P 0 data)."""
    at = job.find(b"\x1d(k")
    while job[at + 5 : at + 8] != b"1P0":
        at = job.find(b"\x1d(k", at + 1)
        assert at >= 0, "no QR code in the job"
    size = int.from_bytes(job[at + 3 : at + 5], "little") - 3
    return job[at + 8 : at + 8 + size].decode("ascii")


def db_facts(ctx, number: str, copy: int) -> Ticket:
    """What ``send_ticket`` prints, gathered the way the PDF ticket's facts are."""
    with ctx.uow(write=True) as session:
        row = find_ticket(session, number, ctx.clock.now().astimezone(HALL_ZONE).date())
        return document_data.ticket(session, ctx, GUIDE, row, copy)


def prints(ctx) -> list[tuple[str, int, str]]:
    with ctx.uow() as s:
        rows = s.scalars(select(DocumentPrint).order_by(DocumentPrint.copy))
        return [(r.number, r.copy, r.how) for r in rows]


def signatures(ctx) -> int:
    with ctx.uow() as s:
        found = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "document.sign")
        )
        return int(found or 0)


# --- the setting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("", None),
        ("   ", None),
        ("tcp://192.168.1.50", NetworkPrinter("192.168.1.50", 9100)),
        ("tcp://192.168.1.50:9101", NetworkPrinter("192.168.1.50", 9101)),
        (" TCP://ticket-printer.hall.local:9100/ ", NetworkPrinter("ticket-printer.hall.local")),
        ("usb:0416:5011", UsbPrinter(0x0416, 0x5011)),
        ("USB:0x04B8:0x0E15", UsbPrinter(0x04B8, 0x0E15)),
    ],
)
def test_a_ticket_printer_setting_names_a_network_or_usb_printer(spec, expected) -> None:
    assert parse_printer(spec) == expected


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("192.168.1.50", "应写作 tcp://"),
        ("http://192.168.1.50", "应写作 tcp://"),
        ("tcp:192.168.1.50", "应写作 tcp://"),
        ("tcp://", "地址不对"),
        ("tcp://print er", "地址不对"),
        ("tcp://192.168.1.50:", "端口"),
        ("tcp://192.168.1.50:0", "端口"),
        ("tcp://192.168.1.50:65536", "端口"),
        ("tcp://192.168.1.50:９１００", "端口"),  # fullwidth digits
        ("tcp://[::1]:9100", "IPv4"),
        ("usb:0416", "十六进制"),
        ("usb:0416:50111", "十六进制"),
        ("usb:04G6:5011", "十六进制"),
        ("usb:0000:5011", "不能为 0"),
        ("lpt1", "应写作 tcp://"),
    ],
)
def test_a_malformed_setting_is_refused_with_the_way_to_write_it(spec, why) -> None:
    with pytest.raises(ValidationError, match="排队票打印机") as info:
        parse_printer(spec)
    assert why in info.value.message
    assert "usb:0416:5011" in info.value.message  # the example of the right form
    assert info.value.field == "ticket_printer"


def test_a_printer_names_itself_in_messages() -> None:
    assert str(NetworkPrinter("192.168.1.50")) == "192.168.1.50:9100"
    assert str(UsbPrinter(0x0416, 0x5011)) == "USB 0416:5011"


# --- the bytes --------------------------------------------------------------------------


def test_chinese_is_sent_as_gb18030_in_the_printers_chinese_mode() -> None:
    data = ticket_bytes(facts())
    for text in ("苏州市姑苏区政务服务中心", "企业登记", "前面还有 3 人等候", "过号请重新取号"):
        assert text.encode("gb18030") in data, text
        assert text.encode("utf-8") not in data, text
    assert "取号时间：2026年11月23日 09:30".encode("gb18030") in data
    # Chinese mode is entered before the first Chinese text and left before the cut.
    assert data.startswith(b"\x1b@" + ENTER_CHINESE)
    assert data.index(LEAVE_CHINESE) > data.index("过号请重新取号".encode("gb18030"))
    assert data.count(ENTER_CHINESE) == data.count(LEAVE_CHINESE) == 1


def test_the_number_is_printed_four_times_as_wide_and_tall() -> None:
    data = ticket_bytes(facts())
    number = data.index(b"A012\n")
    size = data.rindex(b"\x1d!", 0, number)  # GS ! n: n's high nibble width-1, low height-1
    assert data[size + 2] == 0x33
    category = data.index("企业登记".encode("gb18030"))
    assert data[data.rindex(b"\x1d!", 0, category) + 2] == 0x11


def test_the_qr_code_is_the_printers_own_with_the_signed_payload() -> None:
    payload = facts().qr
    data = ticket_bytes(facts())
    assert qr_store(payload) in data
    assert data.index(qr_store(payload)) < data.index(QR_PRINT)
    assert b"\x1d(k\x03\x001E1" in data  # error correction M, as on the PDF ticket
    assert qr_payload(data) == payload


def test_the_ticket_ends_with_a_cut() -> None:
    data = ticket_bytes(facts())
    assert data.endswith(CUT)
    assert data.count(CUT) == 1


def test_a_hall_name_beyond_gbk_still_prints() -> None:
    name = "𠮷安县便民服务中心"  # 𠮷 (CJK extension B) is not in GBK: four bytes in GB18030
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    data = ticket_bytes(facts(hall_name=name))
    assert name.encode("gb18030") in data
    # U+20BB7 is 0x10BB7 past U+10000 (GB18030's 0x90308130), counted in 10·126·10 steps.
    assert "𠮷".encode("gb18030") == b"\x95\x34\xb2\x35"


def test_control_characters_in_a_name_are_not_sent_as_commands() -> None:
    data = ticket_bytes(facts(hall_name="便民\x1dV\x00中心\x1b@"))
    assert data.count(CUT) == 1  # only the real cut
    assert data.count(b"\x1b@") == 1  # only the initialisation
    assert "便民 V 中心 @".encode("gb18030") in data


def test_priority_and_copy_lines_only_when_there_are_some() -> None:
    plain = ticket_bytes(facts())
    marked = ticket_bytes(facts(priority="优先（老年人）", copy=2))
    assert "优先".encode("gb18030") not in plain and "补打件".encode("gb18030") not in plain
    assert "优先（老年人）".encode("gb18030") in marked
    assert "补打件（第 2 次）".encode("gb18030") in marked


# --- sending ----------------------------------------------------------------------------


def test_a_ticket_is_sent_to_the_network_printer_and_recorded(keyed, printer) -> None:
    issued, _changes = issue_ticket(keyed, GUIDE, "A", Priority.elderly)
    expected = ticket_bytes(db_facts(keyed, issued.number, 0))
    changes = send_ticket(keyed, GUIDE, issued.number)
    job = printer.job()
    # Ed25519 signs deterministically: the same facts give the very same bytes.
    assert job == expected
    assert issued.number.encode() in job and job.endswith(CUT)
    assert "企业登记".encode("gb18030") in job and "优先（老年人）".encode("gb18030") in job
    result = verify_payload(keyed, qr_payload(job))
    assert result.valid and result.facts.kind is DocumentKind.ticket
    day = issued.day.isoformat()
    assert result.facts.number == f"{day}/{issued.number}"
    assert prints(keyed) == [(f"{day}/{issued.number}", 0, "printer")]
    assert changes.cases


def test_printing_a_ticket_again_marks_it_as_a_copy(keyed, printer) -> None:
    issued, _changes = issue_ticket(keyed, GUIDE, "A")
    send_ticket(keyed, GUIDE, issued.number)
    send_ticket(keyed, GUIDE, f"{issued.day.isoformat()}/{issued.number}")
    first, second = printer.job(), printer.job()
    mark = "补打件（第 1 次）".encode("gb18030")
    assert mark not in first and mark in second
    assert [copy for _n, copy, _how in prints(keyed)] == [0, 1]


def test_a_dead_printer_is_told_plainly_and_nothing_is_signed_or_recorded(keyed) -> None:
    issued, _changes = issue_ticket(keyed, GUIDE, "A")
    port = closed_port()
    keyed.settings.ticket_printer = f"tcp://127.0.0.1:{port}"
    before = signatures(keyed)
    with pytest.raises(PrinterUnavailable) as info:
        send_ticket(keyed, GUIDE, issued.number)
    assert isinstance(info.value, HallError)
    assert str(info.value) == (
        f"无法连接排队票打印机 127.0.0.1:{port}：打印机拒绝连接（没有开机，或端口不对）"
    )
    assert signatures(keyed) == before and prints(keyed) == []


def test_without_a_ticket_printer_tickets_go_to_the_system_printer(keyed) -> None:
    issued, _changes = issue_ticket(keyed, GUIDE, "A")
    keyed.settings.ticket_printer = ""
    with pytest.raises(ValidationError, match="没有设置排队票打印机"):
        send_ticket(keyed, GUIDE, issued.number)


def test_an_unknown_ticket_prints_nothing(keyed, printer) -> None:
    with pytest.raises(NotFound, match="A999"):
        send_ticket(keyed, GUIDE, "A999")
    assert printer.job() == b""  # connected, then closed without a byte
    assert prints(keyed) == []


def test_a_reviewer_may_not_print_tickets(keyed, printer, make_account) -> None:
    reviewer = make_account("reviewer01", Role.reviewer, departments=("SAMR",))
    issue_ticket(keyed, GUIDE, "A")
    with pytest.raises(PermissionDenied):
        send_ticket(keyed, reviewer, "A001")
    assert printer.jobs.empty()


class FakeUsb:
    """python-escpos's ``Usb`` with a device whose data endpoint is 0x03 (as on 0416:5011)."""

    made: ClassVar[list[FakeUsb]] = []
    present: ClassVar[bool] = True

    def __init__(self, vendor: int, product: int, timeout: int = 0) -> None:
        self.ids, self.timeout = (vendor, product), timeout
        self.out_ep = 0x01
        self.written: list[tuple[int, bytes]] = []
        self.closed = False
        FakeUsb.made.append(self)

    @staticmethod
    def is_usable() -> bool:
        return True

    def open(self) -> None:
        from escpos.exceptions import DeviceNotFoundError

        if not self.present:
            try:
                raise AssertionError("not found")
            except AssertionError:
                raise DeviceNotFoundError("Unable to open USB printer") from None
        bulk_in = SimpleNamespace(bEndpointAddress=0x81, bmAttributes=0x02)
        bulk_out = SimpleNamespace(bEndpointAddress=0x03, bmAttributes=0x02)
        self.device = SimpleNamespace(get_active_configuration=lambda: [[bulk_in, bulk_out]])

    def _raw(self, data: bytes) -> None:
        self.written.append((self.out_ep, data))

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_usb(keyed, monkeypatch):
    import escpos.printer

    FakeUsb.made, FakeUsb.present = [], True
    monkeypatch.setattr(escpos.printer, "Usb", FakeUsb)
    keyed.settings.ticket_printer = "usb:0416:5011"
    return FakeUsb


def test_a_usb_printer_gets_the_ticket_on_its_bulk_out_endpoint(keyed, fake_usb) -> None:
    issued, _changes = issue_ticket(keyed, GUIDE, "A")
    send_ticket(keyed, GUIDE, issued.number)
    [usb] = fake_usb.made
    assert usb.ids == (0x0416, 0x5011) and usb.timeout > 0 and usb.closed
    [(endpoint, data)] = usb.written
    assert endpoint == 0x03 and data.endswith(CUT) and issued.number.encode() in data


def test_a_missing_usb_printer_is_told_plainly(keyed, fake_usb) -> None:
    issue_ticket(keyed, GUIDE, "A")
    fake_usb.present = False
    with pytest.raises(PrinterUnavailable, match=r"USB 0416:5011：没有找到这台打印机"):
        send_ticket(keyed, GUIDE, "A001")
    assert prints(keyed) == []


def test_usb_without_pyusb_is_told_plainly(keyed, monkeypatch) -> None:
    import escpos.printer

    monkeypatch.setattr(escpos.printer.Usb, "is_usable", staticmethod(lambda: False))
    keyed.settings.ticket_printer = "usb:0416:5011"
    issue_ticket(keyed, GUIDE, "A")
    with pytest.raises(PrinterUnavailable, match="pyusb"):
        send_ticket(keyed, GUIDE, "A001")


# --- for tests/services/test_permissions.py -------------------------------------------


def _printer_setup(ctx, operator) -> None:
    """The documents' setup (a key, the categories, ticket A001) and a printer to take
    each allowed role's ticket."""
    from .test_documents import DOCUMENT_SETUP

    DOCUMENT_SETUP["documents.prepare_queue_document"](ctx, operator)
    ctx.settings.ticket_printer = FakePrinter(idle=30).spec


TICKET_PRINTER_SAMPLES = {
    "ticket_printer.send_ticket": lambda ctx, a, i: send_ticket(ctx, a, "A001"),
}
TICKET_PRINTER_SETUP = dict.fromkeys(TICKET_PRINTER_SAMPLES, _printer_setup)
