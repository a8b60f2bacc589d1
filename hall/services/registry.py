"""The local market-entity registry: finding an entity by code or name, and importing the
registry export of a whole city (1.3 million entities) in one transaction.

Finding: a query that reads as a credit code or ID number is an exact lookup; anything
else is a name. Names are searched by prefix on the name index (a range, ``name >= q
AND name < q || U+10FFFF``: SQLite cannot use an index for ``LIKE`` on Chinese text).
Chinese firm names start with their place (``徐州市贾汪区…``) and a clerk often types
the trade name (字号) in the middle, so when the prefix finds fewer than asked, the rest
is filled with names that contain the query. That part may read the whole name index
(about half a second on a city's registry, see ``make bench``): a window should search
on Enter, not on every key. Persons (entered at a counter) are found by their ID number
only, never by name: a list of people's names and ID numbers is not the public registry.

Importing: see :func:`import_registry`; the file format is in :mod:`registry_file`.
"""

from __future__ import annotations

import io
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hall.core.clock import local_today
from hall.core.errors import ImportRejected, Problem, ValidationError
from hall.core.i18n import _
from hall.models import Applicant
from hall.models.enums import ApplicantKind
from hall.services.applicants import ApplicantView
from hall.services.audit import Actor, jsonable, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.identifiers import normalize, parse_applicant_code
from hall.services.permissions import Permission, guarded
from hall.services.registry_file import (
    Batch,
    Entity,
    HashingReader,
    count_lines,
    read_batches,
    unreadable,
)
from hall.services.registry_writer import RegistryWriter

log = logging.getLogger(__name__)

CHUNK = 10_000
MAX_PROBLEMS = 200  # listed; the message gives the total
_CODE_LIKE = 15, 19  # lengths of what is read as a code rather than a name
_TOP = "\U0010ffff"  # sorts after every character: ``q + _TOP`` bounds the names starting with q


@dataclass(frozen=True)
class RegistryEntity(ApplicantView):
    """An applicant as the registry knows it, with its registration status."""

    status: str | None = None  # 存续, 在业, 注销, 吊销…; None: entered at a counter

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind.value,
            "name": self.name,
            "legal_representative": self.legal_representative,
            "address": self.address,
            "phone": self.phone,
            "entity_type": self.entity_type,
            "registered_capital": self.registered_capital,
            "established": jsonable(self.established),
            "registered_scope": list(self.registered_scope),
            "status": self.status,
        }


@dataclass(frozen=True)
class RegistryImportReport:
    rows: int
    added: int
    updated: int
    unchanged: int
    sha256: str
    seconds: float


_T = Applicant.metadata.tables[Applicant.__tablename__]


def _entity(r: Any) -> RegistryEntity:
    return RegistryEntity(
        r.id, r.kind, r.code, r.name, r.legal_representative, r.address, r.phone,
        r.entity_type, r.registered_capital, r.established, tuple(r.registered_scope),
        status=r.status,
    )  # fmt: skip


def find_entities(ctx: AppContext, query: str, *, limit: int = 20) -> list[RegistryEntity]:
    """The entities matching ``query``: the one with that credit code or ID number, or up
    to ``limit`` enterprises whose name starts with it (in name order), then ones whose
    name contains it.

    Raises ``ValidationError`` for an empty query, and ``InvalidIdentifier`` for what reads
    as a code but is not a valid one (a mistyped check character, say)."""
    text = query.strip()
    if not text:
        raise ValidationError(_("请输入统一社会信用代码、身份证号码或名称。"), field="query")
    if limit < 1:
        raise ValidationError(_("显示条数至少为1。"), field="limit")
    compact = normalize(text)
    # Core rows, not ORM objects: a look-up by code is ~1.5 ms, most of it opening the
    # SQLite connection; loading an ORM object would add a third.
    if (
        _CODE_LIKE[0] <= len(compact) <= _CODE_LIKE[1]
        and compact.isascii()
        and compact.isalnum()
        and any(ch.isdigit() for ch in compact)
    ):
        code = parse_applicant_code(compact, today=local_today(ctx.clock)).code
        with ctx.uow() as session:
            return [_entity(r) for r in session.execute(select(_T).where(_T.c.code == code))]
    c = _T.c
    enterprises = c.kind == ApplicantKind.enterprise
    starts = (c.name >= text) & (c.name < text + _TOP)
    with ctx.uow() as session:
        rows = list(
            session.execute(select(_T).where(starts, enterprises).order_by(c.name).limit(limit))
        )
        if len(rows) < limit and len(text) >= 2:
            rows += session.execute(
                select(_T)
                .where(c.name.contains(text, autoescape=True), ~starts, enterprises)
                .order_by(c.name)
                .limit(limit - len(rows))
            )
        return [_entity(r) for r in rows]


Progress = Callable[[int, int], None]


@guarded(Permission.import_catalog)
def import_registry(
    ctx: AppContext, actor: Actor, path: Path | str, *, progress: Progress | None = None
) -> tuple[RegistryImportReport, Changes]:
    """Import a registry export (CSV; format in :mod:`hall.services.registry_file`): new
    credit codes are added, known ones get the file's name, legal representative, address,
    scope and status (their phone, capital and the like are kept).

    Everything is one transaction: if any row is wrong, the import is refused as a whole
    and nothing is written. ``progress(rows_done, rows_total)`` is called after each
    chunk of rows (the total is the file's line count until the end, when it is exact);
    an exception it raises cancels the import, with nothing written. The transaction
    holds SQLite's write lock throughout (about half a minute for a city): other writes
    to this database wait for it or time out.

    Raises ``ImportRejected`` listing the bad rows (the first 200, and how many in all),
    ``ValidationError`` for a file that is not a registry CSV at all (empty, not UTF-8,
    a wrong header), and ``HallError`` when the file cannot be read.
    """
    started = time.perf_counter()
    path = Path(path)
    total = max(count_lines(path) - 1, 0)
    today = local_today(ctx.clock)
    try:
        binary = path.open("rb")
    except OSError as exc:
        raise unreadable(path, exc) from exc
    with binary:
        hashed = HashingReader(binary, path)
        text = io.TextIOWrapper(
            io.BufferedReader(hashed, 1 << 16), encoding="utf-8-sig", newline=""
        )
        batches = read_batches(text, today=today, size=CHUNK)
        first = next(batches)  # the header and a first batch, before anything is begun
        with ctx.uow() as session:
            writer = RegistryWriter(session, ctx.clock.now(), expected_rows=total)
            seen, bad, problems = _check_and_write(first, batches, writer, progress, total)
            if bad:
                raise ImportRejected(
                    _("登记库文件有{n}行有误（列出前{m}处），未导入任何数据。").format(
                        n=bad, m=len(problems)
                    ),
                    problems,
                )
            writer.finish()
            digest = hashed.sha256.hexdigest()
            summary = {
                "file": path.name,
                "sha256": digest,
                "rows": seen,
                "added": writer.added,
                "updated": writer.updated,
                "unchanged": writer.unchanged,
            }
            # One entry for the whole import, with no rows for the outbox: the hall server
            # owns the registry and counters pull it (a later issue), never push it.
            record(session, ctx.clock, actor, "registry.import", "registry", digest, after=summary)
    if progress:
        progress(seen, seen)
    report = RegistryImportReport(
        seen, writer.added, writer.updated, writer.unchanged, digest,
        time.perf_counter() - started,
    )  # fmt: skip
    log.info("imported the registry from %s: %s", path, summary)
    return report, Changes(applicants=True)


def _check_and_write(
    first: Batch,
    batches: Iterator[Batch],
    writer: RegistryWriter,
    progress: Progress | None,
    total: int,
) -> tuple[int, int, list[Problem]]:
    """Write the batches until the first bad row (after that the import will be refused,
    so the rest is only checked). The file is read, checked and prepared in a second
    thread, a few batches ahead. Returns how many rows were good, how many bad, and the
    first :data:`MAX_PROBLEMS` problems."""
    good = bad = 0
    problems: list[Problem] = []
    # Prepared here before the thread starts: one batch is prepared at a time, in order.
    first_item = (first, None if first.problems else writer.prepare(first.entities))
    ahead = _ReadAhead(batches, writer.prepare, refused=bool(first.problems))
    try:
        for batch, prepared in itertools.chain((first_item,), ahead):
            if batch.problems:
                bad += len(batch.problems)
                problems.extend(batch.problems[: MAX_PROBLEMS - len(problems)])
            good += len(batch.entities)
            if not bad:
                writer.write(prepared)
            if progress:
                progress(batch.rows, max(total, batch.rows))
    finally:
        ahead.close()
    return good, bad, problems


_END = object()


class _ReadAhead:
    """Reads and prepares batches in a thread of its own, up to ``depth`` batches ahead
    of the one being written. Once a batch has bad rows, the later ones are only read
    and checked (the import will be refused). An error in the thread is raised here."""

    def __init__(
        self,
        batches: Iterator[Batch],
        prepare: Callable[[list[Entity]], Any],
        *,
        refused: bool,
        depth: int = 2,
    ) -> None:
        self._batches, self._prepare, self._refused = batches, prepare, refused
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="registry-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        refused = self._refused
        try:
            for batch in self._batches:
                refused = refused or bool(batch.problems)
                if not self._put((batch, None if refused else self._prepare(batch.entities))):
                    return
        except BaseException as exc:  # handed to the writing thread, which raises it
            self._put(exc)
        else:
            self._put(_END)

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def __iter__(self) -> Iterator[tuple[Batch, Any]]:
        while (item := self._queue.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the thread (it ends within a batch) before the file is closed."""
        self._stop.set()
        self._thread.join()
