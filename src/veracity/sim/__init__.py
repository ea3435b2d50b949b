"""The synthetic platform simulator: demo data, and the oracle detectors are tested against."""

from veracity.sim.scale import PRESETS, SimScale, resolve_scale
from veracity.sim.simulate import FILES, SIM_VERSION, SimSummary, simulate

__all__ = ["FILES", "PRESETS", "SIM_VERSION", "SimScale", "SimSummary", "resolve_scale", "simulate"]
