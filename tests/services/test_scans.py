"""Scanned materials: stored once by content, checked before they are kept, only for
what arrived on paper; corrupt, disguised and oversized files refused."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen import canvas
from sqlalchemy import select

from hall.core.errors import ValidationError
from hall.models import AuditEntry, MaterialScan, ScanFile
from hall.services.inbox import review_detail
from hall.services.scanner import TAKEN_FOLDER, scanner_files
from hall.services.scans import add_scans, case_scans, remove_scan, stored_path

from .backoffice import CLERK, CULTURE
from .backoffice import accept_restaurant as accept

PAPER = "经营场所平面布局图"  # handed over on paper at the counter


def png(path: Path, size=(64, 48)) -> Path:
    Image.new("RGB", size, "white").save(path)
    return path


def pdf(path: Path, pages: int = 2) -> Path:
    out = io.BytesIO()
    c = canvas.Canvas(out)
    for n in range(pages):
        c.drawString(72, 720, f"page {n + 1}")
        c.showPage()
    c.save()
    path.write_bytes(out.getvalue())
    return path


def rows(ctx, model):
    with ctx.uow() as s:
        return list(s.scalars(select(model)))


def test_scans_are_stored_once_by_content_and_read_by_the_reviewer(demo_ctx, tmp_path) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    files, scans = len(rows(ctx, ScanFile)), len(rows(ctx, MaterialScan))  # the demo's
    first = png(tmp_path / "plan-1.png")
    second = pdf(tmp_path / "plan-2.pdf", pages=3)
    views, changes = add_scans(ctx, CLERK, case.number, PAPER, [first, second])
    assert changes.cases
    assert [(v.position, v.original_name, v.pages) for v in views] == [
        (1, "plan-1.png", 1),
        (2, "plan-2.pdf", 3),
    ]
    sha = hashlib.sha256(first.read_bytes()).hexdigest()
    assert views[0].sha256 == sha and views[0].path == stored_path(ctx, sha)
    assert views[0].path.read_bytes() == first.read_bytes()
    # The same file again (to another material too) is one stored file.
    add_scans(ctx, CLERK, case.number, "经营场所使用证明", [first])
    assert len(rows(ctx, ScanFile)) == files + 2
    assert len(rows(ctx, MaterialScan)) == scans + 3
    # The reviewer of an item that needs the plan sees its scans.
    detail = review_detail(ctx, CULTURE, case.sub_case("MCT-001").id)
    plan = next(m for m in detail.materials if m.name == PAPER)
    assert [s.sha256 for s in plan.scans] == [sha, views[1].sha256]
    # A wrongly scanned page is taken out, but stays on record.
    after, _ = remove_scan(ctx, CLERK, views[0].id)
    assert [v.original_name for v in after] == ["plan-2.pdf"]
    assert len(rows(ctx, MaterialScan)) == scans + 3
    actions = [e.action for e in rows(ctx, AuditEntry) if e.at == ctx.clock.now()]
    assert actions.count("material.scan") == 2 and "material.scan_remove" in actions


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "不是PDF、JPEG、PNG或TIFF"),
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "不是PDF、JPEG、PNG或TIFF"),
        ("empty.png", b"", "是空的"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "已损坏"),
    ],
)
def test_a_file_that_is_not_a_scan_is_refused_and_nothing_is_kept(
    demo_ctx, tmp_path, name, content, message
) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    before = rows(ctx, MaterialScan), rows(ctx, ScanFile)
    bad = tmp_path / name
    bad.write_bytes(content)
    good = png(tmp_path / "good.png")
    with pytest.raises(ValidationError, match=message):
        add_scans(ctx, CLERK, case.number, PAPER, [good, bad])
    after = rows(ctx, MaterialScan), rows(ctx, ScanFile)
    assert [len(r) for r in after] == [len(r) for r in before]


def test_a_truncated_image_is_refused(demo_ctx, tmp_path) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    whole = tmp_path / "whole.jpg"
    Image.effect_noise((400, 300), 60).convert("RGB").save(whole, quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ValidationError, match="已损坏或不完整"):
        add_scans(ctx, CLERK, case.number, PAPER, [cut])


def test_a_two_gigabyte_file_is_refused_before_it_is_read(demo_ctx, tmp_path) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:  # sparse: no disk is used
        handle.write(b"%PDF-1.7\n")
        handle.truncate(2 * 1024**3)
    files = len(rows(ctx, ScanFile))
    with pytest.raises(ValidationError, match="超过了单个扫描件50MB的上限"):
        add_scans(ctx, CLERK, case.number, PAPER, [huge])
    assert len(rows(ctx, ScanFile)) == files


def test_what_had_no_paper_shows_how_it_was_settled_instead(demo_ctx, tmp_path) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    lines = {m.name: m for m in case_scans(ctx, CLERK, case.number)}
    assert lines[PAPER].scannable
    committed = lines["卫生管理制度"]
    assert not committed.scannable and "以承诺替代" in committed.settled_as
    assert "数据核验" in lines["营业执照"].settled_as
    assert "部门核验" in lines["消防安全检查合格证明"].settled_as
    with pytest.raises(ValidationError, match="无需扫描"):
        add_scans(ctx, CLERK, case.number, "卫生管理制度", [png(tmp_path / "x.png")])


def test_the_scanner_folder_offers_settled_files_and_moves_them_when_taken(
    demo_ctx, tmp_path
) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    folder = tmp_path / "scanner"
    folder.mkdir()
    old = png(folder / "scan-0001.png")
    fresh = png(folder / "scan-0002.png")
    (folder / "notes.txt").write_text("not a scan")
    past = time.time() - 60
    os.utime(old, (past, past))
    assert [f.name for f in scanner_files(folder)] == ["scan-0001.png"]  # the other is new
    assert [f.name for f in scanner_files(folder, now=time.time() + 10)] == [
        "scan-0001.png",
        "scan-0002.png",
    ]
    add_scans(ctx, CLERK, case.number, PAPER, [old], from_scanner=True)
    assert not old.exists() and (folder / TAKEN_FOLDER / "scan-0001.png").exists()
    assert [f.name for f in scanner_files(folder, now=time.time() + 10)] == [fresh.name]
    assert scanner_files(tmp_path / "missing") == ()
