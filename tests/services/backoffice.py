"""What the back-office tests share: the restaurant case of 3/10 sent to three
departments, and the demo hall's reviewers."""

from __future__ import annotations

from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.case_views import CaseDetail
from hall.services.cases import case_detail
from hall.services.context import AppContext
from hall.services.demo_cases import DemoCase, accept_demo_case

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
SUPERVISOR = Actor("super01", Role.supervisor, "C01", "刘洋")
SAMR = Actor("reviewer01", Role.reviewer, None, "赵强", ("SAMR", "NMPA"))
HEALTH = Actor("reviewer02", Role.reviewer, None, "陈静", ("NHC",))
CULTURE = Actor("reviewer03", Role.reviewer, None, "孙伟", ("MCT",))
FIRE = Actor("reviewer05", Role.reviewer, None, "吴刚", ("FIRE",))

RESTAURANT = "91320305MA1N428243"  # 味香居餐饮, in the demo registry
REPRESENTATIVE = "320305198511232751"  # 张伟, a person of the demo registry
#: A restaurant selling packaged food with a karaoke room, whose applicant takes the
#: catering license and the fire check through review instead of committing: three
#: departments review in parallel (market regulation, culture, fire).
RESTAURANT_CASE = DemoCase(
    RESTAURANT,
    ("H2002", "F1040", "R5001"),
    normal_route=("SAMR-002", "FIRE-001"),
    without=("MCT-003",),
)


def accept_restaurant(ctx: AppContext) -> CaseDetail:
    number = accept_demo_case(ctx, RESTAURANT_CASE, REPRESENTATIVE)
    assert number is not None
    return case_detail(ctx, CLERK, number)
