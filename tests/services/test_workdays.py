from datetime import date

import chinese_calendar
import pytest

from hall.core.errors import ImportRejected
from hall.services.calendar import import_calendar, parse_calendar
from hall.services.workdays import WorkdayCalendar

CAL_2027 = b"""{
  "format": "hall-calendar/1", "year": 2027, "label": "test schedule for 2027",
  "holidays": [
    {"name": "\\u5143\\u65e6", "from": "2027-01-01", "to": "2027-01-03"},
    {"name": "\\u6625\\u8282", "from": "2027-02-06", "to": "2027-02-13"}
  ],
  "workdays": [{"name": "\\u6625\\u8282\\u8c03\\u4f11", "date": "2027-02-14"}]
}"""


def test_national_day_2025_skips_the_holiday_and_counts_the_adjusted_saturday() -> None:
    cal = WorkdayCalendar()
    # Accepted Tuesday 30 Sept 2025: 1-8 Oct off, Thu 9 and Fri 10 work, Sat 11 Oct worked.
    assert cal.add_workdays(date(2025, 9, 30), 1).day == date(2025, 10, 9)
    assert cal.add_workdays(date(2025, 9, 30), 3).day == date(2025, 10, 11)
    assert cal.add_workdays(date(2025, 9, 30), 4).day == date(2025, 10, 13)
    # Sunday 28 Sept was an adjusted working day.
    assert cal.is_workday(date(2025, 9, 28))
    assert cal.add_workdays(date(2025, 9, 26), 1).day == date(2025, 9, 28)


def test_spring_festival_2026_deadline_with_adjusted_saturdays() -> None:
    cal = WorkdayCalendar()
    # Fri 13 Feb 2026: Sat 14 Feb worked, 15-23 Feb off, Sat 28 Feb worked.
    deadline = cal.add_workdays(date(2026, 2, 13), 1)
    assert deadline.day == date(2026, 2, 14)
    assert not deadline.provisional
    assert cal.add_workdays(date(2026, 2, 13), 2).day == date(2026, 2, 24)
    assert cal.add_workdays(date(2026, 2, 13), 6).day == date(2026, 2, 28)
    assert cal.add_workdays(date(2026, 2, 13), 7).day == date(2026, 3, 2)
    assert cal.day(date(2026, 2, 17)).name == "春节"


def test_start_on_a_holiday_counts_from_the_next_working_day_unlike_find_workday() -> None:
    cal = WorkdayCalendar()
    start = date(2025, 10, 1)  # a holiday
    assert cal.add_workdays(start, 1).day == date(2025, 10, 9)
    # The library's own helper counts differently from a non-working start day.
    assert chinese_calendar.find_workday(1, start) == date(2025, 10, 10)


def test_a_year_nobody_knows_falls_back_to_weekdays_and_is_provisional() -> None:
    cal = WorkdayCalendar()
    assert not cal.knows(2027)
    deadline = cal.add_workdays(date(2026, 12, 24), 20)
    assert deadline.provisional
    # Mon-Fri only in January 2027: 1 Jan counts as a working day until the year is loaded.
    assert deadline.day == date(2027, 1, 21)
    inside_known_year = cal.add_workdays(date(2026, 11, 23), 5)
    assert not inside_known_year.provisional


def test_imported_year_takes_precedence_and_removes_provisional(ctx, operator) -> None:
    before = ctx.calendar().add_workdays(date(2026, 12, 24), 20)
    assert before.provisional
    imported, changes = import_calendar(ctx, operator, CAL_2027, "2027.json")
    assert changes.calendar
    assert imported.schedule.holidays == 11 and imported.schedule.adjusted_workdays == 1
    after = ctx.calendar().add_workdays(date(2026, 12, 24), 20)
    assert not after.provisional
    # 25,28-31 Dec (5); 1 Jan holiday; 4-8 (10), 11-15 (15), 18-22 (20)
    assert after.day == date(2027, 1, 22)
    assert ctx.calendar().is_workday(date(2027, 2, 14))  # adjusted Sunday
    assert not ctx.calendar().is_workday(date(2027, 2, 8))  # Monday in the holiday


def test_import_beats_the_bundled_package_for_a_known_year(ctx, operator) -> None:
    raw = (
        b'{"format": "hall-calendar/1", "year": 2026, "label": "x", '
        b'"holidays": [{"name": "h", "from": "2026-11-24", "to": "2026-11-24"}], "workdays": []}'
    )
    import_calendar(ctx, operator, raw, "2026.json")
    assert not ctx.calendar().is_workday(date(2026, 11, 24))
    # Days the file does not list are plain weekdays/weekends: 2026's own holidays no longer apply.
    assert ctx.calendar().is_workday(date(2026, 2, 16))


@pytest.mark.parametrize(
    ("raw", "place"),
    [
        (b"not json", "第1行第1列"),
        (b'{"format": "hall-calendar/1", "year": 1999, "holidays": [], "workdays": []}', "$.year"),
        (
            b'{"format": "hall-calendar/1", "year": 2027, "holidays": '
            b'[{"name": "x", "from": "2028-03-01", "to": "2028-03-02"}], "workdays": []}',
            "holidays[0].from",
        ),
        (
            b'{"format": "hall-calendar/1", "year": 2027, "holidays": [], '
            b'"workdays": [{"name": "x", "date": "2027-02-10"}]}',
            "workdays[0].date",
        ),
        (
            b'{"format": "hall-calendar/1", "year": 2027, "holidays": '
            b'[{"name": "x", "from": "2027-02-09", "to": "2027-02-01"}], "workdays": []}',
            "holidays[0].to",
        ),
    ],
)
def test_bad_calendar_files_are_refused_with_the_place(raw: bytes, place: str) -> None:
    with pytest.raises(ImportRejected) as info:
        parse_calendar(raw)
    assert any(p.place == place for p in info.value.problems), info.value.problems


def test_refused_calendar_writes_nothing(ctx, operator) -> None:
    bad = CAL_2027.replace(b"2027-02-14", b"2027-02-15")  # a Monday as adjusted workday
    with pytest.raises(ImportRejected):
        import_calendar(ctx, operator, bad, "bad.json")
    assert ctx.calendar().imported_years == frozenset()


def test_a_year_without_holidays_or_label_is_refused() -> None:
    with pytest.raises(ImportRejected) as info:
        parse_calendar(b'{"format": "hall-calendar/1", "year": 2026}')
    places = {p.place for p in info.value.problems}
    assert {"$.label", "$.holidays", "$.workdays"} <= places
    with pytest.raises(ImportRejected, match="1处错误") as info:
        parse_calendar(
            b'{"format": "hall-calendar/1", "year": 2027, "label": "x", '
            b'"holidays": [], "workdays": []}'
        )
    assert "没有列出任何假日" in info.value.problems[0].reason


def test_boundary_days_of_a_notice_apply_to_the_neighbouring_year(ctx, operator) -> None:
    # Like the 2019 notice: 30 Dec 2018 - 1 Jan 2019 off, Saturday 29 Dec 2018 worked.
    raw = (
        '\ufeff{"format": "hall-calendar/1", "year": 2027, "label": "跨年",'
        ' "holidays": [{"name": "元旦", "from": "2026-12-31", "to": "2027-01-01"}],'
        ' "workdays": [{"name": "元旦调休", "date": "2026-12-26"}]}'
    ).encode()
    import_calendar(ctx, operator, raw, "bom.json")  # a byte-order mark is fine
    cal = ctx.calendar()
    assert not cal.is_workday(date(2026, 12, 31))
    assert cal.is_workday(date(2026, 12, 26))  # a Saturday
    assert cal.is_workday(date(2026, 12, 30))  # the package still rules the rest of 2026
