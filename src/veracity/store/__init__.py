"""Persistence: SQLAlchemy tables, sessions, repositories and migrations."""
