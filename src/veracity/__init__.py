"""Veracity: an open-source Integrity & Authenticity platform."""

__version__ = "0.1.0"
