"""The demo hall's previous working day at the queue: about seventy citizens from 08:30 to
17:00 at two counters, with their waits, no-shows, a transfer and the ratings they
gave, and three applications accepted between them, made through the services on a
clock that runs through that day. The supervisor's dashboard and daily report then
have a day worth reading."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from hall.core.clock import Clock, FixedClock
from hall.models.enums import Priority, Role
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.demo_cases import DemoCase, accept_demo_case
from hall.services.queue import issue_ticket
from hall.services.queue_calls import call_next, finish, mark_no_show, start_serving, transfer

GUIDE = Actor("guide01", Role.guide, "G01", "王芳")
CLERKS = (Actor("clerk01", Role.clerk, "C01", "张敏"), Actor("clerk02", Role.clerk, "C02", "李娜"))
OPEN, CLOSE = time(8, 30), time(17, 0)
LUNCH = (time(12, 0), time(13, 30))  # fewer citizens come
# What citizens come for: enterprise registration, licenses, pickups, questions.
LETTERS = "AAABBBBCCD"
# Accepted that day at C01, at these minutes after opening: a dumpling shop (its
# small-eatery registration approved by the market regulator since), a care home's
# canteen on commitment, a convenience store's filings.
CASES = (
    (45, DemoCase("92320305MA1WA0QX8J", ("H2003",), ("SAMR-004",))),
    (150, DemoCase("91320305MA258UE18E", ("H2002", "F1040"))),
    (330, DemoCase("92320305MA22CDL824", ("F1040", "F2077", "F1201"))),
)
LOW_REASONS = (
    "等候时间太长，叫号屏上看不到还要等多久",
    "窗口说法和网上公布的材料清单不一致，跑了两趟",
    "要求补正的材料没有一次说清楚",
)


def previous_workday(ctx: AppContext, day: date) -> date:
    calendar = ctx.calendar()
    before = day - timedelta(days=1)
    while not calendar.is_workday(before):
        before -= timedelta(days=1)
    return before


def _arrives(rnd: random.Random, now: time) -> bool:
    quiet = LUNCH[0] <= now < LUNCH[1]
    return rnd.random() < (0.06 if quiet else 0.16)


def simulate_queue_day(
    ctx: AppContext, day: date, people: Sequence[str], seed: int = 20261120
) -> int:
    """Run the queue of ``day`` minute by minute, accepting :data:`CASES` on the way
    (their legal representatives' ID numbers from ``people``); the number of tickets
    issued. The context's clock is moved through the day and put back afterwards:
    ``ctx`` must work on its own database (not a counter linked to a hall server, whose
    context there keeps a clock of its own)."""
    if ctx.link is not None:
        raise ValueError("the demo's queue day runs where the queue's database is")
    rnd = random.Random(seed)
    real: Clock = ctx.clock
    clock = FixedClock(datetime.combine(day, OPEN, real.zone), real.zone)
    ctx.clock = clock
    issued = 0
    busy: dict[str, datetime | None] = {c.username: None for c in CLERKS}
    transferred = False
    cases = dict(CASES)
    try:
        for minute in itertools.count():
            now = clock.now().astimezone(real.zone)
            if now.time() >= CLOSE:
                break
            if minute in cases:
                accept_demo_case(ctx, cases[minute], people[minute % len(people)])
            if _arrives(rnd, now.time()) and now.time() < time(16, 45):
                elderly = rnd.random() < 0.06
                issue_ticket(
                    ctx, GUIDE, rnd.choice(LETTERS), Priority.elderly if elderly else Priority.none
                )
                issued += 1
            for clerk in CLERKS:
                done = busy[clerk.username]
                if done is not None and clock.now() >= done:
                    if not transferred and clerk is CLERKS[0] and now.hour >= 10:
                        transfer(ctx, clerk, to_counter=CLERKS[1].counter, counter=clerk.counter)
                        transferred = True
                    else:
                        _finish(ctx, clerk, rnd)
                    busy[clerk.username] = None
                if busy[clerk.username] is None:
                    busy[clerk.username] = _call(ctx, clerk, rnd, clock)
            clock.advance(timedelta(minutes=1))
        for clerk in CLERKS:  # the last citizens are served after the doors close
            if busy[clerk.username] is not None:
                clock.advance(timedelta(minutes=5))
                _finish(ctx, clerk, rnd)
    finally:
        ctx.clock = real
    return issued


def _call(ctx: AppContext, clerk: Actor, rnd: random.Random, clock: FixedClock) -> datetime | None:
    called, _changes = call_next(ctx, clerk, clerk.counter)
    if called is None:
        return None
    if rnd.random() < 0.05:  # called in vain
        mark_no_show(ctx, clerk, clerk.counter)
        return None
    start_serving(ctx, clerk, clerk.counter)
    return clock.now() + timedelta(minutes=rnd.choice((4, 5, 6, 8, 9, 10, 12, 14, 16, 20, 25)))


def _finish(ctx: AppContext, clerk: Actor, rnd: random.Random) -> None:
    roll = rnd.random()
    if roll < 0.3:
        finish(ctx, clerk, counter=clerk.counter)  # no mark given
    elif roll < 0.34:
        finish(ctx, clerk, rnd.choice((1, 2)), rnd.choice(LOW_REASONS), counter=clerk.counter)
    else:
        finish(ctx, clerk, rnd.choice((5, 5, 5, 5, 4, 4, 3)), counter=clerk.counter)
