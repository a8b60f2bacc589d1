"""Telling a server that is gone from one that asks to try again or refused a row, and
the link's states (without a server: a port where nothing listens)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError

from hall.sync.link import LinkState, ServerLink, is_connection_error, is_transient


class _Driver(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(sqlstate or "no answer")
        self.sqlstate = sqlstate


def _operational(sqlstate: str | None) -> OperationalError:
    return OperationalError("SELECT 1", {}, _Driver(sqlstate))


def test_a_deadlock_is_tried_again_not_taken_for_a_dead_server() -> None:
    assert is_connection_error(_operational(None))  # no answer at all
    assert is_connection_error(_operational("57P01"))  # the administrator shut it down
    assert is_connection_error(_operational("08006"))
    for state in ("40P01", "40001", "55P03", "57014"):  # deadlock, serialization, locks
        assert not is_connection_error(_operational(state)) and is_transient(_operational(state))
    refused = IntegrityError("INSERT", {}, _Driver("23505"))
    assert not is_connection_error(refused) and not is_transient(refused)


def test_the_link_says_offline_since_when_and_backs_off(clock) -> None:
    link = ServerLink("postgresql://hall@127.0.0.1:9/hall", "secret", clock)
    assert not link.asked and link.status().state is LinkState.offline
    status = link.check(100.0)
    assert link.asked and status.state is LinkState.offline and status.since == clock.now()
    assert "secret" not in status.server and status.server == "postgresql://hall@127.0.0.1:9/hall"
    assert not link.probe_due(101.0) and link.probe_due(103.0)  # 2 s after the first failure
    link.check(103.0)
    assert not link.probe_due(106.0) and link.probe_due(107.5)  # then 4 s
    link.refuse("另一台服务器", 110.0)
    assert link.status().state is LinkState.incompatible and link.status().reason == "另一台服务器"
    link.close()
