"""Sign-in, lock-out after repeated failures, password rules and account management."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hall.core.errors import (
    AccountLocked,
    AuthenticationFailed,
    Conflict,
    PermissionDenied,
    ValidationError,
)
from hall.models import AuditEntry, User
from hall.models.enums import Role
from hall.services import passwords
from hall.services.audit_chain import verify_chain
from hall.services.auth import (
    change_password,
    create_user,
    must_change_password,
    reset_password,
    set_active,
    sign_in,
    unlock,
)

from .conftest import PASSWORD

WRONG = "wrong horse 1"


def actions(ctx, *names: str) -> list[tuple[str, str]]:
    with ctx.uow() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.action.in_(names))
            .order_by(AuditEntry.seq)
        )
        return [(r.action, r.actor) for r in rows]


def fail_times(ctx, n: int, username: str = "clerk01") -> None:
    for _ in range(n):
        with pytest.raises(AuthenticationFailed) as info:
            sign_in(ctx, username, WRONG, "C01")
        assert type(info.value) is AuthenticationFailed  # not yet locked


def stored_user(ctx, username: str = "clerk01") -> User:
    with ctx.uow() as s:
        return s.scalar(select(User).where(User.username == username))


def test_the_right_password_signs_in_with_the_counter_and_role(ctx) -> None:
    who = sign_in(ctx, " Clerk01 ", PASSWORD, "c01")
    assert (who.username, who.role, who.counter, who.display_name) == (
        "clerk01", Role.clerk, "C01", "张敏",
    )  # fmt: skip
    assert ("user.sign_in", "clerk01") in actions(ctx, "user.sign_in")


def test_five_failures_lock_the_account_even_against_the_right_password(ctx, clock) -> None:
    fail_times(ctx, 4)
    with pytest.raises(AccountLocked) as info:
        sign_in(ctx, "clerk01", WRONG, "C01")
    assert info.value.until == clock.now() + timedelta(minutes=ctx.settings.lockout_minutes)
    assert "09:45" in str(info.value)  # the hall's local time, 09:30 + 15 minutes
    with pytest.raises(AccountLocked):
        sign_in(ctx, "clerk01", PASSWORD, "C01")
    clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(AccountLocked):
        sign_in(ctx, "clerk01", PASSWORD, "C01")


def test_the_lock_lifts_after_lockout_minutes(ctx, clock) -> None:
    fail_times(ctx, 4)
    with pytest.raises(AccountLocked):
        sign_in(ctx, "clerk01", WRONG, "C01")
    clock.advance(timedelta(minutes=ctx.settings.lockout_minutes))
    assert sign_in(ctx, "clerk01", PASSWORD, "C01").username == "clerk01"
    user = stored_user(ctx)
    assert user.failed_attempts == 0 and user.locked_until is None


def test_a_success_resets_the_failure_count(ctx) -> None:
    fail_times(ctx, 4)
    sign_in(ctx, "clerk01", PASSWORD, "C01")
    assert stored_user(ctx).failed_attempts == 0
    fail_times(ctx, 4)  # four more are still not five in a row
    with pytest.raises(AccountLocked):
        sign_in(ctx, "clerk01", WRONG, "C01")


def test_the_number_of_attempts_is_a_setting(ctx) -> None:
    ctx.settings.lockout_attempts = 3
    fail_times(ctx, 2)
    with pytest.raises(AccountLocked):
        sign_in(ctx, "clerk01", WRONG, "C01")


def test_failures_and_the_lock_are_audited_and_chained(ctx, operator) -> None:
    fail_times(ctx, 4)
    with pytest.raises(AccountLocked):
        sign_in(ctx, "clerk01", WRONG, "C01")
    assert actions(ctx, "user.sign_in_failed", "user.locked") == [
        *[("user.sign_in_failed", "clerk01")] * 4,
        ("user.locked", "clerk01"),
    ]
    with ctx.uow() as s:
        attempts = [
            e.after["attempt"]
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "user.sign_in_failed")
                .order_by(AuditEntry.seq)
            )
        ]
    assert attempts == [1, 2, 3, 4]
    assert verify_chain(ctx, operator).intact


def test_attempts_against_a_locked_account_do_not_extend_the_lock(ctx, clock) -> None:
    fail_times(ctx, 4)
    with pytest.raises(AccountLocked) as first:
        sign_in(ctx, "clerk01", WRONG, "C01")
    clock.advance(timedelta(minutes=10))
    with pytest.raises(AccountLocked) as again:
        sign_in(ctx, "clerk01", WRONG, "C01")
    assert again.value.until == first.value.until


def test_reset_password_lifts_the_lock_and_asks_for_a_new_password(ctx, operator, actor) -> None:
    fail_times(ctx, 4)
    with pytest.raises(AccountLocked):
        sign_in(ctx, "clerk01", WRONG, "C01")
    view, _ = reset_password(ctx, operator, "clerk01", "temporary 42")
    assert view.must_change_password and view.locked_until is None
    who = sign_in(ctx, "clerk01", "temporary 42", "C01")
    assert must_change_password(ctx, who)
    with pytest.raises(AuthenticationFailed):
        sign_in(ctx, "clerk01", PASSWORD, "C01")  # the old password is gone
    assert actions(ctx, "user.reset_password") == [("user.reset_password", operator.username)]


def test_reset_password_checks_the_rules_for_that_account(ctx, operator) -> None:
    with pytest.raises(ValidationError, match="用户名"):
        reset_password(ctx, operator, "clerk01", "clerk01-2026")
    assert passwords.verify_password(stored_user(ctx).password_hash, PASSWORD)


def test_change_password_asks_for_the_old_one(ctx, actor) -> None:
    with pytest.raises(AuthenticationFailed, match="原密码不正确"):
        change_password(ctx, actor, WRONG, "brand new 99")
    assert stored_user(ctx).failed_attempts == 1  # a wrong old password counts too
    change_password(ctx, actor, PASSWORD, "brand new 99")
    assert sign_in(ctx, "clerk01", "brand new 99", "C01")
    with pytest.raises(AuthenticationFailed):
        sign_in(ctx, "clerk01", PASSWORD, "C01")
    assert stored_user(ctx).password_changed_at is not None


@pytest.mark.parametrize(
    ("new", "fragment"),
    [
        ("short1", "至少8位"),
        ("correct horse 1", "不能与原密码相同"),
        ("abcdefghijkl", "至少两类"),
        ("xclerk01x!", "不能包含用户名"),
    ],
)
def test_change_password_keeps_to_the_rules(ctx, actor, new, fragment) -> None:
    with pytest.raises(ValidationError, match=fragment):
        change_password(ctx, actor, PASSWORD, new)
    assert passwords.verify_password(stored_user(ctx).password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("a1b2c3", "至少8位"),
        ("x1" * 65, "最多128位"),
        ("abcdefghij", "至少两类"),
        ("1234567890123", "至少两类"),
        ("!!!!????####", "至少两类"),
        ("my-WANGFANG-1", "不能包含用户名"),
        ("Password1", "太常见"),
        ("woaini1314", "太常见"),
        ("hall-demo-2026", "太常见"),
    ],
)
def test_password_rules_say_what_is_wrong(password, fragment) -> None:
    with pytest.raises(ValidationError, match=fragment):
        passwords.check_rules(password, "wangfang")


@pytest.mark.parametrize("password", ["correct horse 1", "张敏的密码2026", "a1234567b"])
def test_reasonable_passwords_are_accepted(password) -> None:
    passwords.check_rules(password, "clerk01")


def test_the_demo_password_is_allowed_only_for_the_demo() -> None:
    passwords.check_rules("hall-demo-2026", "clerk01", allow_demo=True)
    with pytest.raises(ValidationError):
        passwords.check_rules("hall-demo-2026", "clerk01")


def test_passwords_are_stored_as_argon2_hashes(ctx) -> None:
    stored = stored_user(ctx).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_passwords_at_the_idle_lock_count_towards_the_lockout(ctx, actor) -> None:
    unlock(ctx, actor, PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as info:
            unlock(ctx, actor, WRONG)
        assert type(info.value) is AuthenticationFailed
    with pytest.raises(AccountLocked):
        unlock(ctx, actor, WRONG)
    with pytest.raises(AccountLocked):
        sign_in(ctx, "clerk01", PASSWORD, "C01")
    assert len(actions(ctx, "user.sign_in_failed")) == 4
    assert actions(ctx, "user.unlock") == [("user.unlock", "clerk01")]


def test_a_disabled_account_cannot_sign_in_or_unlock(ctx, operator, actor) -> None:
    set_active(ctx, operator, "clerk01", False)
    with pytest.raises(AuthenticationFailed) as info:
        sign_in(ctx, "clerk01", PASSWORD, "C01")
    assert str(info.value) == "用户名或密码错误，或账号已停用。"
    with pytest.raises(AuthenticationFailed, match="已停用"):
        unlock(ctx, actor, PASSWORD)
    set_active(ctx, operator, "clerk01", True)
    assert sign_in(ctx, "clerk01", PASSWORD, "C01")
    assert [a for a, _ in actions(ctx, "user.disable", "user.enable")] == [
        "user.disable", "user.enable",
    ]  # fmt: skip


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(ctx) -> None:
    with pytest.raises(AuthenticationFailed) as unknown:
        sign_in(ctx, "nobody", PASSWORD, "C01")
    with pytest.raises(AuthenticationFailed) as wrong:
        sign_in(ctx, "clerk01", WRONG, "C01")
    assert type(unknown.value) is type(wrong.value)
    assert str(unknown.value) == str(wrong.value)


def test_a_bad_counter_code_is_refused_before_the_password_is_checked(ctx) -> None:
    with pytest.raises(ValidationError):
        sign_in(ctx, "clerk01", WRONG, "窗口一")
    assert stored_user(ctx).failed_attempts == 0


def test_an_administrator_cannot_disable_their_own_account(ctx, admin, make_account) -> None:
    make_account("admin02", Role.admin)  # not the last one: the refusal is about oneself
    with pytest.raises(Conflict, match="自己"):
        set_active(ctx, admin, admin.username, False)
    assert stored_user(ctx, admin.username).active


def test_the_last_active_administrator_cannot_be_disabled(ctx, operator, admin) -> None:
    with pytest.raises(Conflict, match="最后一个"):
        set_active(ctx, operator, admin.username, False)
    create_user(ctx, operator, "admin02", "备用管理员", Role.admin, PASSWORD)
    set_active(ctx, operator, admin.username, False)
    assert not stored_user(ctx, admin.username).active
    with pytest.raises(Conflict, match="最后一个"):
        set_active(ctx, operator, "admin02", False)


def test_new_accounts_must_change_their_password_by_default(ctx, operator) -> None:
    view, _ = create_user(ctx, operator, "Guide.Wang", "王芳", Role.guide, "first pass 1")
    assert view.username == "guide.wang" and view.must_change_password
    who = sign_in(ctx, "guide.wang", "first pass 1", "C02")
    with pytest.raises(PermissionDenied, match="请先修改初始密码"):
        from hall.services.permissions import Permission, require

        require(ctx, who, Permission.issue_tickets)


@pytest.mark.parametrize("username", ["cli:x", "system", "clixyz", "张敏", "a b", ""])
def test_user_names_that_could_pass_for_the_machine_or_are_not_plain_are_refused(
    ctx, operator, username
) -> None:
    with pytest.raises(ValidationError, match="用户名"):
        create_user(ctx, operator, username, "x", Role.clerk, PASSWORD)


def test_a_taken_user_name_is_a_conflict(ctx, operator) -> None:
    with pytest.raises(Conflict, match="已存在"):
        create_user(ctx, operator, "CLERK01", "张敏", Role.clerk, PASSWORD)


def test_a_reviewer_needs_a_department(ctx, operator) -> None:
    with pytest.raises(ValidationError, match="部门"):
        create_user(ctx, operator, "reviewer09", "赵", Role.reviewer, PASSWORD)
    view, _ = create_user(
        ctx, operator, "reviewer09", "赵", Role.reviewer, PASSWORD, departments=[" samr ", "NHC"]
    )
    assert view.departments == ("NHC", "SAMR")
    who = sign_in(ctx, "reviewer09", PASSWORD, "C01")
    assert who.departments == ("NHC", "SAMR")


def test_a_failed_sign_in_with_an_unknown_name_is_audited_too(ctx) -> None:
    from sqlalchemy import select

    from hall.models import AuditEntry

    with pytest.raises(AuthenticationFailed, match="用户名或密码错误"):
        sign_in(ctx, "Nobody", "some password 1", "C01")
    with ctx.uow() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "user.sign_in_failed")
        ).one()
    assert entry.actor == "nobody" and entry.after == {"counter": "C01", "known": False}


def test_a_lock_out_ending_another_day_says_the_date(ctx) -> None:
    ctx.settings.lockout_minutes = 24 * 60
    for _ in range(ctx.settings.lockout_attempts - 1):
        with pytest.raises(AuthenticationFailed):
            sign_in(ctx, "clerk01", "wrong guess 1", "C01")
    with pytest.raises(AccountLocked, match=r"锁定至 2026-11-24 09:30"):
        sign_in(ctx, "clerk01", "wrong guess 1", "C01")


def test_what_is_no_user_name_is_not_kept_in_the_log(ctx) -> None:
    from sqlalchemy import select

    from hall.models import AuditEntry

    with pytest.raises(AuthenticationFailed):
        sign_in(ctx, "my secret password!", "x", "C01")  # typed into the wrong field
    with ctx.uow() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "user.sign_in_failed")
        ).one()
    assert entry.actor == "?" and "secret" not in str(entry.after)
