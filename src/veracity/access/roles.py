"""Roles and the permission table: which roles may call which group of endpoints.

One place decides who may do what, so routers name a permission (``INGEST``) rather than
repeating role lists, and docs/roles.md mirrors this file. ``admin`` passes every check.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    REVIEWER = "reviewer"
    SENIOR_REVIEWER = "senior_reviewer"
    FACT_CHECKER = "fact_checker"
    POLICY_ADMIN = "policy_admin"
    INVESTIGATOR = "investigator"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    ADMIN = "admin"
    # Machine clients of the host platform: ingestion and the enforcement pull API.
    SERVICE = "service"


ALL_ROLES: tuple[Role, ...] = tuple(Role)
Permission = frozenset[Role]


def _p(*roles: Role) -> Permission:
    return frozenset(roles)


# The permission table (docs/roles.md). Admin is implied everywhere and not listed.
INGEST = _p(Role.SERVICE)
ENFORCEMENT = _p(Role.SERVICE)
OUTBOX_OPS = _p()
DECISIONS_READ = _p(
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.FACT_CHECKER,
    Role.POLICY_ADMIN,
    Role.INVESTIGATOR,
    Role.ANALYST,
    Role.AUDITOR,
    Role.SERVICE,
)
BANKS = _p(Role.POLICY_ADMIN)
MEDIA_MATCH = _p(Role.POLICY_ADMIN, Role.FACT_CHECKER, Role.INVESTIGATOR, Role.SERVICE)
POLICY_CHANGE = _p(Role.POLICY_ADMIN)
FACTCHECKS_WRITE = _p(Role.FACT_CHECKER)
FACTCHECKS_READ = _p(
    Role.FACT_CHECKER,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.POLICY_ADMIN,
    Role.INVESTIGATOR,
    Role.ANALYST,
    Role.AUDITOR,
)
METRICS_READ = _p(Role.ANALYST, Role.AUDITOR, Role.POLICY_ADMIN)
# Measurement (issue 8): KPI dashboards, exports and the KPI API.
MEASURE_READ = _p(Role.ANALYST, Role.AUDITOR, Role.POLICY_ADMIN)
CAMPAIGNS_READ = _p(Role.INVESTIGATOR, Role.ANALYST, Role.AUDITOR)
CAMPAIGNS_DECIDE = _p(Role.INVESTIGATOR)
ENGAGEMENT_READ = _p(Role.INVESTIGATOR, Role.ANALYST, Role.SERVICE)
STATEMENTS_READ = _p(Role.INVESTIGATOR, Role.AUDITOR)
AUDIT_READ = _p(Role.AUDITOR)
USERS_ADMIN = _p()
# DSA Art. 16 notices relayed by the platform, and the Art. 22 trusted-flagger registry.
REPORTS = _p(Role.SERVICE)
FLAGGERS_ADMIN = _p()
# Community notes (issue 7): the platform relays its users' notes and ratings; staff read them.
NOTES_WRITE = _p(Role.SERVICE)
NOTES_READ = _p(
    Role.SERVICE,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.FACT_CHECKER,
    Role.POLICY_ADMIN,
    Role.INVESTIGATOR,
    Role.ANALYST,
    Role.AUDITOR,
)
# Human review (docs/review.md): working cases (each queue narrows this further, see
# review/routing.yaml), quality and overturn measurements, golden cases, appeals lodged by the
# platform for its users, and the statements of reasons a user may read.
REVIEW_WORK = _p(Role.REVIEWER, Role.SENIOR_REVIEWER, Role.FACT_CHECKER)
REVIEW_QUALITY = _p(Role.ANALYST, Role.SENIOR_REVIEWER, Role.AUDITOR, Role.POLICY_ADMIN)
GOLDEN_ADMIN = _p(Role.SENIOR_REVIEWER)
APPEALS_LODGE = _p(Role.SERVICE)
APPEALS_READ = _p(Role.SERVICE, Role.SENIOR_REVIEWER, Role.AUDITOR)
USER_STATEMENTS = _p(Role.SERVICE, Role.AUDITOR, Role.INVESTIGATOR)
# A/B experiments (issue 8, docs/experiments.md): policy admins define them, the platform
# asks for assignments and logs exposures, analysts (and auditors) read the readouts.
EXPERIMENTS_DEFINE = _p(Role.POLICY_ADMIN)
EXPERIMENTS_READ = _p(Role.POLICY_ADMIN, Role.ANALYST, Role.AUDITOR)
EXPERIMENTS_EXPOSE = _p(Role.SERVICE)
ANY_ROLE = frozenset(ALL_ROLES)


class UnknownRoleError(ValueError):
    pass


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Roles from user input; an unknown name is an error that lists the valid ones."""
    roles: set[Role] = set()
    for value in values:
        name = value.strip().lower().replace("-", "_")
        try:
            roles.add(Role(name))
        except ValueError:
            valid = ", ".join(r.value for r in ALL_ROLES)
            raise UnknownRoleError(f"unknown role {value!r}; valid roles: {valid}") from None
    return frozenset(roles)


def allows(held: Iterable[Role], permitted: Permission) -> bool:
    """Whether any held role is permitted; admin is permitted everything."""
    held_set = set(held)
    return Role.ADMIN in held_set or bool(held_set & permitted)


def role_list(roles: Iterable[Role | str]) -> list[str]:
    """Stable, sorted role names for storage and display."""
    return sorted({str(r) for r in roles})
