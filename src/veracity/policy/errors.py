"""Errors a policy author sees; each names the file, policy and rule at fault."""

from __future__ import annotations


class PolicyLoadError(ValueError):
    """A policy file or directory that cannot be used as written."""
