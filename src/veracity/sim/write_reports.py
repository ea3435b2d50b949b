"""reports.jsonl: notices from users and trusted flaggers, some right and some wrong.

Whether a report is accurate is never written into it; it follows from the target's ground
truth through :func:`veracity.sim.truth.report_is_accurate`, which the tallies here also use.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from veracity.sim import truth as T
from veracity.sim.codes import PostRole
from veracity.sim.content_plan import ContentPlan, weighted_choice
from veracity.sim.jsonl import Clock, JsonlWriter
from veracity.sim.population import Population, Role
from veracity.sim.scale import SimScale
from veracity.sim.write_accounts import account_labels
from veracity.sim.write_content import account_id, comment_id, post_id, post_labels

WRONG_REASONS = ("hate", "harassment", "other", "illegal")
EXPLANATIONS = {
    "misinformation": "This video spreads a false claim that was already fact-checked.",
    "ai_generated_unlabelled": "Looks AI-generated and is not labelled as such.",
    "spam": "Spam link, posted over and over.",
    "fake_account": "This account looks automated or fake.",
    "fake_engagement": "Likes and follows on this look bought.",
    "hate": "Offensive content.",
    "harassment": "They keep targeting people.",
    "illegal": "This may be illegal.",
    "other": "I don't like this.",
}
_MEAN_DELAY_S = 4 * 3600
# Report row: time, kind (0 post, 1 comment, 2 account), target index, reason, reporter, trusted
Row = tuple[int, int, int, str, int, bool]


def _reason_for(labels: list[str], details: dict[str, Any]) -> str | None:
    if T.CLAIM_REPEAT in labels:
        return "misinformation"
    if T.SPAM in labels:
        return "spam"
    if T.AI_GENERATED in labels and not details.get("disclosed"):
        return "ai_generated_unlabelled"
    return None


class ReportPlanner:
    def __init__(
        self, rng: np.random.Generator, scale: SimScale, pop: Population, plan: ContentPlan
    ) -> None:
        self.rng = rng
        self.scale = scale
        self.pop = pop
        self.plan = plan
        self.rows: list[Row] = []
        self.targets = plan.lockstep_targets()
        reporters = np.isin(pop.role, (Role.ORGANIC, Role.CREATOR))
        self.reporter_cum = np.cumsum(np.where(reporters, pop.activity, 0.0))
        self.trusted = pop.members(Role.TRUSTED)

    def _reporter(self, avoid: int) -> int:
        r = int(weighted_choice(self.rng, self.reporter_cum, 1)[0])
        return r if r != avoid else int(weighted_choice(self.rng, self.reporter_cum, 1)[0])

    def _after(self, t0: int) -> int | None:
        t = t0 + 1 + int(self.rng.exponential(_MEAN_DELAY_S))
        return t if t < self.scale.period_s else None

    def _add(
        self, t: int | None, kind: int, target: int, reason: str, author: int, trusted: bool
    ) -> None:
        if t is None:
            return
        reporter = int(self.rng.choice(self.trusted)) if trusted else self._reporter(author)
        self.rows.append((t, kind, target, reason, reporter, trusted))

    def plan_all(self) -> list[Row]:
        rng, s, plan = self.rng, self.scale, self.plan
        for i in range(plan.posts):
            labels, details = post_labels(plan, i, self.targets)
            reason = _reason_for(labels, details)
            t0, author = int(plan.post_time[i]), int(plan.post_author[i])
            if reason is not None:
                if rng.random() < s.report_fraction:
                    wrong = rng.random() < 0.2
                    r = str(rng.choice(WRONG_REASONS)) if wrong else reason
                    self._add(self._after(t0), 0, i, r, author, False)
                if len(self.trusted) and rng.random() < s.trusted_report_fraction:
                    r = reason if rng.random() < 0.95 else "illegal"
                    self._add(self._after(t0), 0, i, r, author, True)
            elif int(plan.post_role[i]) == PostRole.HARD_NEGATIVE:
                if rng.random() < s.report_fraction / 3:
                    self._add(self._after(t0), 0, i, "misinformation", author, False)
            elif rng.random() < s.false_report_fraction:
                r = str(
                    rng.choice(
                        ("misinformation", "spam", "ai_generated_unlabelled", *WRONG_REASONS)
                    )
                )
                self._add(self._after(t0), 0, i, r, author, False)
        for j in np.flatnonzero(plan.comment_spam):
            if rng.random() < s.report_fraction:
                author = int(plan.comment_author[j])
                self._add(self._after(int(plan.comment_time[j])), 1, int(j), "spam", author, False)
        for a in range(self.pop.size):
            role = int(self.pop.role[a])
            t = int(rng.integers(0, s.period_s))
            if role in (Role.BOT, Role.LOCKSTEP) and rng.random() < s.report_fraction / 2:
                reason = "fake_account" if role == Role.BOT else "fake_engagement"
                self._add(t, 2, a, reason, a, False)
            elif role == Role.CREATOR and rng.random() < s.false_report_fraction * 5:
                self._add(t, 2, a, "fake_account", a, False)
        self.rows.sort(key=lambda row: row[0])
        return self.rows


def write_reports(
    rng: np.random.Generator,
    scale: SimScale,
    pop: Population,
    plan: ContentPlan,
    clock: Clock,
    out: JsonlWriter,
) -> Counter[str]:
    """Write every report in time order; returns tallies of accurate, inaccurate and trusted."""
    planner = ReportPlanner(rng, scale, pop, plan)
    tally: Counter[str] = Counter()
    for n, (t, kind, target, reason, reporter, trusted) in enumerate(planner.plan_all(), 1):
        record: dict[str, Any] = {"id": f"rep-{n:06d}", "reporter_account_id": account_id(reporter)}
        if kind == 2:
            record["account_id"] = account_id(target)
            labels, details = account_labels(pop, plan, target)
            location = f"https://platform.example/@{account_id(target)}"
        else:
            cid = post_id(target) if kind == 0 else comment_id(target)
            record["content_id"] = cid
            if kind == 0:
                labels, details = post_labels(plan, target, planner.targets)
            else:
                labels, details = [T.SPAM], {}
            location = f"https://platform.example/c/{cid}"
        record.update(
            reason=reason,
            explanation=EXPLANATIONS[reason],
            location=location,
            good_faith=trusted or bool(rng.random() < 0.9),
            trusted_flagger=trusted,
            occurred_at=clock.iso(t),
            metadata={"channel": "trusted_flagger_portal" if trusted else "in_app"},
        )
        out.write(record)
        accurate = T.report_is_accurate(reason, set(labels), details)
        tally["reports_accurate" if accurate else "reports_inaccurate"] += 1
        if trusted:
            tally["reports_trusted_flagger"] += 1
    return tally
