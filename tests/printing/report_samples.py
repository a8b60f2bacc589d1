"""Sample daily reports (业务量日报) with plausible figures: a day of a small hall, a
long one (many counters and clerks), and an empty day."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

from hall.core.clock import HALL_ZONE
from hall.printing.report_data import (
    DailyReport,
    DepartmentDeadlines,
    Figures,
    HourCount,
    LowRating,
    ModeCount,
    Spread,
    WaitBucket,
)

HALL_NAME = "徐州市贾汪区政务服务中心"
DAY = date(2026, 12, 1)
MODES = (
    ("cancelled", "直接取消审批"),
    ("filing", "审批改为备案"),
    ("commitment", "实行告知承诺"),
    ("optimized", "优化审批服务"),
)
WAIT_BOUNDS = (0, 5, 10, 15, 20, 30, 45, 60)
DEPARTMENTS = (
    ("SAMR", "区市场监督管理局"),
    ("WJW", "区卫生健康委员会"),
    ("ZJ", "区住房和城乡建设局"),
    ("WL", "区文化广电和旅游局"),
    ("JT", "区交通运输局"),
)


def spread(count: int, mean: float | None, median: float | None, p90: float | None) -> Spread:
    return Spread(count, mean, median, p90)


def figures(key: str, label: str, rnd: random.Random | None = None, **kw: object) -> Figures:
    """A row of plausible figures (random but reproducible), ``kw`` overriding any."""
    rnd = rnd or random.Random(key)
    served = rnd.randint(5, 60)
    items = rnd.randint(0, 30)
    counts = [rnd.randint(0, items) for _ in MODES]
    rating_count = rnd.randint(0, served)
    cases = rnd.randint(0, served)
    wait = sorted(round(rnd.uniform(1, 40), 1) for _ in range(3))
    handle = sorted(round(rnd.uniform(2, 25), 1) for _ in range(3))
    values: dict[str, object] = {
        "key": key,
        "label": label,
        "issued": served + rnd.randint(0, 10),
        "served": served,
        "no_show": rnd.randint(0, 6),
        "transferred": rnd.randint(0, 3),
        "wait": Spread(served, wait[1], wait[0], wait[2]),
        "handle": Spread(served, handle[1], handle[0], handle[2]),
        "cases_accepted": cases,
        "items": sum(counts),
        "by_mode": tuple(ModeCount(m, name, n) for (m, name), n in zip(MODES, counts, strict=True)),
        "on_the_spot": rnd.randint(0, sum(counts)),
        "rating_count": rating_count,
        "rating_mean": round(rnd.uniform(3.5, 5), 2) if rating_count else None,
        "low_ratings": rnd.randint(0, min(rating_count, 3)),
        "work": served + cases,
        "offline_work": rnd.randint(0, 3),
    }
    values.update(kw)
    return Figures(**values)  # type: ignore[arg-type]


def empty_figures(key: str = "", label: str = "全厅") -> Figures:
    none = Spread(0, None, None, None)
    return Figures(
        key, label, 0, 0, 0, 0, none, none, 0, 0,
        tuple(ModeCount(m, name, 0) for m, name in MODES), 0, 0, None, 0, 0, 0,
    )  # fmt: skip


def waits(counts: tuple[int, ...] = (42, 65, 38, 21, 17, 9, 4, 2)) -> tuple[WaitBucket, ...]:
    out = []
    for index, low in enumerate(WAIT_BOUNDS):
        high = WAIT_BOUNDS[index + 1] if index + 1 < len(WAIT_BOUNDS) else None
        label = f"{low}–{high} 分钟" if high is not None else f"{low} 分钟以上"
        out.append(WaitBucket(label, low, high, counts[index]))
    return tuple(out)


def hours() -> tuple[HourCount, ...]:
    issued = {8: 12, 9: 46, 10: 38, 11: 25, 13: 18, 14: 33, 15: 29, 16: 21, 17: 4}
    served = {8: 3, 9: 31, 10: 40, 11: 30, 12: 6, 13: 15, 14: 30, 15: 31, 16: 24, 17: 8}
    return tuple(
        HourCount(h, issued.get(h, 0), served.get(h, 0)) for h in sorted(set(issued) | set(served))
    )


def departments() -> tuple[DepartmentDeadlines, ...]:
    rnd = random.Random(7)
    out = []
    for code, name in DEPARTMENTS:
        decided = rnd.randint(3, 20)
        out.append(
            DepartmentDeadlines(
                code, name, rnd.randint(2, 15), rnd.randint(0, 3), decided,
                decided - rnd.randint(0, 2), rnd.randint(0, 4),
            )
        )  # fmt: skip
    return tuple(out)


def hall_deadlines(rows: tuple[DepartmentDeadlines, ...]) -> DepartmentDeadlines:
    def total(attr: str) -> int:
        return sum(getattr(d, attr) for d in rows)

    return DepartmentDeadlines(
        "", "全厅", total("due"), total("overdue"), total("decided"), total("in_time"),
        total("pending_verifications"),
    )  # fmt: skip


REASONS = (
    "等候时间太长，叫号后窗口还在处理上一位。",
    "工作人员态度不好",
    "",
    "材料要求前后说法不一致，跑了两趟。需要一次性告知所有材料，并且在网上公布清单，"
    "方便群众提前准备。",
)


def low_ratings(n: int, day: date = DAY) -> tuple[LowRating, ...]:
    start = datetime(day.year, day.month, day.day, 9, 5, tzinfo=HALL_ZONE)
    return tuple(
        LowRating(
            at=start + timedelta(minutes=37 * i),
            ticket=f"A{i + 12:03d}",
            counter=f"C{i % 9 + 1:02d}",
            clerk=f"张敏{i}（clerk{i:02d}）",
            rating=1 + i % 2,
            reason=REASONS[i % len(REASONS)],
        )
        for i in range(n)
    )


def report(
    counters: int = 8, clerks: int = 10, categories: int = 4, lows: int = 4, **kw: object
) -> DailyReport:
    """A day of a hall with ``counters`` counters and ``clerks`` clerks."""
    rnd = random.Random(1)
    counter_rows = tuple(
        figures(f"C{i:02d}", f"窗口 C{i:02d}（{i} 号窗）", rnd) for i in range(1, counters + 1)
    )
    clerk_rows = tuple(
        figures(f"clerk{i:02d}", f"工作人员{i:03d}（clerk{i:02d}）", rnd, issued=0)
        for i in range(1, clerks + 1)
    )
    letters = "ABCDEFGHJK"
    category_rows = tuple(
        figures(letters[i], f"{letters[i]} 综合受理{i}", rnd, cases_accepted=0, items=0)
        for i in range(categories)
    )
    hall = figures(
        "", "全厅", rnd,
        issued=226, served=198, no_show=14, transferred=5,
        wait=spread(198, 11.46, 8.25, 12.3), handle=spread(198, 9.04, 7.5, 18.75),
        on_the_spot=23, items=61,
        by_mode=tuple(ModeCount(m, name, n) for (m, name), n in zip(MODES, (4, 9, 20, 28),
                                                                     strict=True)),
        rating_count=120, rating_mean=4.62, low_ratings=4, work=260, offline_work=13,
    )  # fmt: skip
    rows = departments()
    values: dict[str, object] = {
        "hall_name": HALL_NAME,
        "hall_code": "320305",
        "start": DAY,
        "end": DAY,
        "made_at": datetime(2026, 12, 1, 17, 42, tzinfo=HALL_ZONE),
        "made_by": "王丽",
        "hall": hall,
        "counters": counter_rows,
        "clerks": clerk_rows,
        "categories": category_rows,
        "per_hour": hours(),
        "waits": waits(),
        "deadlines": hall_deadlines(rows),
        "departments": rows,
        "low_ratings": low_ratings(lows),
        "source": "大厅服务器",
    }
    values.update(kw)
    return DailyReport(**values)  # type: ignore[arg-type]


def empty_report(**kw: object) -> DailyReport:
    """A day with nothing: no ticket, no case, no row in any table."""
    base = report(
        counters=0, clerks=0, categories=0, lows=0,
        hall=empty_figures(), per_hour=(), waits=waits((0,) * 8),
        deadlines=DepartmentDeadlines("", "全厅", 0, 0, 0, 0, 0), departments=(),
    )  # fmt: skip
    return replace(base, **kw)  # type: ignore[arg-type]
