"""Emerging narratives: cluster recent posts, detect bursts, open fact-check cases."""

from veracity.detect.misinfo.narratives.burst import BurstScore, burst_score, share_test
from veracity.detect.misinfo.narratives.cluster import PostRecord, cluster_posts
from veracity.detect.misinfo.narratives.config import NarrativeConfig
from veracity.detect.misinfo.narratives.job import (
    JobReport,
    NarrativeJob,
    run_narratives,
    run_narratives_between,
)

__all__ = [
    "BurstScore",
    "JobReport",
    "NarrativeConfig",
    "NarrativeJob",
    "PostRecord",
    "burst_score",
    "cluster_posts",
    "run_narratives",
    "run_narratives_between",
    "share_test",
]
