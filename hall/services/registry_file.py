"""Reading a market-entity registry export (CSV) row by row, and checking each row.

The file is streamed: a city's 1.3 million rows are never held in memory at once. Each
row is either an :class:`Entity` (normalised) or a :class:`Problem` naming its line.
Whatever makes the file as a whole unreadable (not UTF-8, no header, a wrong header) is
a :class:`ValidationError`.

Speed matters here (the import's budget is about 20 µs a row, SQLite's share included):
a line without quotes is split on commas directly, which is what the csv module would
do with it, and only a line with quotes goes through the csv module; a credit code
already in its canonical form is checked by a regular expression and its check
character, and only any other input goes through :func:`validate_uscc` (which
normalises and explains).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import operator
import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO, NamedTuple

from hall.core.errors import HallError, InvalidIdentifier, Problem, ValidationError, os_reason
from hall.core.i18n import _
from hall.models import Applicant
from hall.services.identifiers import USCC_ALPHABET, validate_resident_id, validate_uscc

COLUMNS = ("credit_code", "name", "legal_representative", "address", "scope", "status")
#: The longest value of each text column: what the table holds.
MAX_LENGTHS: dict[str, int] = {
    column: Applicant.__table__.c[column].type.length  # type: ignore[attr-defined]
    for column in ("name", "legal_representative", "address", "status")
}
COLUMN_NAMES = {
    "credit_code": "统一社会信用代码",
    "name": "名称",
    "legal_representative": "法定代表人",
    "address": "住所",
    "scope": "经营范围",
    "status": "登记状态",
}

# Digit-led codes need eight leading digits (as python-stdnum checks); A, N and Y are
# the departments it does not know (see identifiers.USCC_DEPARTMENTS).
_CANONICAL_USCC = re.compile(
    r"(?:[1-9][0-9]|[ANY][0-9A-HJ-NPQRTUWXY])[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"
)
# GB 32100's weights are 3**i mod 31, so the weighted sum is, mod 31, the first 17
# characters' values read (last first) as a number in any base that is 3 mod 31: 34.
# The alphabet maps onto the digits 0-9A-U of that base by value.
_BASE34_DIGITS = bytes.maketrans(USCC_ALPHABET.encode(), b"0123456789ABCDEFGHIJKLMNOPQRSTU")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCOPE_PLAIN = re.compile(r"(?:[A-Z0-9]{1,20}(?:;[A-Z0-9]{1,20})*)?")
_SCOPE_SEPARATORS = re.compile(r"[;；、]")
_SCOPE_CODE = re.compile(r"[A-Z0-9]{1,20}")


class Entity(NamedTuple):
    """One market entity as the file gives it, checked and normalised. A named tuple
    (made 1.3 million times in an import), unpacked in this order by the writer."""

    code: str
    name: str
    legal_representative: str | None
    address: str | None
    scope: str  # scope codes joined by ";" (letters and digits only), "" for none
    status: str | None
    line: int


def canonical_uscc(code: str) -> bool:
    """Whether ``code`` is a valid credit code exactly as written (upper case, ASCII, no
    separators): what :func:`validate_uscc` would return unchanged."""
    if _CANONICAL_USCC.fullmatch(code) is None:
        return False
    total = int(code.encode()[16::-1].translate(_BASE34_DIGITS), 34)
    return code[17] == USCC_ALPHABET[-total % 31]


def count_lines(path: Path) -> int:
    """How many lines ``path`` has (for progress: exact unless a field holds a line break).

    Raises ``HallError`` when the file cannot be read."""
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                lines += block.count(b"\n")
                last = block[-1:]
    except OSError as exc:
        raise unreadable(path, exc) from exc
    return lines + (last != b"\n")


def unreadable(path: Path, exc: OSError) -> HallError:
    return HallError(
        _("无法读取登记库文件 {path}：{reason}").format(path=path, reason=os_reason(exc))
    )


class HashingReader(io.RawIOBase):
    """A binary file that hashes what is read from it (the audit names the exact bytes
    imported, even if the file changes meanwhile)."""

    def __init__(self, raw: BinaryIO, path: Path) -> None:
        self._raw, self._path = raw, path
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        except OSError as exc:  # a disk or network share failing half-way
            raise unreadable(self._path, exc) from exc
        if n:
            self.sha256.update(buffer[:n])
        return n or 0


class Batch(NamedTuple):
    """What one stretch of the file gave: its good rows, its bad ones, and how many data
    rows have been read so far (for progress)."""

    entities: list[Entity]
    problems: list[Problem]
    rows: int


def read_batches(text: Iterator[str], *, today: date, size: int) -> Iterator[Batch]:
    """The file's data rows, checked, ``size`` rows at a time; a credit code met again is a
    bad row (naming the line where it was first). Raises ``ValidationError`` when the
    file is empty, has a wrong header or is not UTF-8.

    A plain line (no quotes, the columns in the standard order, every value already
    canonical) is checked right here; anything else — and anything this quick check
    doubts — goes through :class:`RowChecker`, which normalises and explains. The quick
    check only ever accepts what the thorough one would accept unchanged."""
    lines = iter(text)
    state = _Reader(lines, today)
    header = state.next_record()
    if header is None:
        raise ValidationError(_("文件是空的：应有表头行和数据行。"), field="file")
    order = header_order(header)
    state.checker = RowChecker(order, today)
    quick = order == tuple(range(len(COLUMNS)))
    seen = state.seen
    # Locals for the loop below, which runs 1.3 million times in a city's import.
    code_format, scope_format = _CANONICAL_USCC.fullmatch, _SCOPE_PLAIN.fullmatch
    control, digits, alphabet, new = _CONTROL.search, _BASE34_DIGITS, USCC_ALPHABET, _new_entity
    name_max, rep_max, address_max, status_max = MAX_LENGTHS.values()
    entities: list[Entity] = []
    problems: list[Problem] = []
    rows = 0
    try:
        for line in lines:
            state.number += 1
            if quick and '"' not in line and control(line) is None:
                fields = line.rstrip("\r\n").split(",")
                if len(fields) == 6:
                    code, name, rep, address, scope, status = fields
                    name, rep, address, status = (
                        name.strip(), rep.strip(), address.strip(), status.strip(),
                    )  # fmt: skip
                    if (
                        code_format(code) is not None
                        and code[17]
                        == alphabet[-int(code.encode()[16::-1].translate(digits), 34) % 31]
                        and code not in seen
                        and 0 < len(name) <= name_max
                        and len(rep) <= rep_max
                        and len(address) <= address_max
                        and len(status) <= status_max
                        and scope_format(scope) is not None
                        and (";" not in scope or len(set(scope.split(";"))) == scope.count(";") + 1)
                    ):  # fmt: skip
                        seen[code] = state.number
                        entities.append(new(Entity, (
                            code, name, rep or None, address or None, scope, status or None,
                            state.number,
                        )))  # fmt: skip
                        rows += 1
                        if rows % size == 0:
                            yield Batch(entities, problems, rows)
                            entities, problems = [], []
                        continue
            found = state.thorough(line)
            if found is None:  # a blank line
                continue
            if isinstance(found, Problem):
                problems.append(found)
            else:
                entities.append(found)
            rows += 1
            if rows % size == 0:
                yield Batch(entities, problems, rows)
                entities, problems = [], []
    except UnicodeDecodeError:
        raise not_utf8(state.number + 1) from None
    if rows == 0:
        raise ValidationError(_("文件中只有表头，没有数据行。"), field="file")
    if rows % size:
        yield Batch(entities, problems, rows)


class _Reader:
    """The thorough path through one record: the csv module for a quoted one (it reads on
    from the same lines as far as a quoted line break takes it), then :class:`RowChecker`
    and the check for a code met before."""

    def __init__(self, lines: Iterator[str], today: date) -> None:
        self.lines = lines
        self.number = 0  # of the last line read
        self.seen: dict[str, int] = {}  # code → its line: ~160 MB for a city, while it runs
        self.checker: RowChecker | None = None

    def next_record(self) -> list[str] | None:
        """The fields of the next non-blank record (the header). Raises
        ``ValidationError`` for one that cannot be parsed or is not UTF-8."""
        try:
            for line in self.lines:
                self.number += 1
                fields = self.fields(line)
                if isinstance(fields, Problem):
                    raise ValidationError(
                        _("文件第一行（表头）格式不正确：{reason}").format(reason=fields.reason),
                        field="file",
                    )
                if fields is not None:
                    return fields
        except UnicodeDecodeError:
            raise not_utf8(self.number + 1) from None
        return None

    def fields(self, line: str) -> list[str] | Problem | None:
        """The fields of the record starting with ``line`` (None for a blank line)."""
        start = self.number
        if '"' in line:
            reader = csv.reader(itertools.chain((line,), self.lines), strict=True)
            try:
                fields = next(reader)
            except csv.Error as exc:
                return _problem(start, _csv_reason(exc))
            finally:
                self.number += reader.line_num - 1
        elif line.isspace():
            return None
        else:
            fields = line.rstrip("\r\n").split(",")
        if not any(f.strip() for f in fields):  # a row Excel left with only commas
            return None
        if _CONTROL.search("".join(fields)):
            return _problem(start, _("含有不可见的控制字符（文件可能已损坏）"))
        return fields

    def thorough(self, line: str) -> Entity | Problem | None:
        start = self.number
        fields = self.fields(line)
        if fields is None or isinstance(fields, Problem):
            return fields
        assert self.checker is not None
        found = self.checker.check(start, fields)
        if isinstance(found, Entity):
            first = self.seen.setdefault(found.code, start)
            if first != start:
                return _problem(
                    start,
                    _("统一社会信用代码 {code} 与第{m}行重复").format(code=found.code, m=first),
                )
        return found


def _csv_reason(exc: csv.Error) -> str:
    if "field limit" in str(exc):
        return _("字段过长，可能是引号不成对")
    return _("引号使用不正确（字段中的引号应写成两个引号，整个字段用引号括起）")


def not_utf8(line: int) -> ValidationError:
    return ValidationError(
        _(
            "文件不是 UTF-8 编码（第{n}行附近），可能是 GBK 编码的 Excel 文件。"
            "请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后再导入。"
        ).format(n=line),
        field="file",
    )


def header_order(fields: list[str]) -> tuple[int, ...]:
    """Where each of :data:`COLUMNS` is in the header row. Raises ``ValidationError`` for
    a header with a column missing, unknown or given twice."""
    names = [f.strip() for f in fields]
    missing = [c for c in COLUMNS if c not in names]
    extra = [n for n in names if n not in COLUMNS]
    twice = sorted({n for n in names if names.count(n) > 1})
    if missing or extra or twice:
        parts = []
        if missing:
            parts.append(_("缺少列 {names}").format(names=_("、").join(missing)))
        if extra:
            parts.append(_("多出列 {names}").format(names=_("、").join(extra) or _("（空白）")))
        if twice:
            parts.append(_("列 {names} 重复").format(names=_("、").join(twice)))
        raise ValidationError(
            _("文件第一行（表头）应恰好是这些列（顺序不限）：{expected}；{found}。").format(
                expected=",".join(COLUMNS), found=_("；").join(parts)
            ),
            field="file",
        )
    return tuple(names.index(c) for c in COLUMNS)


class RowChecker:
    """Checks the data rows of a file whose header gave the columns' places (``order``)."""

    def __init__(self, order: tuple[int, ...], today: date) -> None:
        self._pick = operator.itemgetter(*order)
        self._width = len(order)
        self._today = today

    def check(self, line: int, fields: list[str]) -> Entity | Problem:
        """The entity of one data row, or the first thing wrong with it."""
        if len(fields) != self._width:
            return _problem(
                line, _("有{n}列，应为{m}列（与表头相同）").format(n=len(fields), m=self._width)
            )
        code, name, rep, address, scope, status = self._pick(fields)
        code = code.strip()
        if not canonical_uscc(code):
            try:
                code = validate_uscc(code)
            except InvalidIdentifier as exc:
                return _problem(line, _code_problem(code, exc, self._today))
        name, rep, address, status = name.strip(), rep.strip(), address.strip(), status.strip()
        if not name:
            return _problem(line, _("名称不能为空"))
        for column, value in (("name", name), ("legal_representative", rep),
                              ("address", address), ("status", status)):  # fmt: skip
            if len(value) > MAX_LENGTHS[column]:
                return _problem(
                    line,
                    _("{column}超过{n}个字").format(
                        column=COLUMN_NAMES[column], n=MAX_LENGTHS[column]
                    ),
                )
        scope, wrong = _scope_codes(scope)
        if wrong is not None:
            return _problem(line, wrong)
        return _new_entity(
            Entity, (code, name, rep or None, address or None, scope, status or None, line)
        )


_new_entity = tuple.__new__  # what Entity(...) does, without its Python-level __new__


def _problem(line: int, reason: str) -> Problem:
    return Problem(_("第{n}行").format(n=line), reason)


def _code_problem(code: str, exc: InvalidIdentifier, today: date) -> str:
    try:
        validate_resident_id(code, today=today)
    except InvalidIdentifier:
        return str(exc)
    return _(
        "“{code}”是身份证号码。登记库只收录有统一社会信用代码的市场主体"
        "（个体工商户也有统一社会信用代码）"
    ).format(code=code)


def _scope_codes(raw: str) -> tuple[str, str | None]:
    """The scope codes of one row joined by ";", or why they are not acceptable."""
    text = raw.strip().upper()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # fullwidth letters, digits, ；
    if not _SCOPE_PLAIN.fullmatch(text):
        codes = [c.strip() for c in _SCOPE_SEPARATORS.split(text) if c.strip()]
        for code in codes:
            if not _SCOPE_CODE.fullmatch(code):
                return "", _(
                    "经营范围“{code}”不是经营范围代码（应为字母和数字，如 F1040，"
                    "多个代码以分号或顿号分隔）"
                ).format(code=code)
        text = ";".join(codes)
    if ";" in text:
        codes = text.split(";")
        if len(set(codes)) != len(codes):
            text = ";".join(dict.fromkeys(codes))
    return text, None
