"""The detail pane of the catalog browser, as escaped HTML built from views."""

from __future__ import annotations

from html import escape

from hall.core.i18n import N_, _
from hall.models.enums import ReformMode
from hall.services.catalog_views import CatalogSnapshot, ItemView, ScopeView
from hall.services.labels import level_name, mode_name, proof_name, risk_name, time_limit_text

MODE_COLOURS = {
    ReformMode.cancelled: "#6b7280",
    ReformMode.filing: "#0f766e",
    ReformMode.commitment: "#b45309",
    ReformMode.optimized: "#1d4ed8",
}

MODE_MEANING = {
    ReformMode.cancelled: N_("不再审批：告知申请人无需办理，不得要求提供该许可或相关证明。"),
    ReformMode.filing: N_("材料齐全即当场备案，不得不予备案。"),
    ReformMode.commitment: N_(
        "一次性告知许可条件，申请人书面承诺后当场作出决定，事后核查；失信主体不适用。"
    ),
    ReformMode.optimized: N_("精简材料、压缩时限、并联办理，按承诺时限审查办结。"),
}


def _row(label: str, value: str) -> str:
    head = f"<th align='left' valign='top' style='padding-right:12px'>{escape(label)}</th>"
    return f"<tr>{head}<td>{value}</td></tr>"


def _mode_badge(mode: ReformMode) -> str:
    return (
        f"<span style='color:{MODE_COLOURS[mode]};font-weight:bold'>"
        f"{escape(mode_name(mode))}</span>"
    )


def item_html(catalog: CatalogSnapshot, item: ItemView) -> str:
    limits = escape(time_limit_text(item))
    rows = [
        _row(_("事项编码"), escape(item.code)),
        _row(_("审批部门"), escape(item.department_name)),
        _row(_("设定层级"), escape(level_name(item.level))),
        _row(
            _("改革方式"),
            _mode_badge(item.reform_mode) + "<br>" + escape(_(MODE_MEANING[item.reform_mode])),
        ),
        _row(_("办理时限"), limits),
    ]
    if item.reform_mode is ReformMode.commitment and item.statutory_days:
        rows.append(
            _row(
                _("不适用承诺时"),
                escape(_("按一般程序，法定 {s} 个工作日").format(s=item.statutory_days)),
            )
        )
    if item.verification_days:
        rows.append(
            _row(_("事后核查"), escape(_("决定后 {n} 个工作日内").format(n=item.verification_days)))
        )
    if item.license_name:
        validity = _("，有效期 {n} 年").format(n=item.validity_years) if item.validity_years else ""
        rows.append(_row(_("证照名称"), escape(item.license_name + validity)))
    rows.append(_row(_("风险等级"), escape(risk_name(item.risk))))
    rows.append(_row(_("设定依据"), escape(item.legal_basis)))
    if item.measure:
        rows.append(_row(_("改革举措"), escape(item.measure)))
    parts = [f"<h2>{escape(item.name)}</h2><table>{''.join(rows)}</table>"]
    if item.conditions:
        parts.append(
            f"<h3>{escape(_('许可条件（告知承诺）'))}</h3><ol>"
            + "".join(f"<li>{escape(c)}</li>" for c in item.conditions)
            + "</ol>"
        )
    if item.materials:
        parts.append(
            f"<h3>{escape(_('申请材料'))}</h3><ol>"
            + "".join(
                f"<li>{escape(m.name)} — <i>{escape(proof_name(m.proof_mode))}</i>"
                + (f"（{escape(m.source)}）" if m.source else "")
                + "</li>"
                for m in item.materials
            )
            + "</ol>"
        )
    elif item.reform_mode is ReformMode.cancelled:
        parts.append(f"<p>{escape(_('不得要求申请人提交任何材料。'))}</p>")
    if item.fields:
        labels = [catalog.fields[k].label for k in item.fields if k in catalog.fields]
        parts.append(f"<h3>{escape(_('需填写的表单字段'))}</h3><p>{escape('、'.join(labels))}</p>")
    if item.scope_codes:
        entries = [catalog.scope[c] for c in item.scope_codes if c in catalog.scope]
        parts.append(
            f"<h3>{escape(_('对应经营范围'))}</h3><ul>"
            + "".join(f"<li>{escape(s.code)} {escape(s.text)}</li>" for s in entries)
            + "</ul>"
        )
    return "".join(parts)


def scope_html(catalog: CatalogSnapshot, entry: ScopeView) -> str:
    kind = _("许可项目") if entry.licensed else _("一般项目（无需许可）")
    rows = [_row(_("代码"), escape(entry.code)), _row(_("类型"), escape(kind))]
    if entry.industry:
        codes = _("、").join(c.strip() for c in entry.industry.replace("，", ",").split(","))
        rows.append(_row(_("国民经济行业"), escape(codes)))
    if entry.description:
        rows.append(_row(_("说明"), escape(entry.description)))
    parts = [f"<h2>{escape(entry.text)}</h2><table>{''.join(rows)}</table>"]
    if entry.items:
        parts.append(f"<h3>{escape(_('需办理的许可事项'))}</h3><ul>")
        for code in entry.items:
            item = catalog.items[code]
            parts.append(
                f"<li>{escape(item.name)}（{escape(item.department_name)}）— "
                f"{_mode_badge(item.reform_mode)}</li>"
            )
        parts.append("</ul>")
    return "".join(parts)
