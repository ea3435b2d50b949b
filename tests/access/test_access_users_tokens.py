"""Users and per-user API tokens in the store: names, roles, disabling, expiry, revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from veracity.access.passwords import ScryptParams
from veracity.access.principal import from_token
from veracity.access.roles import Role, UnknownRoleError, allows, parse_roles
from veracity.access.tokens import create_token, list_tokens, revoke_token, token_holder
from veracity.access.users import (
    UserError,
    check_password,
    create_user,
    disable_user,
    get_user,
    list_users,
    set_password,
)
from veracity.store.db import Database, utcnow
from veracity.store.tables import ApiTokenRow, UserRow

FAST = ScryptParams(n=2**10)
PASSWORD = "a long enough test password"


def test_users_are_created_listed_and_checked(db: Database) -> None:
    with db.transaction() as session:
        made = create_user(session, " Alice ", [Role.REVIEWER, Role.ANALYST], PASSWORD, FAST)
        create_user(session, "robot", [Role.SERVICE])
    assert made.username == "alice" and made.roles == {Role.REVIEWER, Role.ANALYST}
    with db.transaction() as session:
        assert [u.username for u in list_users(session)] == ["alice", "robot"]
        assert check_password(session, "ALICE", PASSWORD, FAST) is not None
        assert check_password(session, "alice", "wrong password!!", FAST) is None
        assert check_password(session, "robot", PASSWORD, FAST) is None  # no password: tokens only
        assert check_password(session, "ghost", PASSWORD, FAST) is None
        stored = session.scalar(select(UserRow.password_hash).where(UserRow.username == "alice"))
    assert stored is not None and PASSWORD not in stored


@pytest.mark.parametrize("name", ["", "-dash", "has space", "x" * 65, "émile", "a/b"])
def test_bad_usernames_are_refused(db: Database, name: str) -> None:
    with db.transaction() as session, pytest.raises(UserError, match="username"):
        create_user(session, name, [Role.REVIEWER])


def test_duplicates_and_roleless_users_are_refused(db: Database) -> None:
    with db.transaction() as session:
        create_user(session, "bob", [Role.REVIEWER])
    with db.transaction() as session, pytest.raises(UserError, match="already exists"):
        create_user(session, "BOB", [Role.ANALYST])
    with db.transaction() as session, pytest.raises(UserError, match="at least one role"):
        create_user(session, "carol", [])
    with pytest.raises(UnknownRoleError, match="valid roles"):
        parse_roles(["reviewer", "superuser"])
    assert parse_roles(["Senior-Reviewer"]) == {Role.SENIOR_REVIEWER}


def test_admin_passes_every_permission() -> None:
    assert allows({Role.ADMIN}, frozenset())
    assert allows({Role.ANALYST}, frozenset({Role.ANALYST}))
    assert not allows({Role.ANALYST}, frozenset({Role.AUDITOR}))
    assert not allows(set(), frozenset({Role.AUDITOR}))


def test_disabling_and_new_password(db: Database) -> None:
    with db.transaction() as session:
        create_user(session, "dora", [Role.AUDITOR], PASSWORD, FAST)
        set_password(session, "dora", "a brand new passphrase", FAST)
        assert check_password(session, "dora", PASSWORD, FAST) is None
        assert check_password(session, "dora", "a brand new passphrase", FAST) is not None
        disable_user(session, "dora")
        assert check_password(session, "dora", "a brand new passphrase", FAST) is None
        found = get_user(session, "dora")
        assert found is not None and found.disabled
        with pytest.raises(UserError, match="no user"):
            disable_user(session, "nobody")


def test_weak_hashes_are_upgraded_at_sign_in(db: Database) -> None:
    with db.transaction() as session:
        create_user(session, "erin", [Role.REVIEWER], PASSWORD, FAST)
        assert check_password(session, "erin", PASSWORD, ScryptParams(n=2**11)) is not None
        stored = session.scalar(select(UserRow.password_hash).where(UserRow.username == "erin"))
    assert stored is not None and stored.startswith(f"scrypt${2**11}$")


def test_tokens_are_hashed_scoped_revocable_and_expire(db: Database) -> None:
    with db.transaction() as session:
        create_user(session, "svc", [Role.SERVICE, Role.FACT_CHECKER])
        made = create_token(session, "svc", [Role.SERVICE], expires_days=1)
        other = create_token(session, "svc", [Role.FACT_CHECKER, Role.SERVICE])
        with pytest.raises(UserError, match="does not hold admin"):
            create_token(session, "svc", [Role.ADMIN])
        with pytest.raises(UserError, match="expiry"):
            create_token(session, "svc", [Role.SERVICE], expires_days=0)
        with pytest.raises(UserError, match="no user"):
            create_token(session, "ghost", [Role.SERVICE])
    assert made.secret.startswith("vt_") and len(made.secret) > 40
    with db.transaction() as session:
        hashes = list(session.scalars(select(ApiTokenRow.token_hash)))
        assert made.secret not in hashes and other.secret not in hashes
        holder = token_holder(session, made.secret)
        assert holder is not None and holder.roles == {Role.SERVICE}
        assert token_holder(session, made.secret + "x") is None
        assert token_holder(session, "vt_" + "A" * 600) is None
        # Expired a day and a bit later.
        assert token_holder(session, made.secret, utcnow() + timedelta(days=1, seconds=1)) is None
        token, changed = revoke_token(session, made.token.id)
        assert changed and token.revoked_at is not None
        assert revoke_token(session, made.token.id)[1] is False
        assert token_holder(session, made.secret) is None
        principal = from_token(session, other.secret, configured=["cfg"])
        assert principal is not None and principal.actor == "user:svc"
        assert principal.roles == {Role.SERVICE, Role.FACT_CHECKER}
        assert [t.id for t in list_tokens(session, "svc")] == [made.token.id, other.token.id]
        disable_user(session, "svc")
        assert token_holder(session, other.secret) is None
        with pytest.raises(UserError, match="no token"):
            revoke_token(session, 9999)
