"""Who an audit entry names: a web or API principal, or the person at the command line."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.audit.log import AuditEntry, record

CLI_ROLE = "admin"


def record_by(
    session: Session,
    principal: Principal,
    action: str,
    subject: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """``record`` for an authenticated caller: actor, roles and how they signed in."""
    return record(
        session,
        actor=principal.actor,
        role=principal.role_label,
        action=action,
        subject=subject,
        details={**(details or {}), **principal.audit_details()},
    )


def cli_actor() -> str:
    """``cli:<login name>``: commands run with direct database access, i.e. as an admin."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}"[:128]
