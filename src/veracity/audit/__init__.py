"""The tamper-evident audit log: ``record`` an action, ``verify`` the chain (see ``log``)."""

from veracity.audit.log import AuditEntry, AuditError, Verification, list_entries, record, verify

__all__ = ["AuditEntry", "AuditError", "Verification", "list_entries", "record", "verify"]
