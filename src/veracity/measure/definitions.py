"""The KPI dictionary: every KPI ``veracity kpi`` prints, with its numerator, denominator, unit,
clock anchor and interval. This is the one place definitions live (docs/measurement.md renders
it; ../shared/docs/reference/specs.md section 1 is the source of the formulas).

Shared conventions:
- An item is *actioned* at its first decision with a visibility action (remove, reduce,
  geo_restrict, not_recommendable); labels, notices and routing are not actions here.
- A *removal* is an actioned item whose first visibility decision removes it.
- The window ``[since, until)`` selects actioned items by the time of that first action, views
  by their own time, appeals by their enforcement decision's time (cohorts).
- Times are UTC; durations in hours.
"""

from __future__ import annotations

from dataclasses import dataclass

VISIBILITY_ACTIONS = ("remove", "reduce", "geo_restrict", "not_recommendable")
REMOVAL_ACTION = "remove"
TTA_ANCHORS = ("content_posted", "first_report")
DEFAULT_TTA_ANCHOR = "content_posted"
PREVALENCE_QUEUE = "prevalence-labelling"
VIOLATING_OUTCOMES = frozenset({"violating", "remove", "reduce", "label", "geo_restrict"})


@dataclass(frozen=True)
class Kpi:
    name: str
    numerator: str
    denominator: str
    unit: str
    interval: str


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "prevalence",
        "labelled-violating sampled views (weighted 1/pi) per policy area",
        "sampled views (weighted 1/pi)",
        "per 10,000 views",
        "Wilson (uniform) / Hajek (weighted); exact upper bound 1-alpha^(1/n) when 0 positives",
    ),
    Kpi(
        "actioned_view_rate",
        "views in the window of content that was ever actioned, per policy area",
        "all views in the window",
        "per 10,000 views",
        "none (a census, and a lower bound on prevalence)",
    ),
    Kpi(
        "proactive_rate",
        "actioned items with no user report at or before the first action",
        "actioned items",
        "share",
        "Wilson 95 %",
    ),
    Kpi(
        "removed_before_views",
        "removals with no view before the removal",
        "removals",
        "share",
        "Wilson 95 %",
    ),
    Kpi(
        "removed_within_24h",
        "removals with t_remove - t_posted <= 24 h",
        "removals",
        "share",
        "Wilson 95 %",
    ),
    Kpi(
        "time_to_action_p50_h",
        "median of t_action - t_anchor (anchor: time_to_action_anchor, default content_posted)",
        "actioned items with a known anchor",
        "hours",
        "none",
    ),
    Kpi(
        "time_to_action_p90_h",
        "90th percentile of t_action - t_anchor",
        "actioned items with a known anchor",
        "hours",
        "none",
    ),
    Kpi(
        "views_before_action",
        "views of an actioned item before its first action: total, mean, median, p90, "
        "share at 0 and share under 10",
        "actioned items",
        "views",
        "none",
    ),
    Kpi(
        "appeal_overturn_rate",
        "appeals decided 'reversed', per cohort (ISO week of the enforcement decision)",
        "appeals decided, same cohort",
        "share",
        "Wilson 95 %",
    ),
    Kpi(
        "reviewer_kappa",
        "Cohen's kappa over double-reviewed cases (review.quality)",
        "pairs of first and second reviews",
        "[-1, 1]",
        "none",
    ),
    Kpi(
        "ai_label_coverage",
        "AI-evidenced content whose latest decision labels it (detect.aigc.coverage)",
        "AI-evidenced content ingested in the window",
        "share",
        "Wilson 95 %",
    ),
)

KPI_NAMES = tuple(k.name for k in KPIS)


def dictionary() -> list[dict[str, str]]:
    """The KPI dictionary as JSON rows (API and docs)."""
    return [k.__dict__.copy() for k in KPIS]
