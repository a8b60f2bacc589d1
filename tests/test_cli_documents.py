"""`hall print` for every document kind from the demo hall, `hall cases show --json`
licenses with their codes, and `hall verify` of a payload and of a picture."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from pypdf import PdfReader

from hall.cli import main

from .cli_support import run
from .printing.render import render_page


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo hall for the module (accepting its cases takes a few seconds)."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HALL_DATA_DIR", str(folder))
        mp.delenv("HALL_COUNTER", raising=False)
        mp.delenv("HALL_SECRETS_PASSPHRASE", raising=False)
        assert main(["init", "--demo"]) == 0
    return folder


@pytest.fixture
def demo(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HALL_DATA_DIR", str(demo_dir))
    monkeypatch.delenv("HALL_COUNTER", raising=False)
    monkeypatch.delenv("HALL_SECRETS_PASSPHRASE", raising=False)
    monkeypatch.setenv("HALL_USER", "clerk01")
    monkeypatch.setenv("HALL_PASSWORD", "hall-demo-2026")
    return demo_dir


def show(capsys, number: str) -> dict:
    code, out, _err = run(capsys, "cases", "show", number, "--json")
    assert code == 0
    return json.loads(out)


def first_case(capsys) -> dict:
    code, out, _err = run(capsys, "cases", "list", "--json")
    assert code == 0
    cases = json.loads(out)
    assert len(cases) >= 5
    # The noodle shop's case, today's first (the demo's previous day has cases too):
    # every reform mode, and licenses issued on the spot.
    return show(capsys, noodle_shop([c["number"] for c in cases]))


def noodle_shop(numbers: list[str]) -> str:
    """The first case of the latest day among case numbers like C01-20261123-0001."""
    latest = max(n.split("-")[1] for n in numbers)
    return min(n for n in numbers if n.split("-")[1] == latest)


def pdf_text(path: Path) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_the_demo_covers_every_reform_mode_with_licenses(demo, capsys) -> None:
    case = first_case(capsys)
    modes = {s["reform_mode"] for s in case["sub_cases"]}
    assert modes == {"cancelled", "filing", "commitment", "optimized"}
    numbers = [lic["number"] for lic in case["licenses"]]
    assert len(numbers) == 3 and all(lic["qr_payload"] for lic in case["licenses"])
    code, out, _err = run(capsys, "verify", case["licenses"][0]["qr_payload"], "--json")
    result = json.loads(out)
    assert code == 0 and result["valid"] and result["verdict"] == "valid"
    assert result["kind"] == "license" and result["number"] == numbers[0]
    assert result["holder"] == case["applicant"]["name"]


@pytest.mark.parametrize("kind", ["receipt", "letter", "onecode"])
def test_print_by_case_number(demo, capsys, tmp_path, kind) -> None:
    case = first_case(capsys)
    out = tmp_path / f"{kind}.pdf"
    code, printed, err = run(capsys, "print", kind, case["number"], "--out", str(out))
    assert code == 0, err
    assert str(out) in printed
    text = pdf_text(out)
    assert case["number"] in text.replace("\n", "")
    assert case["applicant"]["name"] in text.replace("\n", "")


def test_print_a_license_then_its_copy(demo, capsys, tmp_path) -> None:
    lic = first_case(capsys)["licenses"][1]
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert run(capsys, "print", "license", lic["number"], "--out", str(first))[0] == 0
    code, printed, _err = run(capsys, "print", "license", lic["number"], "--out", str(second))
    assert code == 0 and "补打" in printed
    assert "补打" not in pdf_text(first) and "补打" in pdf_text(second)


def test_print_a_ticket_and_a_slip(demo, capsys, tmp_path) -> None:
    out = tmp_path / "t.pdf"
    code, _printed, err = run(capsys, "print", "ticket", "B001", "--out", str(out))
    assert code == 0, err
    assert "B001" in pdf_text(out)
    number = appointment_numbers(demo)[0]
    slip = tmp_path / "s.pdf"
    assert run(capsys, "print", "slip", number, "--out", str(slip))[0] == 0
    assert number in pdf_text(slip).replace("\n", "")


def appointment_numbers(folder: Path) -> list[str]:
    """The demo's appointment numbers, read straight from its database file."""
    with closing(sqlite3.connect(folder / "hall.sqlite3")) as conn:
        return [r[0] for r in conn.execute("select number from appointment order by number")]


def test_unknown_numbers_and_bad_folders_are_one_line_errors(demo, capsys, tmp_path) -> None:
    code, _out, err = run(capsys, "print", "license", "NO-SUCH", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "没有编号为 NO-SUCH 的证照" in err and "Traceback" not in err
    code, _out, err = run(
        capsys, "print", "receipt", "C01-20261202-0001", "--out", "/no/such/folder/x.pdf"
    )
    assert code == 1 and "文件夹不存在" in err
    assert not list(tmp_path.iterdir())


def test_verify_reads_the_code_from_a_picture_of_the_license(demo, capsys, tmp_path) -> None:
    lic = first_case(capsys)["licenses"][0]
    out = tmp_path / "lic.pdf"
    assert run(capsys, "print", "license", lic["number"], "--out", str(out))[0] == 0
    picture = tmp_path / "photo.png"
    render_page(out.read_bytes(), dpi=200).save(str(picture))
    code, printed, _err = run(capsys, "verify", "--image", str(picture), "--json")
    result = json.loads(printed)
    assert code == 0 and result["valid"] and result["number"] == lic["number"]


def test_verify_image_errors_are_told_plainly(demo, capsys, tmp_path) -> None:
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("这不是图片")
    code, _out, err = run(capsys, "verify", "--image", str(not_a_picture))
    assert code == 1 and "不是图片" in err
    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("L", (200, 200), 255).save(blank)
    code, _out, err = run(capsys, "verify", "--image", str(blank))
    assert code == 1 and "没有找到二维码" in err
    code, _out, err = run(capsys, "verify")
    assert code == 1 and "--image" in err


def test_print_wants_a_pdf_name_and_verify_image_points_pdfs_to_the_window(
    demo, capsys, tmp_path
) -> None:
    number = first_case(capsys)["number"]
    code, _out, err = run(capsys, "print", "receipt", number, "--out", str(tmp_path / "r.txt"))
    assert code == 1 and ".pdf" in err and not list(tmp_path.iterdir())
    out = tmp_path / "r.pdf"
    assert run(capsys, "print", "receipt", number, "--out", str(out))[0] == 0
    code, _out, err = run(capsys, "verify", "--image", str(out))
    assert code == 1 and "核验文书二维码" in err


def test_a_handover_that_cannot_be_recorded_leaves_no_file(demo, capsys, tmp_path, monkeypatch):
    from hall.core.errors import Conflict
    from hall.services import documents

    def refuse(*_args, **_kwargs):
        raise Conflict("记录失败")

    monkeypatch.setattr(documents, "record_handover", refuse)
    number = first_case(capsys)["number"]
    code, _out, err = run(capsys, "print", "receipt", number, "--out", str(tmp_path / "r.pdf"))
    assert code == 1 and "记录失败" in err
    assert list(tmp_path.iterdir()) == []
