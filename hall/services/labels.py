"""The words a person sees for each value of the domain's vocabularies."""

from __future__ import annotations

from hall.core.i18n import N_, _
from hall.models.enums import (
    CaseStatus,
    ItemLevel,
    MaterialStatus,
    ProofMode,
    ReformMode,
    RequestStatus,
    Risk,
    Route,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services.catalog_views import ItemView

_MODES = {
    ReformMode.cancelled: N_("直接取消审批"),
    ReformMode.filing: N_("审批改为备案"),
    ReformMode.commitment: N_("实行告知承诺"),
    ReformMode.optimized: N_("优化审批服务"),
}
_ROUTES = {
    Route.cancelled: N_("无需审批"),
    Route.filing: N_("当场备案"),
    Route.commitment: N_("告知承诺"),
    Route.optimized: N_("优化审批"),
    Route.normal: N_("一般程序"),
}
_PROOFS = {
    ProofMode.cancelled: N_("不再提交"),
    ProofMode.commitment: N_("以承诺替代"),
    ProofMode.data_verification: N_("数据核验"),
    ProofMode.department_verification: N_("部门核验"),
    ProofMode.paper: N_("提交纸质材料"),
}
_MATERIAL_STATUS = {
    MaterialStatus.not_required: N_("不得要求提交"),
    MaterialStatus.pending: N_("待核验"),
    MaterialStatus.received: N_("已收取"),
    MaterialStatus.covered_by_commitment: N_("已承诺"),
    MaterialStatus.verified: N_("已核验"),
    MaterialStatus.verification_requested: N_("已发起部门核验"),
    MaterialStatus.deferred: N_("容缺待补"),
    MaterialStatus.supplement_requested: N_("已通知补正"),
    MaterialStatus.not_confirmed: N_("核验未通过"),
}
_SUB_CASE_STATUS = {
    SubCaseStatus.informed: N_("已告知无需审批"),
    SubCaseStatus.recorded: N_("已当场备案"),
    SubCaseStatus.approved: N_("已准予许可"),
    SubCaseStatus.under_review: N_("审查中"),
    SubCaseStatus.rejected: N_("不予许可"),
    SubCaseStatus.revoked: N_("已撤销"),
    SubCaseStatus.withdrawn: N_("已撤回"),
}
_CASE_STATUS = {
    CaseStatus.accepted: N_("已受理"),
    CaseStatus.closed: N_("已办结"),
    CaseStatus.withdrawn: N_("已撤回"),
}
_REQUEST_STATUS = {
    RequestStatus.pending: N_("待部门答复"),
    RequestStatus.confirmed: N_("部门确认属实"),
    RequestStatus.denied: N_("部门答复不属实"),
}
_SUPPLEMENT_STATUS = {
    SupplementStatus.open: N_("等待补正"),
    SupplementStatus.fulfilled: N_("已补正"),
    SupplementStatus.cancelled: N_("已取消"),
}
_LEVELS = {
    ItemLevel.central: N_("中央层面设定"),
    ItemLevel.provincial: N_("省级设定"),
    ItemLevel.local: N_("地方设定"),
}
_RISKS = {Risk.low: N_("低"), Risk.medium: N_("中"), Risk.high: N_("高")}


def mode_name(mode: ReformMode) -> str:
    return _(_MODES[mode])


def route_name(route: Route) -> str:
    return _(_ROUTES[route])


def proof_name(mode: ProofMode) -> str:
    return _(_PROOFS[mode])


def material_status_name(status: MaterialStatus) -> str:
    return _(_MATERIAL_STATUS[status])


def sub_case_status_name(status: SubCaseStatus) -> str:
    return _(_SUB_CASE_STATUS[status])


def case_status_name(status: CaseStatus) -> str:
    return _(_CASE_STATUS[status])


def request_status_name(status: RequestStatus) -> str:
    return _(_REQUEST_STATUS[status])


def supplement_status_name(status: SupplementStatus) -> str:
    return _(_SUPPLEMENT_STATUS[status])


def level_name(level: ItemLevel) -> str:
    return _(_LEVELS[level])


def risk_name(risk: Risk) -> str:
    return _(_RISKS[risk])


def time_limit_text(item: ItemView) -> str:
    """How long the item takes, as the counter tells the applicant."""
    if item.reform_mode is ReformMode.cancelled:
        return _("无需审批")
    if item.on_the_spot or item.reform_mode in (ReformMode.filing, ReformMode.commitment):
        return _("当场办结")
    if item.statutory_days:
        return _("承诺 {p} 个工作日，法定 {s} 个工作日").format(
            p=item.promised_days or item.statutory_days, s=item.statutory_days
        )
    return "—"
