"""Apply the per-token rate limit to an authenticated API call (called by ``RoleCheck``)."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request, status

from veracity.ops.ratelimit import Rate, TokenBuckets, rate_for, retry_after_header


def _credential_key(principal: Any) -> str:
    """Per-user tokens by id, sessions by user, configured tokens share one bucket."""
    if principal.token_id is not None:
        return f"token:{principal.token_id}"
    if principal.user_id is not None:
        return f"user:{principal.user_id}"
    return f"actor:{principal.actor}"


def check_rate(request: Request, principal: Any) -> None:
    """Raise 429 with Retry-After when the caller's bucket is empty; no-op when disabled."""
    settings = getattr(request.app.state, "settings", None)
    buckets: TokenBuckets | None = getattr(request.app.state, "rate_buckets", None)
    if settings is None or buckets is None or not settings.rate_limit_enabled:
        return
    if getattr(request.state, "rate_checked", False):
        return  # a route with several role checks counts once
    request.state.rate_checked = True
    rate = rate_for(
        [str(role) for role in principal.roles],
        Rate(settings.rate_limit_per_s, settings.rate_limit_burst),
        settings.rate_limit_roles,
        settings.rate_limit_burst / settings.rate_limit_per_s,
    )
    wait = buckets.take(_credential_key(principal), rate)
    if wait > 0:
        metrics = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            metrics.rate_limited.labels(principal.role_label or "none").inc()
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail="rate limit exceeded for this API token; retry later",
            headers={"Retry-After": retry_after_header(wait)},
        )
