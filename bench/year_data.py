"""A year of a large hall in one SQLite file, for the daily report's benchmark.

Every working day of 2026 (248, by the chinesecalendar package) gets up to 6,650
tickets with their queue events and up to 1,330 cases of one to three sub-cases with
their events: 1.5 million tickets, 6.2 million queue events, 301,000 cases, 526,000
sub-cases and 677,000 sub-case events, 2.6 GB, built in about 3 minutes. Mondays and
the days after a holiday are the busiest; :data:`DAY`, the day measured, has exactly
5,000 tickets and 1,200 cases.

The schema is the program's own: the demo hall is set up through the services on a
fresh file (migrations, bundled catalog, accounts, registry), then the year is written
with bare ``sqlite3`` ``executemany`` in one transaction, in the formats SQLAlchemy
writes (32 hex digits for a UUID, ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC for an instant,
enum values, ``json.dumps`` text). Indexes other than the keys are dropped for the load
and made again from their own ``CREATE INDEX`` text: one sort each, no extra index.

Figures are drawn, not simulated: waits of 0–60 minutes (skewed to the short), handling
of 3–25 minutes, 5 % no-shows, 3 % transfers (called twice), marks on 60 % of the
served tickets. Thirty counters could not serve 5,000 citizens a day at that pace; the
report never checks that a counter serves one citizen at a time. Material checks,
verification tasks and the audit trail of the year are not written (the report reads
none of them), except the few material checks that department verification requests
name.

The file is kept under ``bench/.cache/`` by schema revision and :data:`VERSION`; change
:data:`VERSION` whenever what is written changes. Run alone to build it:
``python -m bench.year_data``.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

VERSION = 3
SEED = 20261123
YEAR = 2026
DAY = date(2026, 11, 23)  # a Monday: the day measured
TICKETS_PER_DAY = 5000  # on DAY
CASES_PER_DAY = 1200
# The other days of the year, at their busiest: about 1.5 million tickets and 300,000
# cases in all (a large hall's year, with DAY an ordinary day of it).
YEAR_TICKETS_PER_DAY = 6650
YEAR_CASES_PER_DAY = 1330
CACHE = Path(__file__).parent / ".cache"
BIG_TABLES = ("ticket", "queue_event", "case", "sub_case", "sub_case_event")

UTC_OFFSET = 8 * 3600  # Asia/Shanghai, no daylight saving time
_CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(86400)]
_V4_MASK = (0xF000 << 64) | (0xC000 << 48)
_V4_BITS = (0x4000 << 64) | (0x8000 << 48)

# Categories: the demo's four and two a large hall adds; shares keep each under 999.
CATEGORIES = {"A": 18, "B": 18, "C": 16, "D": 14, "E": 17, "F": 17}
NEW_CATEGORIES = {"E": "社保医保", "F": "不动产登记"}
COUNTERS = [f"C{n:02d}" for n in range(1, 31)]
SERVES = {"A": COUNTERS[0:5], "B": COUNTERS[5:10], "C": COUNTERS[10:15],
          "D": COUNTERS[15:19], "E": COUNTERS[19:25], "F": COUNTERS[25:30]}  # fmt: skip
CASE_COUNTERS = COUNTERS[0:10]  # enterprise registration and licenses accept cases
GUIDES = (("G01", "guide01"), ("G02", "guide02"))
# Half hours from 08:30 to 17:00, local: the morning peak, lunch, the afternoon peak.
ARRIVALS = (6, 9, 10, 10, 9, 8, 7, 3, 2, 3, 7, 9, 9, 8, 7, 5, 3)
OPEN_SECOND = 8 * 3600 + 1800
SHIFT_CHANGE = 12 * 3600 + 2700  # 12:45: the afternoon clerk takes the counter
LOW_REASONS = (
    "等候时间太长，叫号屏上看不到还要等多久",
    "窗口说法和网上公布的材料清单不一致，跑了两趟",
    "要求补正的材料没有一次说清楚",
    "工作人员态度生硬",
)
MODES = {"cancelled": 15, "filing": 20, "commitment": 35, "optimized": 30}
ON_THE_SPOT = {"cancelled": "informed", "filing": "recorded", "commitment": "approved"}
NOTES = {
    "cancelled": "该事项已直接取消审批，无需办理。",
    "filing": "审批改为备案：材料齐全的当场办理备案。",
    "commitment": "告知承诺：申请人书面承诺符合许可条件后当场作出许可决定。",
    "optimized": "优化审批服务：按承诺时限审查办结。",
}
REJECTIONS = ("现场核查与申报材料不符", "经营场所不符合许可条件", "申请材料不齐全，逾期未补正")
REVIEWERS = {"SAMR": "reviewer01", "NMPA": "reviewer01", "NHC": "reviewer02",
             "MCT": "reviewer03", "MPS": "reviewer04", "FIRE": "reviewer05"}  # fmt: skip
VERIFIED_BY = (("消防安全检查合格证明", "消防救援机构"), ("不动产权属证明", "不动产登记中心"),
               ("无犯罪记录证明", "公安局"), ("卫生许可证明", "卫生健康委员会"))  # fmt: skip
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
_SCOPES = ("F1040", "H2002", "F3235", "H0101", "F9001", "L9003", "I9012", "R5001")

TICKET_COLUMNS = (
    "id", "day", "number", "category_id", "issued_at", "issued_by", "counter", "priority",
    "status", "appointment_id", "case_id", "for_counter", "called_counter", "called_by",
    "first_called_at", "last_called_at", "calls", "started_at", "finished_at", "rating",
    "rating_reason",
)  # fmt: skip
EVENT_COLUMNS = ("id", "ticket_id", "day", "kind", "at", "counter", "username", "detail",
                 "offline")  # fmt: skip
CASE_COLUMNS = (
    "id", "number", "applicant_id", "counter", "accepted_at", "accepted_on", "accepted_by",
    "catalog_version_id", "scope_codes", "answers", "status", "withdrawn_at",
    "withdrawn_reason", "credit_as_of", "credit_rechecked_at", "offline",
)  # fmt: skip
SUB_CASE_COLUMNS = (
    "id", "case_id", "position", "item_code", "item_name", "department_code",
    "department_name", "reform_mode", "route", "route_note", "because_of", "status",
    "statutory_days", "promised_days", "statutory_deadline", "promised_deadline",
    "deadline_provisional", "decided_at", "stopped_days", "claimed_by", "claimed_at",
    "decided_by", "decision_reason", "decision_basis",
)  # fmt: skip
SUB_EVENT_COLUMNS = ("id", "sub_case_id", "at", "by", "from_status", "to_status", "note")
MATERIAL_COLUMNS = ("id", "case_id", "position", "name", "proof_mode", "status", "item_codes",
                    "note", "key", "source", "due_date", "updated_at")  # fmt: skip
REQUEST_COLUMNS = ("id", "case_id", "material_id", "department", "requested_at",
                   "requested_by", "status", "answered_at", "answered_by", "answer")  # fmt: skip


def _insert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    department_code: str
    department_name: str
    mode: str
    statutory_days: int | None
    promised_days: int | None


@dataclass
class Rows:
    """One day's rows of every table, in the order of their ``*_COLUMNS``."""

    tickets: list[tuple[object, ...]] = field(default_factory=list)
    events: list[tuple[object, ...]] = field(default_factory=list)
    cases: list[tuple[object, ...]] = field(default_factory=list)
    sub_cases: list[tuple[object, ...]] = field(default_factory=list)
    sub_events: list[tuple[object, ...]] = field(default_factory=list)
    materials: list[tuple[object, ...]] = field(default_factory=list)
    requests: list[tuple[object, ...]] = field(default_factory=list)


def cache_folder() -> Path:
    """The data folder of the built year (hall.sqlite3 and settings.json in it)."""
    from hall.db.quick import HEAD

    return CACHE / f"year-{YEAR}-rev{HEAD}-v{VERSION}"


def year_folder() -> Path:
    """The data folder holding the year, built first when the cache has none."""
    folder = cache_folder()
    if (folder / "hall.sqlite3").exists():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"year-{YEAR}-*"):  # older schema or generator, or half built
        shutil.rmtree(stale)
    building = folder.with_name(folder.name + ".building")
    t0 = time.perf_counter()
    counts = build(building)
    building.rename(folder)
    print(
        f"year database built in {time.perf_counter() - t0:.0f} s: "
        + ", ".join(f"{n:,} {table}" for table, n in counts.items())
        + f" ({(folder / 'hall.sqlite3').stat().st_size / 2**20:,.0f} MiB, {folder})"
    )
    return folder


def workdays(year: int = YEAR) -> list[date]:
    import chinese_calendar

    first = date(year, 1, 1)
    days = (first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days))
    return [d for d in days if chinese_calendar.is_workday(d)]


def build(folder: Path) -> dict[str, int]:
    """The demo hall at ``folder`` (through the services), then the year written into it
    bare; the rows written per table."""
    _demo_hall(folder)
    with closing(sqlite3.connect(folder / "hall.sqlite3", isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-1000000")  # 1 GB: the key indexes take random ids
        db.execute("PRAGMA threads=2")
        db.execute("BEGIN")
        indexes = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' * len(BIG_TABLES))})",
            BIG_TABLES,
        ).fetchall()
        for name, _sql in indexes:
            db.execute(f'DROP INDEX "{name}"')
        year = Year(db, random.Random(SEED))
        year.reference_rows()
        counts = year.write()
        for _name, sql in indexes:
            db.execute(sql)
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode=WAL")  # as the program keeps it
    return counts


def _demo_hall(folder: Path) -> None:
    import keyring
    from keyring.backends import fail

    from hall.core.clock import HALL_ZONE, FixedClock
    from hall.core.paths import Paths
    from hall.services.context import open_context
    from hall.services.setup import initialise

    keyring.set_keyring(fail.Keyring())  # never the machine's own keyring
    shutil.rmtree(folder, ignore_errors=True)
    paths = Paths(data=folder, config=folder, logs=folder / "logs").ensure()
    # The demo's own day is the last working day of 2025: none of its rows meet the year.
    ctx = open_context(paths, clock=FixedClock(datetime(2025, 12, 31, 9, 0, tzinfo=HALL_ZONE)))
    try:
        initialise(ctx, demo=True, signing_key=False, demo_history=False)
    finally:
        ctx.close()


def stamp(day: str, local_second: int) -> str:
    """The stored text of ``day`` at ``local_second`` past midnight, hall time (UTC)."""
    utc = local_second - UTC_OFFSET
    assert 0 <= utc < 86400, "the hall's working hours stay within the UTC day"
    return f"{day} {_CLOCK[utc]}"


class Year:
    """Writes the year through ``db``, drawing everything from ``rnd``."""

    def __init__(self, db: sqlite3.Connection, rnd: random.Random) -> None:
        self.db, self.rnd = db, rnd
        self.days = workdays()
        self.index = {d: n for n, d in enumerate(self.days)}
        self.horizon = self.days[-1]  # nothing is decided or answered after it

    def uuid(self) -> str:
        return "%032x" % ((self.rnd.getrandbits(128) & ~_V4_MASK) | _V4_BITS)

    def reference_rows(self) -> None:
        """Two more categories, the thirty counters, sixty clerks and a second guide."""
        db = self.db
        last = db.execute("SELECT max(position) FROM queue_category").fetchone()[0]
        for n, (letter, name) in enumerate(NEW_CATEGORIES.items(), start=last + 1):
            db.execute(
                "INSERT INTO queue_category (id, letter, name, position, first_number, "
                "last_number, bring, slot_minutes, slot_capacity) "
                "VALUES (?, ?, ?, ?, 1, 999, '[]', 30, 4)",
                (self.uuid(), letter, name, n),
            )
        db.executemany(
            "INSERT INTO service_counter (id, code, window, categories, is_open, opened_at, "
            "opened_by) VALUES (?, ?, ?, ?, 0, NULL, '')",
            [
                (self.uuid(), code, str(int(code[1:])),
                 json.dumps([k for k, v in SERVES.items() if code in v]))
                for code in COUNTERS
            ],
        )  # fmt: skip
        template = db.execute(
            "SELECT password_hash, created_at FROM user_account WHERE username = 'clerk01'"
        ).fetchone()
        known = {u for (u,) in db.execute("SELECT username FROM user_account")}
        names = [s + g for s in _SURNAMES for g in _GIVEN]
        self.rnd.shuffle(names)
        users = [(f"clerk{n:02d}", names[n], "clerk") for n in range(1, 61)]
        users.append(("guide02", names[0], "guide"))
        db.executemany(
            "INSERT INTO user_account (id, username, display_name, role, password_hash, "
            "departments, active, must_change_password, created_at, failed_attempts) "
            "VALUES (?, ?, ?, ?, ?, '[]', 1, 0, ?, 0)",
            [(self.uuid(), u, name, role, *template) for u, name, role in users
             if u not in known],
        )  # fmt: skip
        self.categories = {
            letter: cid for cid, letter in db.execute("SELECT id, letter FROM queue_category")
        }
        [self.catalog] = db.execute(
            "SELECT id FROM catalog_version WHERE is_current = 1"
        ).fetchone()
        self.applicants = [
            (aid, json.dumps({"applicant_name": name, "uscc": code}))
            for aid, name, code in db.execute("SELECT id, name, code FROM applicant")
        ]
        items = [
            Item(*row)
            for row in db.execute(
                "SELECT p.code, p.name, d.code, d.name, p.reform_mode, p.statutory_days, "
                "p.promised_days FROM permit_item p JOIN department d ON d.id = p.department_id "
                "WHERE p.version_id = ? ORDER BY p.position",
                (self.catalog,),
            )
        ]
        self.items = {mode: [i for i in items if i.mode == mode] for mode in MODES}

    def clerk(self, counter: str, day: date, second: int) -> str:
        """The clerk at ``counter`` then: two a counter, who takes the morning alternates."""
        n = int(counter[1:])
        afternoon = (second >= SHIFT_CHANGE) ^ (day.toordinal() % 2 == 1)
        return f"clerk{2 * n - (0 if afternoon else 1):02d}"

    def busy(self, day: date) -> float:
        """The day's share of a busy day's crowd."""
        if day == DAY:
            return 1.0
        n = self.index[day]
        after_holiday = n > 0 and (day - self.days[n - 1]).days > 1 and day.weekday() != 0
        weekday = (1.0, 0.96, 0.94, 0.94, 0.9, 0.9, 0.9)[day.weekday()]  # 调休 Saturdays
        base = 1.0 if after_holiday else weekday
        return base * self.rnd.uniform(0.93, 0.995)

    def write(self) -> dict[str, int]:
        offline_days = dict.fromkeys(self.rnd.sample(self.days, 8), "")
        for d in offline_days:  # a counter cut off from the hall server for an afternoon
            offline_days[d] = self.rnd.choice(COUNTERS)
        statements = (
            ("ticket", TICKET_COLUMNS, "tickets"),
            ("queue_event", EVENT_COLUMNS, "events"),
            ("case", CASE_COLUMNS, "cases"),
            ("sub_case", SUB_CASE_COLUMNS, "sub_cases"),
            ("sub_case_event", SUB_EVENT_COLUMNS, "sub_events"),
            ("material_check", MATERIAL_COLUMNS, "materials"),
            ("verification_request", REQUEST_COLUMNS, "requests"),
        )
        counts = dict.fromkeys((table for table, _c, _a in statements), 0)
        for day in self.days:
            rows = Rows()
            share = self.busy(day)
            offline = offline_days.get(day, "")
            tickets, cases = (
                (TICKETS_PER_DAY, CASES_PER_DAY)
                if day == DAY
                else (round(YEAR_TICKETS_PER_DAY * share), round(YEAR_CASES_PER_DAY * share))
            )
            self.queue_day(rows, day, tickets, offline)
            self.cases_day(rows, day, cases, offline)
            for table, columns, attr in statements:
                batch = getattr(rows, attr)
                self.db.executemany(_insert(table, columns), batch)
                counts[table] += len(batch)
        return counts

    def queue_day(self, rows: Rows, day: date, n: int, offline: str) -> None:
        rnd = self.rnd
        d = day.isoformat()
        slots = rnd.choices(range(len(ARRIVALS)), weights=ARRIVALS, k=n)
        issued_at = sorted(OPEN_SECOND + 1800 * s + rnd.randrange(1800) for s in slots)
        letters = rnd.choices(list(CATEGORIES), weights=list(CATEGORIES.values()), k=n)
        numbers = dict.fromkeys(CATEGORIES, 0)
        for issued, letter in zip(issued_at, letters, strict=True):
            numbers[letter] += 1
            self.ticket(rows, d, day, issued, letter, numbers[letter], offline)

    def ticket(
        self, rows: Rows, d: str, day: date, issued: int, letter: str, number: int, offline: str
    ) -> None:
        rnd, uuid, events = self.rnd, self.uuid, rows.events
        tid = uuid()
        desk, guide = GUIDES[issued % 2]
        events.append((uuid(), tid, d, "issued", stamp(d, issued), desk, guide, "{}", 0))
        counter = rnd.choice(SERVES[letter])
        call = issued + int(3600 * rnd.betavariate(1.2, 4.5))
        clerk = self.clerk(counter, day, call)
        off = int(counter == offline and call >= SHIFT_CHANGE)
        roll = rnd.random()
        if roll < 0.05:  # called twice in vain
            recall = call + rnd.randint(40, 120)
            gone = recall + rnd.randint(40, 120)
            events += [
                (uuid(), tid, d, "called", stamp(d, call), counter, clerk, "{}", off),
                (uuid(), tid, d, "recalled", stamp(d, recall), counter, clerk, '{"calls": 2}', off),
                (uuid(), tid, d, "no_show", stamp(d, gone), counter, clerk, '{"calls": 2}', off),
            ]  # fmt: skip
            rows.tickets.append((
                tid, d, f"{letter}{number:03d}", self.categories[letter], stamp(d, issued),
                guide, desk, "", "no_show", None, None, None, counter, clerk, stamp(d, call),
                stamp(d, recall), 2, None, stamp(d, gone), None, "",
            ))  # fmt: skip
            return
        if roll < 0.08:  # started, then sent on to another counter of the category
            started = call + rnd.randint(20, 120)
            sent = started + rnd.randint(60, 300)
            to = rnd.choice([c for c in SERVES[letter] if c != counter])
            detail = json.dumps({"from_category": letter, "to_category": letter, "to_counter": to})
            events += [
                (uuid(), tid, d, "called", stamp(d, call), counter, clerk, "{}", off),
                (uuid(), tid, d, "started", stamp(d, started), counter, clerk, "{}", off),
                (uuid(), tid, d, "transferred", stamp(d, sent), counter, clerk, detail, off),
            ]  # fmt: skip
            counter, call = to, sent + int(900 * rnd.betavariate(1.2, 4))
            clerk = self.clerk(counter, day, call)
            off = int(counter == offline and call >= SHIFT_CHANGE)
        started = call + rnd.randint(20, 120)
        finished = started + int(60 * (3 + 22 * rnd.betavariate(1.6, 3.5)))
        rating, reason = None, ""
        if rnd.random() < 0.6:
            if rnd.random() < 0.03:
                rating, reason = rnd.choice((1, 2)), rnd.choice(LOW_REASONS)
            else:
                rating = rnd.choice((5, 5, 5, 5, 5, 5, 4, 4, 3))
        events += [
            (uuid(), tid, d, "called", stamp(d, call), counter, clerk, "{}", off),
            (uuid(), tid, d, "started", stamp(d, started), counter, clerk, "{}", off),
            (uuid(), tid, d, "served", stamp(d, finished), counter, clerk,
             "{}" if rating is None else f'{{"rating": {rating}}}', off),
        ]  # fmt: skip
        roll = rnd.random()
        priority = "elderly" if roll < 0.05 else "disabled" if roll < 0.06 else ""
        rows.tickets.append((
            tid, d, f"{letter}{number:03d}", self.categories[letter], stamp(d, issued), guide,
            desk, priority, "served", None, None, None, counter, clerk, stamp(d, call),
            stamp(d, call), 1, stamp(d, started), stamp(d, finished), rating, reason,
        ))  # fmt: skip

    def later(self, day: date, workdays: int) -> date | None:
        """The working day ``workdays`` after ``day``; None past the year's last."""
        n = self.index[day] + workdays
        return self.days[n] if n < len(self.days) else None

    def deadline(self, day: date, workdays: int) -> date:
        """As :meth:`later`, counting on into next year's weekdays (deadlines run on)."""
        n = self.index[day] + workdays
        if n < len(self.days):
            return self.days[n]
        out, left = self.horizon, n - len(self.days) + 1
        while left:
            out += timedelta(days=1)
            left -= out.weekday() < 5
        return out

    def cases_day(self, rows: Rows, day: date, n: int, offline: str) -> None:
        rnd = self.rnd
        d = day.isoformat()
        ymd = day.strftime("%Y%m%d")
        seq = dict.fromkeys(CASE_COUNTERS, 0)
        accepted = sorted(OPEN_SECOND + 900 + rnd.randrange(8 * 3600 + 900) for _ in range(n))
        for at in accepted:
            counter = rnd.choice(CASE_COUNTERS)
            seq[counter] += 1
            clerk = self.clerk(counter, day, at)
            cid = self.uuid()
            applicant, answers = rnd.choice(self.applicants)
            k = rnd.choices((1, 2, 3), weights=(45, 35, 20))[0]
            modes = rnd.choices(list(MODES), weights=list(MODES.values()), k=k)
            scope = sorted(set(rnd.choices(_SCOPES, k=k)))
            open_ = False
            for position, mode in enumerate(modes):
                open_ |= self.sub_case(rows, cid, position, mode, day, d, at, clerk, scope)
            off = int(counter == offline and at >= SHIFT_CHANGE)
            rows.cases.append((
                cid, f"{counter}-{ymd}-{seq[counter]:04d}", applicant, counter, stamp(d, at), d,
                clerk, self.catalog, json.dumps(scope), answers,
                "accepted" if open_ else "closed", None, None, None, None, off,
            ))  # fmt: skip
            if rnd.random() < 0.01:
                self.verification(rows, cid, day, d, at, clerk)

    def sub_case(
        self, rows: Rows, cid: str, position: int, mode: str, day: date, d: str, at: int,
        clerk: str, scope: list[str],
    ) -> bool:  # fmt: skip
        """One sub-case and its events; True while it is still under review."""
        rnd = self.rnd
        item = rnd.choice(self.items[mode])
        sid = self.uuid()
        accepted = stamp(d, at)
        because = json.dumps(scope[:1])
        dept = (item.code, item.name, item.department_code, item.department_name)
        if mode in ON_THE_SPOT:
            status = ON_THE_SPOT[mode]
            rows.sub_cases.append((
                sid, cid, position, *dept, mode, mode, NOTES[mode], because, status,
                None, None, None, None, 0, None if mode == "cancelled" else accepted, 0,
                None, None, None, None, None,
            ))  # fmt: skip
            rows.sub_events.append((self.uuid(), sid, accepted, clerk, None, status, NOTES[mode]))
            return False
        promised = item.promised_days or item.statutory_days or 10
        statutory = item.statutory_days or promised
        rows.sub_events.append(
            (self.uuid(), sid, accepted, clerk, None, "under_review", NOTES[mode])
        )
        roll = rnd.random()
        if roll < 0.01:  # forgotten in a department's inbox
            decided_on = None
        elif roll < 0.06:  # decided late
            decided_on = self.later(day, promised + rnd.randint(1, 5))
        else:
            decided_on = self.later(day, rnd.randint(1, promised))
        outcome: str | None = None
        decided_at = reviewer = reason = claimed = None
        if decided_on is not None:
            reviewer = REVIEWERS.get(item.department_code, f"{item.department_code.lower()}01")
            second = 9 * 3600 + rnd.randrange(8 * 3600 + 1800)
            rejected = rnd.random() < 0.1
            outcome = "rejected" if rejected else "approved"
            reason = rnd.choice(REJECTIONS) if rejected else "审查通过"
            decided_on_s = decided_on.isoformat()
            decided_at = stamp(decided_on_s, second)
            claimed = stamp(decided_on_s, second - rnd.randint(300, 1800))
            rows.sub_events.append(
                (self.uuid(), sid, decided_at, reviewer, "under_review", outcome, reason)
            )
        rows.sub_cases.append((
            sid, cid, position, *dept, mode, mode, NOTES[mode], because,
            outcome or "under_review", statutory, promised,
            self.deadline(day, statutory).isoformat(), self.deadline(day, promised).isoformat(),
            0, decided_at, 0, reviewer, claimed, reviewer, reason, None,
        ))  # fmt: skip
        return decided_on is None

    def verification(self, rows: Rows, cid: str, day: date, d: str, at: int, clerk: str) -> None:
        """A material checked with the department that holds the fact (部门核验)."""
        rnd = self.rnd
        name, department = rnd.choice(VERIFIED_BY)
        mid = self.uuid()
        asked = stamp(d, at + 300)
        answered_on = None if rnd.random() < 0.03 else self.later(day, rnd.randint(1, 3))
        answered = None
        if answered_on is not None:
            answered = stamp(answered_on.isoformat(), 10 * 3600 + rnd.randrange(6 * 3600))
        rows.materials.append((
            mid, cid, 0, name, "department_verification",
            "verification_requested" if answered is None else "verified", "[]", "", 0,
            None, None, answered or asked,
        ))  # fmt: skip
        rows.requests.append((
            self.uuid(), cid, mid, department, asked, clerk,
            "pending" if answered is None else "confirmed", answered,
            None if answered is None else f"{department}核验员", "" if answered is None else "属实",
        ))  # fmt: skip


if __name__ == "__main__":
    print(year_folder())
