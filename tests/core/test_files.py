from __future__ import annotations

import errno
import os

import pytest

from hall.core import files
from hall.core.files import write_atomically


def test_a_write_replaces_the_file_whole(tmp_path) -> None:
    target = tmp_path / "doc.pdf"
    target.write_bytes(b"old")
    write_atomically(target, b"%PDF new")
    assert target.read_bytes() == b"%PDF new"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]


def test_a_full_disk_leaves_the_old_file_and_no_part_file(tmp_path, monkeypatch) -> None:
    target = tmp_path / "doc.pdf"
    target.write_bytes(b"old")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OSError) as info:
        write_atomically(target, b"%PDF new")
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]
