"""Scanned files between a counter and the hall server, in chunks.

A file goes up a chunk at a time, each in its own server transaction, so a cut costs at
most one chunk: the next attempt asks which chunks the server has and sends the rest.
When all are there the server adds them up and checks the SHA-256 the file is named by
(``file_blob`` then says it is whole). A file comes down the same way into a partial file
beside its place, resumed from its length, checked, and only then moved into place.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hall.models import FileBlob, FileChunk, ScanFile, SyncFile

log = logging.getLogger(__name__)

CHUNK = 256 * 1024


@dataclass(frozen=True)
class FileResult:
    uploaded: int = 0
    downloaded: int = 0
    missing: tuple[str, ...] = ()  # files a row names that neither side has whole


def stored_at(root: Path, sha256: str) -> Path:
    """Where a scanned file lives under the scans folder (``hall.services.scans``)."""
    return root / sha256[:2] / sha256


def upload(local: Engine, server: Engine, root: Path, now: Callable[[], datetime]) -> FileResult:
    """Send every scanned file of this machine that the server does not hold whole."""
    with local.connect() as conn:
        todo = list(
            conn.scalars(
                select(ScanFile.sha256).where(
                    ScanFile.sha256.not_in(
                        select(SyncFile.sha256).where(SyncFile.uploaded_at.is_not(None))
                    )
                )
            )
        )
    uploaded = 0
    missing: list[str] = []
    for sha in todo:
        path = stored_at(root, sha)
        if not _whole_on_server(server, sha):
            if not path.is_file():  # came from elsewhere and not fetched yet: not ours
                missing.append(sha)
                continue
            try:
                upload_file(server, path, sha, now())
            except (OSError, ValueError) as exc:  # unreadable, or changed on disk
                log.warning("scanned file %s not sent: %s", sha, exc)
                missing.append(sha)
                continue  # the others go on; this one is tried again next round
            uploaded += 1
        _note(local, sha, uploaded_at=now())
    return FileResult(uploaded=uploaded, missing=tuple(missing))


def _whole_on_server(server: Engine, sha: str) -> bool:
    with server.connect() as conn:
        return conn.scalar(select(FileBlob.sha256).where(FileBlob.sha256 == sha)) is not None


def upload_file(server: Engine, path: Path, sha: str, at: datetime) -> None:
    """Send the chunks of ``path`` the server lacks, then have it check the whole."""
    with server.connect() as conn:
        have = set(conn.scalars(select(FileChunk.idx).where(FileChunk.sha256 == sha)))
    size = path.stat().st_size
    count = max(1, -(-size // CHUNK))
    with path.open("rb") as handle:
        for idx in range(count):
            if idx in have:
                continue
            handle.seek(idx * CHUNK)
            data = handle.read(CHUNK)
            with server.begin() as conn:
                conn.execute(
                    pg_insert(FileChunk)
                    .values(sha256=sha, idx=idx, data=data)
                    .on_conflict_do_nothing()
                )
    with server.begin() as conn:
        digest, total, chunks = conn.execute(
            text(
                "SELECT encode(sha256(string_agg(data, ''::bytea ORDER BY idx)), 'hex'), "
                "sum(length(data)), count(*) FROM file_chunk WHERE sha256 = :sha"
            ),
            {"sha": sha},
        ).one()
        if digest != sha or chunks != count:
            # A chunk is wrong (the local file changed under us?): start the file again.
            conn.execute(text("DELETE FROM file_chunk WHERE sha256 = :sha"), {"sha": sha})
            raise ValueError(f"scanned file {sha} arrived damaged on the hall server")
        conn.execute(
            pg_insert(FileBlob)
            .values(sha256=sha, size=int(total), chunks=int(chunks), verified_at=at)
            .on_conflict_do_nothing()
        )


def download(local: Engine, server: Engine, root: Path, now: Callable[[], datetime]) -> FileResult:
    """Fetch every scanned file a local row names but this machine does not have."""
    with local.connect() as conn:
        shas = list(conn.scalars(select(ScanFile.sha256)))
    downloaded = 0
    missing: list[str] = []
    for sha in shas:
        target = stored_at(root, sha)
        if target.is_file():
            continue
        with server.connect() as conn:
            chunks = conn.scalar(select(FileBlob.chunks).where(FileBlob.sha256 == sha))
        if chunks is None:  # not whole on the server yet (its counter is offline)
            missing.append(sha)
            continue
        try:
            download_file(server, target, sha, int(chunks))
        except (OSError, ValueError) as exc:  # a full disk, a damaged chunk
            log.warning("scanned file %s not fetched: %s", sha, exc)
            missing.append(sha)
            continue
        _note(local, sha, downloaded_at=now())
        downloaded += 1
    return FileResult(downloaded=downloaded, missing=tuple(missing))


def download_file(server: Engine, target: Path, sha: str, chunks: int) -> None:
    """Fetch ``sha`` into ``target`` chunk by chunk, resuming a partial file."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    part = target.with_name(f".{sha}.part")
    done = part.stat().st_size // CHUNK if part.exists() else 0
    with part.open("ab") as handle:
        handle.truncate(done * CHUNK)  # a chunk cut half way is fetched again
        for idx in range(done, chunks):
            with server.connect() as conn:
                data = conn.scalar(
                    select(FileChunk.data).where(FileChunk.sha256 == sha, FileChunk.idx == idx)
                )
            if data is None:
                raise ValueError(f"chunk {idx} of {sha} missing on the hall server")
            handle.write(data)
            handle.flush()
        os.fsync(handle.fileno())
    digest = hashlib.sha256()
    with part.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != sha:
        part.unlink()
        raise ValueError(f"scanned file {sha} came down damaged")
    part.replace(target)


def _note(local: Engine, sha: str, **when: datetime) -> None:
    stmt = sqlite_insert(SyncFile).values(sha256=sha, **when)
    with local.begin() as conn:
        conn.execute(stmt.on_conflict_do_update(index_elements=["sha256"], set_=when))


def waiting_uploads(local: Engine, root: Path) -> int:
    """Scanned files made here that have not gone up yet (one that came from another
    counter and is not here yet is that counter's to send)."""
    with local.connect() as conn:
        shas = conn.scalars(
            select(ScanFile.sha256).where(
                ScanFile.sha256.not_in(
                    select(SyncFile.sha256).where(SyncFile.uploaded_at.is_not(None))
                )
            )
        )
        return sum(1 for sha in shas if stored_at(root, sha).is_file())


def upload_held(server: Engine, root: Path, now: Callable[[], datetime]) -> int:
    """Send the scanned files that rows on the server name and that this machine holds
    (the demo hall's, made where ``hall server init --demo`` ran). Returns how many."""
    with server.connect() as conn:
        shas = list(
            conn.scalars(
                select(ScanFile.sha256).where(ScanFile.sha256.not_in(select(FileBlob.sha256)))
            )
        )
    sent = 0
    for sha in shas:
        path = stored_at(root, sha)
        if path.is_file():
            upload_file(server, path, sha, now())
            sent += 1
    return sent
