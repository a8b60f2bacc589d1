"""The daily report as data for other programs: JSON for scripts, CSV and XLSX for the
spreadsheet the hall's office keeps. One table of columns serves CSV and XLSX alike, so
the two never disagree; the JSON keeps the report's own structure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hall.core.i18n import _
from hall.printing.report_data import DailyReport, DepartmentDeadlines, Figures, Spread


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _spread_json(s: Spread) -> dict[str, Any]:
    return {
        "count": s.count,
        "mean": _round(s.mean),
        "median": _round(s.median),
        "p90": _round(s.p90),
    }


def figures_json(f: Figures) -> dict[str, Any]:
    return {
        "key": f.key,
        "label": f.label,
        "tickets": {
            "issued": f.issued,
            "served": f.served,
            "no_show": f.no_show,
            "transferred": f.transferred,
        },
        "served": f.served,
        "wait_minutes": _spread_json(f.wait),
        "handle_minutes": _spread_json(f.handle),
        "cases": {
            "accepted": f.cases_accepted,
            "items": f.items,
            "by_mode": {m.mode: m.count for m in f.by_mode},
            "on_the_spot": f.on_the_spot,
            "on_the_spot_share": _round(f.on_the_spot_share, 4),
        },
        "satisfaction": {
            "mean": _round(f.rating_mean, 2),
            "count": f.rating_count,
            "low": f.low_ratings,
        },
        "offline": {"work": f.work, "offline": f.offline_work, "share": _round(f.offline_share, 4)},
    }


def _deadlines_json(d: DepartmentDeadlines) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "due": d.due,
        "overdue": d.overdue,
        "decided": d.decided,
        "in_time": d.in_time,
        "in_time_share": _round(d.in_time_share, 4),
        "pending_verifications": d.pending_verifications,
    }


def report_json(r: DailyReport) -> dict[str, Any]:
    """The report as JSON-ready data: the hall's figures at the top level (``tickets``,
    ``wait_minutes`` …), the breakdowns under ``counters``, ``clerks``, ``categories``."""
    hall = figures_json(r.hall)
    return {
        "date": r.start.isoformat(),
        "end": r.end.isoformat(),
        "hall": {"name": r.hall_name, "code": r.hall_code},
        "made_at": r.made_at.isoformat(),
        "made_by": r.made_by,
        "source": r.source,
        "tickets": hall["tickets"],
        "wait_minutes": hall["wait_minutes"],
        "handle_minutes": hall["handle_minutes"],
        "cases": hall["cases"],
        "subcases": {
            **_deadlines_json(r.deadlines),
            "departments": [_deadlines_json(d) for d in r.departments],
        },
        "satisfaction": {
            **hall["satisfaction"],
            "low_reasons": [
                {
                    "at": low.at.isoformat(),
                    "ticket": low.ticket,
                    "counter": low.counter,
                    "clerk": low.clerk,
                    "rating": low.rating,
                    "reason": low.reason,
                }
                for low in r.low_ratings
            ],
        },
        "offline": hall["offline"],
        "per_hour": [{"hour": h.hour, "issued": h.issued, "served": h.served} for h in r.per_hour],
        "wait_distribution": [{"low": b.low, "high": b.high, "count": b.count} for b in r.waits],
        "counters": [{"counter": f.key, **figures_json(f)} for f in r.counters],
        "clerks": [{"clerk": f.key, **figures_json(f)} for f in r.clerks],
        "categories": [{"category": f.key, **figures_json(f)} for f in r.categories],
    }


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Figures], object]


def _minutes(value: float | None) -> float | None:
    return _round(value)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _mode_count(index: int) -> Callable[[Figures], object]:
    return lambda f: f.by_mode[index].count


def figure_columns(r: DailyReport) -> list[Column]:
    """The columns of a breakdown row, titled in the reader's language (a column per
    reform mode, titled by the report's own labels)."""
    cols = [
        Column(_("排队号 发放"), lambda f: f.issued),
        Column(_("已办结"), lambda f: f.served),
        Column(_("未到"), lambda f: f.no_show),
        Column(_("转出"), lambda f: f.transferred),
        Column(_("等候 平均（分钟）"), lambda f: _minutes(f.wait.mean)),
        Column(_("等候 中位数"), lambda f: _minutes(f.wait.median)),
        Column(_("等候 90 分位"), lambda f: _minutes(f.wait.p90)),
        Column(_("办理 平均（分钟）"), lambda f: _minutes(f.handle.mean)),
        Column(_("办理 中位数"), lambda f: _minutes(f.handle.median)),
        Column(_("办理 90 分位"), lambda f: _minutes(f.handle.p90)),
        Column(_("受理件数"), lambda f: f.cases_accepted),
        Column(_("事项数"), lambda f: f.items),
    ]
    cols += [
        Column(_("事项 {mode}").format(mode=m.label), _mode_count(index))
        for index, m in enumerate(r.hall.by_mode)
    ]
    cols += [
        Column(_("当场办结率（%）"), lambda f: _share(f.on_the_spot_share)),
        Column(_("评价数"), lambda f: f.rating_count),
        Column(_("平均评分"), lambda f: _round(f.rating_mean, 2)),
        Column(_("差评数"), lambda f: f.low_ratings),
        Column(_("离线办理占比（%）"), lambda f: _share(f.offline_share)),
    ]
    return cols


def figure_rows(r: DailyReport) -> tuple[list[str], list[list[object]]]:
    """The breakdown table: a header and one row per hall, counter, clerk and category."""
    cols = figure_columns(r)
    header = [_("分组"), _("编码"), _("名称"), *(c.title for c in cols)]
    groups = (
        (_("全厅"), (r.hall,)),
        (_("窗口"), r.counters),
        (_("人员"), r.clerks),
        (_("业务类别"), r.categories),
    )
    rows = [
        [group, f.key, f.label, *(c.value(f) for c in cols)] for group, figs in groups for f in figs
    ]
    return header, rows


def _csv_cell(value: object) -> object:
    """A cell for the CSV: empty for nothing, and text that a spreadsheet would take for
    a formula (=, +, -, @ first) kept as text with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def report_csv(r: DailyReport) -> bytes:
    """The breakdown table as CSV, UTF-8 with a byte-order mark (so a spreadsheet opens
    the Chinese right); an empty cell where a figure has nothing to measure."""
    header, rows = figure_rows(r)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def _text(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:.1f}{unit}"


def summary_rows(r: DailyReport) -> list[list[object]]:
    """The hall's figures as (what, value) lines, for the workbook's first sheet."""
    h, d = r.hall, r.deadlines
    period = r.start.isoformat() if r.one_day else f"{r.start.isoformat()} – {r.end.isoformat()}"
    rows: list[list[object]] = [
        [_("大厅"), r.hall_name],
        [_("统计期间"), period],
        [_("制表时间"), r.made_at.strftime("%Y-%m-%d %H:%M")],
        [_("制表人"), r.made_by],
        [_("数据来源"), r.source],
        [_("发放排队号"), h.issued],
        [_("已办结"), h.served],
        [_("未到"), h.no_show],
        [_("转出"), h.transferred],
        [_("等候时间（分钟）：平均 / 中位数 / 90 分位"),
         " / ".join(_text(v) for v in (h.wait.mean, h.wait.median, h.wait.p90))],
        [_("办理时间（分钟）：平均 / 中位数 / 90 分位"),
         " / ".join(_text(v) for v in (h.handle.mean, h.handle.median, h.handle.p90))],
        [_("受理件数"), h.cases_accepted],
        *([_("事项 {mode}").format(mode=m.label), m.count] for m in h.by_mode),
        [_("当场办结率（%）"), _share(h.on_the_spot_share)],
        [_("期内到期事项"), d.due],
        [_("超期未办结事项"), d.overdue],
        [_("期内办结事项"), d.decided],
        [_("按时办结率（%）"), _share(d.in_time_share)],
        [_("待部门核验"), d.pending_verifications],
        [_("评价数"), h.rating_count],
        [_("平均评分"), _round(h.rating_mean, 2)],
        [_("差评数"), h.low_ratings],
        [_("离线办理占比（%）"), _share(h.offline_share)],
    ]  # fmt: skip
    return rows
