"""Compliance records owed to users and regulators (DSA statements of reasons, ...)."""
