"""How simulated users respond to integrity interventions, so experiments have a known truth.

Each user has an activity rate λ ~ Gamma(k, θ) (views per day) and a reshare propensity
p ~ Beta(a, b) (reshares per view), both fixed across the pre-period and the experiment, which
is what makes the pre-period a useful CUPED covariate. Views are Poisson(λ · days · view
factor), reshares Binomial(views, p · reshare factor). An intervention multiplies the factors
for treated users by a set relative effect: a share prompt lowers reshares per view (TikTok's
published test: -24 %), a label or reduced distribution lowers views. Guardrail counts (appeal
overturns, false-positive reports) are Poisson with their own effects, zero by default.

Because λ and p are independent, the true values are closed-form: mean views λ̄·days·v,
reshares per view p̄·s, mean reshares λ̄·days·v·p̄·s. ``truth`` returns them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Relative effects by intervention name: (views, reshares per view). specs.md section 4.1.
DEFAULT_EFFECTS: dict[str, tuple[float, float]] = {
    "share_prompt": (0.0, -0.24),
    "label_wording": (-0.05, -0.10),
    "reduced_distribution": (-0.30, 0.0),
    "policy": (0.0, 0.0),
}


@dataclass(frozen=True)
class ResponseModel:
    """Population parameters and the treatment's relative effects."""

    days: float = 7.0
    pre_days: float = 14.0
    activity_shape: float = 1.5
    activity_scale: float = 4.0
    share_a: float = 2.0
    share_b: float = 60.0
    views_effect: float = 0.0
    reshare_effect: float = 0.0
    overturn_rate: float = 0.002
    overturn_effect: float = 0.0
    fp_report_rate: float = 0.01
    fp_report_effect: float = 0.0

    @classmethod
    def for_intervention(cls, name: str, scale: float = 1.0, **kw: float) -> ResponseModel:
        """The default effect of an intervention, multiplied by ``scale`` (0 gives an A/A)."""
        if name not in DEFAULT_EFFECTS:
            raise ValueError(f"unknown intervention {name!r}; known: {sorted(DEFAULT_EFFECTS)}")
        views, reshares = DEFAULT_EFFECTS[name]
        return cls(views_effect=views * scale, reshare_effect=reshares * scale, **kw)

    def truth(self, treated: bool) -> dict[str, float]:
        v = 1 + self.views_effect if treated else 1.0
        s = 1 + self.reshare_effect if treated else 1.0
        lam = self.activity_shape * self.activity_scale
        p = self.share_a / (self.share_a + self.share_b)
        return {
            "views": lam * self.days * v,
            "reshares": lam * self.days * v * p * s,
            "reshares_per_view": p * s,
        }

    def true_effects(self) -> dict[str, float]:
        """Treatment minus control for each goal metric."""
        t, c = self.truth(True), self.truth(False)
        return {k: t[k] - c[k] for k in t}


@dataclass
class Outcomes:
    """Per-user counts for the experiment window and the pre-period."""

    views: np.ndarray
    reshares: np.ndarray
    appeal_overturns: np.ndarray
    false_positive_reports: np.ndarray
    pre: dict[str, np.ndarray] = field(default_factory=dict)


def respond(rng: np.random.Generator, treated: np.ndarray, model: ResponseModel) -> Outcomes:
    """Draw every user's behaviour; ``treated`` marks who saw the intervention."""
    treated = np.asarray(treated, dtype=bool)
    n = treated.size
    lam = rng.gamma(model.activity_shape, model.activity_scale, n)
    p = rng.beta(model.share_a, model.share_b, n)
    v = np.where(treated, 1 + model.views_effect, 1.0)
    s = np.where(treated, 1 + model.reshare_effect, 1.0)
    if np.any(p * s > 1) or np.any(v < 0):
        raise ValueError("effects push a rate out of range")
    pre_views = rng.poisson(lam * model.pre_days)
    views = rng.poisson(lam * model.days * v)
    ov = np.where(treated, 1 + model.overturn_effect, 1.0)
    fp = np.where(treated, 1 + model.fp_report_effect, 1.0)
    return Outcomes(
        views=views,
        reshares=rng.binomial(views, p * s),
        appeal_overturns=rng.poisson(model.overturn_rate * model.days * ov),
        false_positive_reports=rng.poisson(model.fp_report_rate * model.days * fp),
        pre={
            "views": pre_views,
            "reshares": rng.binomial(pre_views, p),
            "appeal_overturns": rng.poisson(model.overturn_rate * model.pre_days, n),
            "false_positive_reports": rng.poisson(model.fp_report_rate * model.pre_days, n),
        },
    )
