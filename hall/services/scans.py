"""Scanned materials (材料电子化): files taken in at the counter for a line of a case's
materials checklist, from a file, by drag and drop or from a scanner's folder.

* **Stored once, by content.** A file is kept under ``scans/`` in the data folder,
  named by its SHA-256; the same scan added twice, or to two materials, is one file.
  It is written to a temporary name and renamed, so a killed process leaves either the
  whole file or none.
* **Checked before it is kept.** Only PDF, JPEG, PNG and TIFF are taken, told by their
  first bytes (a renamed program is refused), no bigger than the ``scan_max_mb`` setting
  (a 2 GB file is refused before it is read), and each must open (a truncated or
  damaged file is refused with the reason). A PDF's pages are counted; an encrypted
  one is refused, since no reviewer could open it.
* **Only what arrived on paper.** A line covered by a commitment, a data check or a
  department's verification has no paper to scan: it shows how it was settled instead.
  A line still awaited is scanned once it has been received.

Adding and taking out scans are the counter's actions (audited, one transaction each);
reading them is also open to the reviewers of the departments whose items need them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.core.errors import NotFound, ValidationError, os_reason
from hall.core.i18n import _
from hall.models import Case, MaterialCheck, MaterialScan, ScanFile
from hall.models.enums import MaterialStatus
from hall.services.audit import Actor, record
from hall.services.case_supplements import refuse_if_withdrawn
from hall.services.cases import find_case
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.labels import material_status_name, proof_name
from hall.services.permissions import Permission, guarded
from hall.services.scan_files import PDF, check_content, human_size
from hall.services.scanner import take_from_scanner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanView:
    """One scanned file of a material, in page order."""

    id: uuid.UUID
    material_id: uuid.UUID
    position: int
    sha256: str
    media_type: str
    size: int
    pages: int
    original_name: str
    added_at: datetime
    added_by: str
    path: Path  # where this installation keeps it

    @property
    def is_pdf(self) -> bool:
        return self.media_type == PDF

    @property
    def present(self) -> bool:
        """Whether the file is on this machine (a replica may not have it yet)."""
        return self.path.is_file()


@dataclass(frozen=True)
class MaterialScans:
    """A checklist line and its scans, or why it has no paper to scan."""

    material_id: uuid.UUID
    name: str
    item_codes: tuple[str, ...]
    status: MaterialStatus
    scannable: bool
    settled_as: str  # how a line with no paper was settled (承诺、数据核验…), else ""
    scans: tuple[ScanView, ...]


def scan_root(ctx: AppContext) -> Path:
    return ctx.paths.data / "scans"


def stored_path(ctx: AppContext, sha256: str) -> Path:
    return scan_root(ctx) / sha256[:2] / sha256


def _max_bytes(ctx: AppContext) -> int:
    return ctx.settings.scan_max_mb * 1024 * 1024


def _read_checked(ctx: AppContext, path: Path) -> tuple[bytes, str, int]:
    """The file's bytes, its type and pages; ``ValidationError`` saying what is wrong."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError(
            _("无法读取文件“{name}”：{reason}。").format(name=name, reason=os_reason(exc))
        ) from exc
    if not path.is_file():
        raise ValidationError(_("“{name}”不是文件。").format(name=name))
    if size == 0:
        raise ValidationError(_("文件“{name}”是空的，请重新扫描。").format(name=name))
    limit = _max_bytes(ctx)
    if size > limit:
        raise ValidationError(
            _(
                "文件“{name}”有{size}，超过了单个扫描件{limit}MB的上限。请降低扫描分辨率或分页扫描。"
            ).format(name=name, size=human_size(size), limit=ctx.settings.scan_max_mb)
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            _("无法读取文件“{name}”：{reason}。").format(name=name, reason=os_reason(exc))
        ) from exc
    media_type, pages = check_content(data, name)
    return data, media_type, pages


def _store(ctx: AppContext, data: bytes, sha256: str) -> Path:
    """Write ``data`` at its content address (whole, or not at all)."""
    target = stored_path(ctx, sha256)
    if target.is_file() and target.stat().st_size == len(data):
        return target
    try:
        scan_root(ctx).mkdir(mode=0o700, exist_ok=True)
        target.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ValidationError(
            _("无法保存扫描件：{reason}。没有收入任何文件。").format(reason=os_reason(exc))
        ) from exc
    return target


def _material(session: Session, case: Case, material: str | uuid.UUID) -> MaterialCheck:
    stmt = select(MaterialCheck).where(MaterialCheck.case_id == case.id)
    if isinstance(material, uuid.UUID):
        stmt = stmt.where(MaterialCheck.id == material)
    else:
        stmt = stmt.where(MaterialCheck.name == material.strip())
    row = session.scalar(stmt)
    if row is None:
        raise NotFound(
            _("案件{n}的材料清单中没有“{name}”。").format(n=case.number, name=str(material))
        )
    return row


def scannable(m: MaterialCheck) -> bool:
    return m.status is MaterialStatus.received


def _settled_as(m: MaterialCheck) -> str:
    if m.status in (
        MaterialStatus.covered_by_commitment,
        MaterialStatus.verified,
        MaterialStatus.not_required,
        MaterialStatus.verification_requested,
        MaterialStatus.pending,
    ):
        return _("{proof}：{status}").format(
            proof=proof_name(m.proof_mode), status=material_status_name(m.status)
        )
    return ""


def _refuse_unscannable(m: MaterialCheck) -> None:
    if scannable(m):
        return
    settled = _settled_as(m)
    if settled:
        raise ValidationError(
            _("“{name}”无需扫描（{settled}）。").format(name=m.name, settled=settled)
        )
    raise ValidationError(
        _("“{name}”的状态是“{status}”，请先收取材料，再扫描。").format(
            name=m.name, status=material_status_name(m.status)
        )
    )


@guarded(Permission.accept_case)
def add_scans(
    ctx: AppContext,
    actor: Actor,
    case: str | uuid.UUID,
    material: str | uuid.UUID,
    files: Sequence[Path],
    *,
    from_scanner: bool = False,
) -> tuple[tuple[ScanView, ...], Changes]:
    """Take ``files`` in as the next pages of the case's material (its checklist name or
    id), in the order given. Every file is checked first; one that fails refuses them
    all, so nothing is half taken in. Files from the scanner's folder are moved into its
    ``已导入`` folder afterwards. Returns the material's scans.

    Raises ``ValidationError`` for a file that is not a scan that opens, is too big or
    cannot be read, or a material with no paper to scan; ``NotFound`` for an unknown case
    or material; ``Conflict`` for a withdrawn case."""
    if not files:
        raise ValidationError(_("请选择要收入的扫描件。"))
    checked = []
    for path in files:
        data, media_type, pages = _read_checked(ctx, Path(path))
        checked.append((Path(path), data, media_type, pages, hashlib.sha256(data).hexdigest()))
    now = ctx.clock.now()
    with ctx.uow(write=True) as session:
        row = find_case(session, case, for_update=True)
        refuse_if_withdrawn(row)
        m = _material(session, row, material)
        _refuse_unscannable(m)
        position = int(
            session.scalar(
                select(func.max(MaterialScan.position)).where(MaterialScan.material_id == m.id)
            )
            or 0
        )
        rows: list[object] = []
        for path, data, media_type, pages, sha in checked:
            _store(ctx, data, sha)
            stored = session.scalar(select(ScanFile).where(ScanFile.sha256 == sha))
            if stored is None:
                stored = ScanFile(
                    sha256=sha, size=len(data), media_type=media_type, pages=pages, stored_at=now
                )
                session.add(stored)
                session.flush()
                rows.append(stored)
            position += 1
            scan = MaterialScan(
                material_id=m.id,
                file_id=stored.id,
                position=position,
                original_name=path.name[:255],
                added_at=now,
                added_by=actor.username,
            )
            session.add(scan)
            rows.append(scan)
        record(
            session,
            ctx.clock,
            actor,
            "material.scan",
            "material_check",
            m.id,
            after={
                "case": row.number,
                "material": m.name,
                "files": [
                    {"name": p.name, "sha256": sha, "pages": pages}
                    for p, _d, _t, pages, sha in checked
                ],
            },
            rows=rows,
        )
        views = _scan_views(session, ctx, [m.id]).get(m.id, ())
    if from_scanner:
        for path, *_rest in checked:
            take_from_scanner(path)
    return views, Changes(cases=True)


@guarded(Permission.accept_case)
def remove_scan(
    ctx: AppContext, actor: Actor, scan_id: uuid.UUID
) -> tuple[tuple[ScanView, ...], Changes]:
    """Take a wrongly scanned page out of its material (it stays on record, and its file
    stays stored). Returns the material's scans. ``NotFound`` if there is no such scan."""
    now = ctx.clock.now()
    with ctx.uow(write=True) as session:
        scan = session.get(MaterialScan, scan_id)
        if scan is None or scan.removed_at is not None:
            raise NotFound(_("没有这份扫描件（可能已被移除）。"))
        m = session.get_one(MaterialCheck, scan.material_id)
        row = session.get_one(Case, m.case_id)
        refuse_if_withdrawn(row)
        scan.removed_at, scan.removed_by = now, actor.username
        record(
            session,
            ctx.clock,
            actor,
            "material.scan_remove",
            "material_check",
            m.id,
            after={"case": row.number, "material": m.name, "name": scan.original_name},
            rows=[scan],
        )
        views = _scan_views(session, ctx, [m.id]).get(m.id, ())
    return views, Changes(cases=True)


def _scan_views(
    session: Session, ctx: AppContext, material_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[ScanView, ...]]:
    ids = list(material_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(MaterialScan, ScanFile)
        .join(ScanFile, ScanFile.id == MaterialScan.file_id)
        .where(MaterialScan.material_id.in_(ids), MaterialScan.removed_at.is_(None))
        .order_by(MaterialScan.material_id, MaterialScan.position)
    )
    out: dict[uuid.UUID, list[ScanView]] = {}
    for scan, stored in rows.all():
        out.setdefault(scan.material_id, []).append(
            ScanView(
                scan.id,
                scan.material_id,
                scan.position,
                stored.sha256,
                stored.media_type,
                stored.size,
                stored.pages,
                scan.original_name,
                scan.added_at,
                scan.added_by,
                stored_path(ctx, stored.sha256),
            )
        )
    return {k: tuple(v) for k, v in out.items()}


def materials_with_scans(
    session: Session, ctx: AppContext, case: Case, item_code: str | None = None
) -> tuple[MaterialScans, ...]:
    """The case's checklist (only the lines ``item_code`` needs, if given) with each
    line's scans, inside the caller's transaction."""
    rows = [
        m
        for m in session.scalars(
            select(MaterialCheck)
            .where(MaterialCheck.case_id == case.id)
            .order_by(MaterialCheck.position)
        )
        if item_code is None or item_code in m.item_codes
    ]
    scans = _scan_views(session, ctx, [m.id for m in rows])
    return tuple(
        MaterialScans(
            m.id,
            m.name,
            tuple(m.item_codes),
            m.status,
            scannable(m),
            _settled_as(m),
            scans.get(m.id, ()),
        )
        for m in rows
    )


@guarded(Permission.accept_case)
def case_scans(ctx: AppContext, actor: Actor, case: str | uuid.UUID) -> tuple[MaterialScans, ...]:
    """The case's materials checklist with the scans of each line."""
    with ctx.uow() as session:
        return materials_with_scans(session, ctx, find_case(session, case))
