"""The notification (告知书) for a commitment item: the conditions, what the applicant
undertakes, the verification that follows and the consequences of a false commitment.
The counter shows it before the applicant signs; the commitment letter prints it."""

from __future__ import annotations

from dataclasses import dataclass

from hall.core.i18n import _
from hall.services.catalog_views import ItemView


@dataclass(frozen=True)
class Notification:
    item_code: str
    item_name: str
    department: str
    legal_basis: str
    conditions: tuple[str, ...]
    obligations: tuple[str, ...]
    verification: str
    consequences: tuple[str, ...]


def notification(item: ItemView) -> Notification:
    """What the hall tells the applicant of a commitment item, in the catalog's words."""
    days = item.verification_days or 0
    return Notification(
        item_code=item.code,
        item_name=item.name,
        department=item.department_name,
        legal_basis=item.legal_basis,
        conditions=item.conditions,
        obligations=(
            _("所填报的信息和提交的材料真实、准确、完整，不存在虚假内容；"),
            _("已经知晓告知的全部内容，现已符合上述许可条件；"),
            _("在取得许可后持续符合许可条件，并接受主管部门的核查和监督；"),
            _("愿意承担不实承诺、违反承诺的法律责任。"),
        ),
        verification=_(
            "{department}将在作出许可决定后{days}个工作日内对承诺内容进行核查（现场检查或书面核查）。"
        ).format(department=item.department_name, days=days),
        consequences=(
            _(
                "经核查不符合许可条件的，责令限期整改；逾期不整改或整改后仍不符合条件的，依法撤销许可决定；"
            ),
            _(
                "申请人作出虚假承诺的，依法撤销许可决定，记入信用记录，并在信用修复前不得适用告知承诺方式；"
            ),
            _("因虚假承诺给他人造成损失的，依法承担相应的法律责任。"),
        ),
    )
