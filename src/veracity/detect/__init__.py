"""Detectors turn entities or event windows into signals."""
