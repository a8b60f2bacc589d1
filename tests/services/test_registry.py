"""The local market-entity registry: finding entities, and importing a registry export."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from stdnum.cn import uscc

from hall.core.errors import (
    HallError,
    ImportRejected,
    InvalidIdentifier,
    PermissionDenied,
    ValidationError,
)
from hall.models import Applicant, AuditEntry, OutboxEntry
from hall.models.enums import ApplicantKind
from hall.models.parties import applicant_id
from hall.services import registry_writer
from hall.services.identifiers import USCC_ALPHABET, validate_uscc
from hall.services.registry import find_entities, import_registry
from hall.services.registry_file import COLUMNS, canonical_uscc

HEADER = ",".join(COLUMNS)
WEIXIANGJU = "91320305MA1N428243"  # in the demo registry, with a phone number
DEMO_PERSON = "320305196203142253"  # 王建国, entered at a counter


def code(serial: int, region: str = "320305") -> str:
    """A valid credit code (check character from python-stdnum, not from our own code)."""
    body = f"91{region}{serial:09d}"
    return body + uscc.calc_check_digit(body)


def entity_row(serial: int, name: str | None = None, **values: str) -> dict[str, str]:
    row = {
        "credit_code": code(serial),
        "name": name or f"徐州市贾汪区测试{serial}号商贸有限公司",
        "legal_representative": "张三",
        "address": "江苏省徐州市贾汪区夏桥路1号",
        "scope": "F1040;H2002",
        "status": "存续",
    }
    row.update(values)
    return row


def write_csv(
    path: Path,
    rows: Iterable[dict[str, str]],
    columns: Sequence[str] = COLUMNS,
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def applicants(ctx) -> int:
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(Applicant))


def row_of(ctx, credit_code: str) -> Applicant | None:
    with ctx.uow() as s:
        return s.scalar(select(Applicant).where(Applicant.code == credit_code))


def audit_actions(ctx) -> list[str]:
    with ctx.uow() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def name_index_exists(ctx) -> bool:
    with sqlite3.connect(ctx.paths.database) as db:
        names = [r[1] for r in db.execute("PRAGMA index_list(applicant)")]
    return "ix_applicant_name" in names


# --- finding -------------------------------------------------------------------------------


def test_find_by_credit_code_forgives_fullwidth_lower_case_and_spaces(demo_ctx) -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in WEIXIANGJU.lower())
    for query in (WEIXIANGJU, fullwidth, " 9132 0305 ma1n 428243 "):
        [found] = find_entities(demo_ctx, query)
        assert found.code == WEIXIANGJU and found.name == "徐州市贾汪区味香居餐饮管理有限公司"
        assert found.phone and found.registered_scope  # the whole registry row


def test_a_mistyped_code_says_what_is_wrong_instead_of_finding_nothing(demo_ctx) -> None:
    with pytest.raises(InvalidIdentifier, match="第18位应为“3”"):
        find_entities(demo_ctx, WEIXIANGJU[:-1] + "4")


def test_find_by_name_prefix_in_name_order_and_limited(ctx, operator, tmp_path) -> None:
    names = [f"徐州市贾汪区{w}商贸有限公司" for w in "丁丙乙甲戊己庚辛壬癸"]
    rows = [entity_row(n, name) for n, name in enumerate(names, start=1)]
    rows.append(entity_row(99, "徐州市鼓楼区甲商贸有限公司"))
    import_registry(ctx, operator, write_csv(tmp_path / "r.csv", rows))
    found = find_entities(ctx, "徐州市贾汪区", limit=4)
    assert [e.name for e in found] == sorted(names)[:4]
    assert all(e.status == "存续" and e.kind is ApplicantKind.enterprise for e in found)
    assert len(find_entities(ctx, "徐州市")) == 11
    assert find_entities(ctx, "徐州市鼓楼区")[0].code == code(99)


def test_the_trade_name_in_the_middle_finds_the_rest_after_the_prefix(
    ctx, operator, tmp_path
) -> None:
    rows = [
        entity_row(1, "味香居（徐州）餐饮有限公司"),
        entity_row(2, "徐州市贾汪区味香居餐饮管理有限公司"),
        entity_row(3, "徐州市云龙区味香居小吃店"),
        entity_row(4, "徐州市贾汪区老王面馆"),
    ]
    import_registry(ctx, operator, write_csv(tmp_path / "r.csv", rows))
    found = [e.name for e in find_entities(ctx, "味香居")]
    assert found == [
        "味香居（徐州）餐饮有限公司",  # the prefix first
        "徐州市云龙区味香居小吃店",  # then the names containing it, in name order
        "徐州市贾汪区味香居餐饮管理有限公司",
    ]
    assert [e.name for e in find_entities(ctx, "味香居", limit=1)] == found[:1]
    assert find_entities(ctx, "火锅") == []


def test_persons_are_found_by_id_number_only_never_listed_by_name(demo_ctx) -> None:
    [person] = find_entities(demo_ctx, DEMO_PERSON)
    assert person.kind is ApplicantKind.person and person.name == "王建国"
    assert person.status is None  # entered at a counter, not from the registry
    assert all(e.kind is ApplicantKind.enterprise for e in find_entities(demo_ctx, "王"))
    assert find_entities(demo_ctx, "王建国") == []


@pytest.mark.parametrize("query", ["", "   ", "\u3000"])
def test_an_empty_query_is_refused_in_chinese(ctx, query) -> None:
    with pytest.raises(ValidationError, match="请输入统一社会信用代码、身份证号码或名称"):
        find_entities(ctx, query)


def test_a_name_like_a_wildcard_matches_only_itself(ctx, operator, tmp_path) -> None:
    rows = [entity_row(1, "徐州100%纯净水有限公司"), entity_row(2, "徐州100元店")]
    import_registry(ctx, operator, write_csv(tmp_path / "r.csv", rows))
    assert [e.code for e in find_entities(ctx, "0%")] == [code(1)]
    assert [e.code for e in find_entities(ctx, "0_")] == []


# --- importing -----------------------------------------------------------------------------


def test_import_adds_new_entities_and_updates_known_ones_keeping_the_rest(
    demo_ctx, operator, tmp_path, clock
) -> None:
    before = row_of(demo_ctx, WEIXIANGJU)
    outbox = _outbox_count(demo_ctx)
    clock.advance(timedelta(hours=1))
    rows = [
        entity_row(1),
        entity_row(2, status=""),
        {"credit_code": WEIXIANGJU, "name": "徐州市贾汪区味香居餐饮管理有限公司",
         "legal_representative": "王建华", "address": "新地址", "scope": "H2002",
         "status": "在业"},
    ]  # fmt: skip
    path = write_csv(tmp_path / "registry.csv", rows)
    report, changes = import_registry(demo_ctx, operator, path)
    assert (report.rows, report.added, report.updated, report.unchanged) == (3, 2, 1, 0)
    assert changes.applicants
    after = row_of(demo_ctx, WEIXIANGJU)
    assert (after.legal_representative, after.address, after.registered_scope, after.status) == (
        "王建华", "新地址", ["H2002"], "在业",
    )  # fmt: skip
    # What the file does not carry is kept, and the row stays the same row.
    assert (after.id, after.created_at, after.phone, after.entity_type) == (
        before.id, before.created_at, before.phone, before.entity_type,
    )  # fmt: skip
    assert after.updated_at == clock.now() > before.updated_at
    new = row_of(demo_ctx, code(1))
    assert new.kind is ApplicantKind.enterprise and new.registered_scope == ["F1040", "H2002"]
    assert new.created_at == new.updated_at == clock.now() and new.id == applicant_id(new.code)
    assert row_of(demo_ctx, code(2)).status is None
    # One audit entry for the whole import, and no registry rows in the outbox.
    with demo_ctx.uow() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "registry.import"))
        assert entry.actor == operator.username and entry.entity == "registry"
        assert entry.after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry.after | {"rows": 3, "added": 2, "updated": 1, "unchanged": 0} == entry.after
        [event] = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == entry.entity_id))
        assert event.op == "event" and event.payload["action"] == "registry.import"
        assert "rows" not in event.payload
    assert _outbox_count(demo_ctx) == outbox + 1


def test_importing_the_same_file_again_changes_nothing(ctx, operator, tmp_path, clock) -> None:
    path = write_csv(tmp_path / "r.csv", [entity_row(n) for n in range(1, 6)])
    import_registry(ctx, operator, path)
    stamp = row_of(ctx, code(3)).updated_at
    clock.advance(timedelta(days=1))
    report, _changes = import_registry(ctx, operator, path)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 5)
    assert row_of(ctx, code(3)).updated_at == stamp  # not rewritten


def test_columns_in_another_order_a_bom_and_quoted_fields(ctx, operator, tmp_path) -> None:
    columns = ("status", "name", "credit_code", "scope", "address", "legal_representative")
    rows = [
        entity_row(1, "徐州“好运来”超市, 有限公司", address="夏桥路1号\n2楼"),
        entity_row(2, scope="Ｆ１０４０；h2002、F1040 ; C1005"),
    ]
    path = write_csv(tmp_path / "r.csv", rows, columns, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report, _changes = import_registry(ctx, operator, path)
    assert report.rows == 2
    first = row_of(ctx, code(1))
    assert (first.name, first.address) == ("徐州“好运来”超市, 有限公司", "夏桥路1号\n2楼")
    assert row_of(ctx, code(2)).registered_scope == ["F1040", "H2002", "C1005"]


def test_a_file_with_bad_rows_is_refused_as_a_whole_naming_each_line(
    ctx, operator, tmp_path
) -> None:
    good = entity_row(1)
    wrong_check = good["credit_code"][:-1] + ("0" if good["credit_code"][-1] != "0" else "1")
    lines = [
        HEADER,
        ",".join(good.values()),  # line 2
        f'{code(2)},"地址里有换行的公司",张三,"夏桥路\n1号",F1040,存续',  # lines 3-4
        f"{wrong_check},错校验位公司,张三,地址,F1040,存续",  # line 5
        f"{code(5)},,张三,地址,F1040,存续",  # 6: no name
        f"{code(6)},名称,张三,地址,餐饮服务,存续",  # 7: scope as text
        f"{code(7)},名称,张三,地址",  # 8: too few columns
        f"{DEMO_PERSON},王建国,,地址,,存续",  # 9: a person's ID number
        f"{code(1)},重复,张三,地址,F1040,存续",  # 10: the code of line 2 again
        f"{code(8)},{'长' * 201},张三,地址,F1040,存续",  # 11: name too long
        f"{code(9)},名称\x00,张三,地址,F1040,存续",  # 12: a NUL
        f"{code(10)},名称,张三,地址,F1040,{'状' * 21}",  # 13: status too long
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_registry(ctx, operator, path)
    problems = {p.place: p.reason for p in info.value.problems}
    assert list(problems) == [f"第{n}行" for n in range(5, 14)]
    assert "第18位应为" in problems["第5行"]
    assert "名称不能为空" in problems["第6行"]
    assert "“餐饮服务”不是经营范围代码" in problems["第7行"]
    assert "有4列，应为6列" in problems["第8行"]
    assert "身份证号码" in problems["第9行"] and "个体工商户" in problems["第9行"]
    assert f"{code(1)} 与第2行重复" in problems["第10行"]
    assert "名称超过200个字" in problems["第11行"]
    assert "控制字符" in problems["第12行"]
    assert "登记状态超过20个字" in problems["第13行"]
    assert "9行有误" in info.value.message and "未导入任何数据" in info.value.message
    assert applicants(ctx) == 0 and "registry.import" not in audit_actions(ctx)


def test_a_bad_header_is_refused_saying_which_columns(ctx, operator, tmp_path) -> None:
    missing = write_csv(tmp_path / "a.csv", [entity_row(1)], COLUMNS[:-1])
    with pytest.raises(ValidationError, match="缺少列 status"):
        import_registry(ctx, operator, missing)
    extra = write_csv(tmp_path / "b.csv", [entity_row(1, phone="1")], (*COLUMNS, "phone"))
    with pytest.raises(ValidationError, match="多出列 phone"):
        import_registry(ctx, operator, extra)
    twice = tmp_path / "c.csv"
    twice.write_text(HEADER + ",name\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="列 name 重复"):
        import_registry(ctx, operator, twice)
    assert applicants(ctx) == 0


def test_an_excel_gbk_file_is_refused_saying_how_to_save_it(ctx, operator, tmp_path) -> None:
    path = write_csv(tmp_path / "gbk.csv", [entity_row(1)], encoding="gbk")
    with pytest.raises(ValidationError, match=r"不是 UTF-8 编码.*CSV UTF-8"):
        import_registry(ctx, operator, path)
    assert applicants(ctx) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"\n\n", "文件是空的"),
        (HEADER.encode() + b"\n", "只有表头"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "UTF-8|表头"),
        (bytes(range(256)) * 4, "UTF-8|表头"),
    ],
)
def test_an_empty_or_binary_file_is_refused_clearly(
    ctx, operator, tmp_path, content, message
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        import_registry(ctx, operator, path)


def test_a_missing_file_says_so(ctx, operator, tmp_path) -> None:
    with pytest.raises(HallError, match=r"无法读取登记库文件.*文件或文件夹不存在"):
        import_registry(ctx, operator, tmp_path / "nope.csv")
    with pytest.raises(HallError, match="这是一个文件夹"):
        import_registry(ctx, operator, tmp_path)


def test_a_clerk_may_not_import_the_registry(ctx, actor, tmp_path) -> None:
    path = write_csv(tmp_path / "r.csv", [entity_row(1)])
    with pytest.raises(PermissionDenied):
        import_registry(ctx, actor, path)
    assert applicants(ctx) == 0
    assert audit_actions(ctx)[-1] == "permission.denied"


def test_an_administrator_account_may(ctx, admin, tmp_path) -> None:
    report, _changes = import_registry(ctx, admin, write_csv(tmp_path / "r.csv", [entity_row(1)]))
    assert report.added == 1


def test_twenty_thousand_rows_in_chunks_with_progress(ctx, operator, tmp_path) -> None:
    rows = [entity_row(n) for n in range(1, 20_001)]
    path = write_csv(tmp_path / "big.csv", rows)
    calls: list[tuple[int, int]] = []
    report, _changes = import_registry(
        ctx, operator, path, progress=lambda done, total: calls.append((done, total))
    )
    assert report.rows == report.added == applicants(ctx) == 20_000
    assert calls == [(10_000, 20_000), (20_000, 20_000), (20_000, 20_000)]
    assert name_index_exists(ctx)  # rebuilt after filling the empty registry
    assert find_entities(ctx, "徐州市贾汪区测试19999号")[0].code == code(19_999)
    rows[5]["status"] = "注销"
    rows.append(entity_row(30_000))
    report, _changes = import_registry(ctx, operator, write_csv(tmp_path / "2.csv", rows))
    assert (report.added, report.updated, report.unchanged) == (1, 1, 19_999)
    assert row_of(ctx, code(6)).status == "注销"


def test_a_failure_half_way_leaves_the_registry_and_its_index_as_they_were(
    ctx, operator, tmp_path, monkeypatch
) -> None:
    path = write_csv(tmp_path / "big.csv", [entity_row(n) for n in range(1, 15_001)])
    original = registry_writer.RegistryWriter.write
    calls = []

    def fail_second(self, prepared):  # type: ignore[no-untyped-def]
        calls.append(prepared)
        if len(calls) == 2:
            full = sqlite3.OperationalError("database or disk is full")
            raise OperationalError("INSERT", (), full)
        original(self, prepared)

    monkeypatch.setattr(registry_writer.RegistryWriter, "write", fail_second)
    with pytest.raises(HallError, match="磁盘已满"):
        import_registry(ctx, operator, path)
    assert len(calls) == 2
    assert applicants(ctx) == 0 and name_index_exists(ctx)


def test_an_exception_from_progress_cancels_with_nothing_written(ctx, operator, tmp_path) -> None:
    import threading

    path = write_csv(tmp_path / "big.csv", [entity_row(n) for n in range(1, 25_001)])

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_registry(ctx, operator, path, progress=cancel)
    assert applicants(ctx) == 0 and name_index_exists(ctx)
    assert "registry-reader" not in [t.name for t in threading.enumerate()]


def test_more_bad_rows_than_listed_are_counted(ctx, operator, tmp_path) -> None:
    path = write_csv(tmp_path / "r.csv", [entity_row(n, name=" ") for n in range(1, 451)])
    with pytest.raises(ImportRejected, match="450行有误（列出前200处）") as info:
        import_registry(ctx, operator, path)
    assert len(info.value.problems) == 200


def test_rows_of_only_commas_are_blank_lines(ctx, operator, tmp_path) -> None:
    path = tmp_path / "excel.csv"
    lines = [HEADER, ",".join(entity_row(1).values()), ",,,,,", "", " , ,,,,", ""]
    path.write_text("\r\n".join(lines), encoding="utf-8")
    report, _changes = import_registry(ctx, operator, path)
    assert report.rows == 1


# --- the quick checks agree with the thorough ones -----------------------------------------


def _plain_or(plain: st.SearchStrategy[str], *odd: str) -> st.SearchStrategy[str]:
    """Half the time a plain value (which the quick path takes), else an odd one."""
    return st.one_of(plain, st.sampled_from(odd))


VALUES = {
    "credit_code": _plain_or(
        st.builds(code, st.integers(1, 10**6)),
        code(1).lower(), f" {code(3)} ", code(4)[:-1] + "0", DEMO_PERSON, "", code(5),
    ),
    "name": _plain_or(st.just("名称"), " 名称 ", "", "长" * 201, "A,B公司", '“引号”"公司"'),
    "legal_representative": _plain_or(st.just("张三"), "", " 李四", "长" * 61),
    "address": _plain_or(st.just("夏桥路1号"), "", "第一行\n第二行", "长" * 301),
    "scope": _plain_or(
        st.sampled_from(["", "F1040", "F1040;H2002"]),
        "f1040", "F1040；H2002", "F1040;F1040", "F1040; H2002", "餐饮", "F1040;",
    ),
    "status": _plain_or(st.just("存续"), "", " 注销 ", "状" * 21),
}  # fmt: skip


@settings(max_examples=200)
@given(st.lists(st.fixed_dictionaries(VALUES), min_size=1, max_size=12))
def test_the_quick_path_reads_each_row_as_the_thorough_one_does(rows) -> None:
    import io
    from datetime import date

    from hall.services.registry_file import read_batches

    def read(columns: Sequence[str]) -> tuple[list, list]:
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        text.seek(0)
        batches = list(read_batches(text, today=date(2026, 11, 23), size=5))
        return [e for b in batches for e in b.entities], [p for b in batches for p in b.problems]

    quick = read(COLUMNS)  # the standard order: plain lines take the quick path
    thorough = read(COLUMNS[::-1])  # any other order: every line takes the thorough one
    assert quick == thorough


# --- the fast credit code check agrees with the thorough one -------------------------------

CODE_CHARS = USCC_ALPHABET + "IOSVZ0a "


@given(st.text(alphabet=CODE_CHARS, min_size=17, max_size=19))
def test_the_fast_check_accepts_exactly_what_validate_uscc_keeps_unchanged(text) -> None:
    try:
        unchanged = validate_uscc(text) == text
    except InvalidIdentifier:
        unchanged = False
    assert canonical_uscc(text) == unchanged


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_the_fast_check_computes_the_check_character_as_gb_32100(body) -> None:
    good = body + uscc.calc_check_digit(body)
    leading = body[0] in "123456789" and body[1:8].isdigit()
    assert canonical_uscc(good) == (leading or (body[0] in "ANY" and body[2:8].isdigit()))
    for wrong in set(USCC_ALPHABET) - {good[-1]}:
        assert not canonical_uscc(body + wrong)


def _outbox_count(ctx) -> int:
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(OutboxEntry))
