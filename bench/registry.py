"""The registry figures: importing a city's 1.3 million market entities, and finding one
by credit code or by name prefix, each beside the same work done with bare ``sqlite3``.

The entities are synthetic but shaped like a real export: valid credit codes (GB 32100
check characters), names made of a district, a trade name (字号), an industry and an
organisational form, and registered scopes drawn from the bundled catalog's codes.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hall.services.identifiers import USCC_ALPHABET
from hall.services.registry_file import COLUMNS

CITY_SIZE = 1_300_000
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: n for n, ch in enumerate(USCC_ALPHABET)}

_DISTRICTS = {
    "320302": "鼓楼区", "320303": "云龙区", "320305": "贾汪区", "320311": "泉山区",
    "320312": "铜山区", "320321": "丰县", "320322": "沛县", "320324": "睢宁县",
    "320381": "新沂市", "320382": "邳州市",
}  # fmt: skip
_TRADE = (
    "华润鑫隆泰昌盛兴源通达宏远金鼎恒丰聚福祥瑞佳和美新宇天辰海博嘉禾永安德顺"
    "利民众诚信达锦绣春晖东方明珠汇丰益康惠农绿野银河星光旭日青松翠竹碧水蓝湾"
)
_INDUSTRY = (
    "商贸", "餐饮管理", "建筑工程", "科技", "物流", "农业发展", "食品", "机械制造",
    "装饰工程", "电子商务", "文化传媒", "医疗器械", "汽车服务", "劳务", "信息技术",
    "环保科技", "服装", "家具", "五金", "旅游开发",
)  # fmt: skip
_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "商行", "经营部", "店", "工作室")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
_STREETS = ("解放路", "中山北路", "淮海东路", "建国西路", "工农北路", "夏桥路", "矿山路")
_STATUS = ("存续",) * 8 + ("在业",) * 3 + ("注销", "吊销")
_SCOPES = ("F1040", "H2002", "F3235", "H0101", "F9001", "L9003", "I9012", "R5001")


def _triples(weights: tuple[int, ...]) -> tuple[list[str], list[int]]:
    """Every 3-character group of the alphabet, with its weighted sum at ``weights``."""
    texts, sums = [], []
    for a in USCC_ALPHABET:
        for b in USCC_ALPHABET:
            for c in USCC_ALPHABET:
                texts.append(a + b + c)
                sums.append(
                    _VALUE[a] * weights[0] + _VALUE[b] * weights[1] + _VALUE[c] * weights[2]
                )
    return texts, sums


def credit_codes(count: int) -> list[str]:
    """``count`` distinct valid codes of enterprises (``91``) in the city's districts,
    in no useful order (the worst case for the indexes: an export is sorted by nothing
    in particular). ``n`` times a prime modulo 31**9 is a bijection, so the
    organisation-code parts are distinct; the check character is built from per-group
    sums, so a million codes take a second or two."""
    (t1, s1), (t2, s2), (t3, s3) = (_triples(_WEIGHTS[i : i + 3]) for i in (8, 11, 14))
    prefixes = [
        ("91" + r, sum(_VALUE[ch] * w for ch, w in zip("91" + r, _WEIGHTS, strict=False)))
        for r in _DISTRICTS
    ]
    block = 31**3
    out = []
    for n in range(count):
        prefix, base = prefixes[n % len(prefixes)]
        hi, rest = divmod((n * 2_654_435_761) % 31**9, block * block)
        mid, lo = divmod(rest, block)
        total = base + s1[hi] + s2[mid] + s3[lo]
        out.append(f"{prefix}{t1[hi]}{t2[mid]}{t3[lo]}{USCC_ALPHABET[-total % 31]}")
    return out


def entities(count: int, seed: int = 2026) -> Iterator[tuple[str, ...]]:
    """``count`` synthetic entities as CSV rows, each code distinct."""
    rnd = random.Random(seed)
    regions = list(_DISTRICTS.values())
    trades = [a + b for a in _TRADE for b in _TRADE]
    people = [s + g for s in _SURNAMES for g in _GIVEN] + [
        s + g + h for s in _SURNAMES for g in _GIVEN for h in _GIVEN[:8]
    ]
    streets = [f"{s}{n}号" for s in _STREETS for n in range(1, 400)]
    scopes = [";".join(rnd.sample(_SCOPES, rnd.randrange(1, 4))) for _ in range(200)]
    codes = credit_codes(count)
    for start in range(0, count, 100_000):
        k = min(100_000, count - start)
        names = zip(
            rnd.choices(trades, k=k), rnd.choices(_INDUSTRY, k=k), rnd.choices(_FORMS, k=k),
            strict=True,
        )  # fmt: skip
        yield from zip(
            codes[start : start + k],
            (
                f"徐州市{regions[(start + i) % len(regions)]}{t}{ind}{form}"
                for i, (t, ind, form) in enumerate(names)
            ),
            rnd.choices(people, k=k),
            (
                f"江苏省徐州市{regions[(start + i) % len(regions)]}{s}"
                for i, s in enumerate(rnd.choices(streets, k=k))
            ),
            rnd.choices(scopes, k=k),
            rnd.choices(_STATUS, k=k),
            strict=True,
        )


def write_csv(path: Path, count: int = CITY_SIZE) -> Path:
    """Write ``count`` entities to ``path`` as the import expects them (UTF-8, header)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(entities(count))
    return path


def raw_import(path: Path, db: Path) -> float:
    """Rows per second of the plainest import: the csv module into a bare table (no
    constraint, no index) with bare ``sqlite3``, one executemany in one transaction, the
    program's journal settings (WAL, synchronous FULL). What storing the rows costs at
    all; the import also checks each row and keeps three indexes."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE applicant (id, kind, code, name, legal_representative, address, "
        "registered_scope, status, created_at, updated_at)"
    )
    now = "2026-11-23 01:30:00.000000"
    t0 = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO applicant VALUES (?, 'enterprise', ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (uuid.uuid4().hex, c, n, lr, a, json.dumps(s.split(";")), st or None, now, now)
                for c, n, lr, a, s, st in reader
            ),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    (count,) = conn.execute("SELECT count(*) FROM applicant").fetchone()
    conn.close()
    return count / elapsed


@dataclass
class Timing:
    ours_ms: float
    raw_ms: float


def interleaved(
    ours: Callable[[str], object], raw: Callable[[str], object], args: list[str]
) -> Timing:
    """Median milliseconds of each over ``args``, one call of each in turn (so that both
    see the same machine load)."""
    a: list[float] = []
    b: list[float] = []
    for arg in args:
        for run, sink in ((raw, b), (ours, a)):
            t0 = time.perf_counter()
            run(arg)
            sink.append(time.perf_counter() - t0)
    return Timing(statistics.median(a) * 1000, statistics.median(b) * 1000)
