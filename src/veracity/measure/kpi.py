"""The KPI engine: SQL over the Parquet input (measure.source) in DuckDB, plus the two KPIs the
review and AI-label modules already define (reviewer kappa, AI label coverage), read through
SQLAlchemy so that every report of them agrees. Definitions: measure.definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from veracity.detect.aigc.coverage import wilson_interval
from veracity.detect.coordination.prepare import epoch
from veracity.measure.definitions import DEFAULT_TTA_ANCHOR, TTA_ANCHORS
from veracity.measure.source import SCHEMA


class EngineUnavailable(RuntimeError):
    """DuckDB is not installed."""


@dataclass(frozen=True)
class Window:
    """``[since, until)`` in epoch seconds; either side may be open."""

    since: int | None = None
    until: int | None = None

    @classmethod
    def of(cls, since: datetime | None, until: datetime | None) -> Window:
        if since is not None and until is not None and since >= until:
            raise ValueError("--since must be before --until")
        return cls(epoch(since), epoch(until))

    def where(self, column: str) -> str:
        parts = ["TRUE"]
        if self.since is not None:
            parts.append(f"{column} >= {int(self.since)}")
        if self.until is not None:
            parts.append(f"{column} < {int(self.until)}")
        return " AND ".join(parts)


def connect(folder: Path, threads: int | None = None) -> Any:
    """A DuckDB connection with one view per input table (missing files read as empty)."""
    try:
        import duckdb
    except ImportError:  # an optional dependency (the coordination extra)
        raise EngineUnavailable(
            "the KPI engine needs DuckDB: pip install 'veracity[coordination]'"
        ) from None

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    for name, columns in SCHEMA.items():
        path = folder / f"{name}.parquet"
        if path.exists():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        else:
            cols = ", ".join(f"NULL::{t} AS {c}" for c, t in columns.items())
            con.execute(f"CREATE VIEW {name} AS SELECT {cols} WHERE FALSE")
    return con


def _share(hits: int, items: int) -> dict[str, Any]:
    ci = wilson_interval(hits, items)
    return {
        "items": items,
        "hits": hits,
        "rate": hits / items if items else None,
        "ci95": list(ci) if ci else None,
    }


def _first_actions_sql(window: Window) -> str:
    """One row per actioned item: its first visibility action, with views before it."""
    return f"""
    CREATE OR REPLACE TEMP TABLE first_action AS
    WITH firsts AS (
        SELECT content_id, min(t) AS t, arg_min(policy, t) AS policy,
               arg_min(removal, t) AS removal
        FROM actions GROUP BY content_id
    ), chosen AS (SELECT * FROM firsts WHERE {window.where("t")}),
    vb AS (
        SELECT v.content_id, count(*) AS views
        FROM views v JOIN chosen c ON v.content_id = c.content_id
        WHERE v.t < c.t GROUP BY v.content_id
    ), fr AS (
        SELECT r.content_id, min(r.t) AS first_report
        FROM reports r JOIN chosen c ON r.content_id = c.content_id GROUP BY r.content_id
    )
    SELECT c.content_id, c.t, c.policy, c.removal, coalesce(vb.views, 0) AS views_before,
           fr.first_report, ct.created
    FROM chosen c
    LEFT JOIN vb ON vb.content_id = c.content_id
    LEFT JOIN fr ON fr.content_id = c.content_id
    LEFT JOIN (SELECT id, min(created) AS created FROM content GROUP BY id) ct
      ON ct.id = c.content_id
    """


def compute(
    folder: Path,
    window: Window = Window(),
    *,
    anchor: str = DEFAULT_TTA_ANCHOR,
    threads: int | None = None,
) -> dict[str, Any]:
    """The event- and decision-log KPIs over the Parquet folder (see measure.definitions)."""
    if anchor not in TTA_ANCHORS:
        raise ValueError(f"unknown anchor {anchor!r}; one of {', '.join(TTA_ANCHORS)}")
    con = connect(folder, threads)
    try:
        return _compute(con, window, anchor)
    finally:
        con.close()


def _compute(con: Any, window: Window, anchor: str) -> dict[str, Any]:
    con.execute(_first_actions_sql(window))
    actioned, proactive, removals, zero_view, within_24h = con.execute(
        """SELECT count(*),
                  count(*) FILTER (WHERE first_report IS NULL OR first_report > t),
                  count(*) FILTER (WHERE removal),
                  count(*) FILTER (WHERE removal AND views_before = 0),
                  count(*) FILTER (WHERE removal AND created IS NOT NULL
                                   AND t - created <= 86400)
           FROM first_action"""
    ).fetchone()
    start = "created" if anchor == "content_posted" else "first_report"
    p50, p90, timed = con.execute(
        f"""SELECT quantile_cont((t - {start}) / 3600.0, 0.5),
                   quantile_cont((t - {start}) / 3600.0, 0.9), count(*)
            FROM first_action WHERE {start} IS NOT NULL AND t >= {start}"""
    ).fetchone()
    total, mean, median, p90v, zero, under10 = con.execute(
        """SELECT coalesce(sum(views_before), 0), avg(views_before),
                  quantile_cont(views_before, 0.5), quantile_cont(views_before, 0.9),
                  count(*) FILTER (WHERE views_before = 0),
                  count(*) FILTER (WHERE views_before < 10)
           FROM first_action"""
    ).fetchone()
    all_views, by_policy = _actioned_views(con, window)
    return {
        "window": {"since": window.since, "until": window.until},
        "actioned_items": int(actioned),
        "proactive_rate": _share(int(proactive), int(actioned)),
        "removed_before_views": _share(int(zero_view), int(removals)),
        "removed_within_24h": _share(int(within_24h), int(removals)),
        "time_to_action_anchor": anchor,
        "time_to_action_items": int(timed),
        "time_to_action_p50_h": _round(p50),
        "time_to_action_p90_h": _round(p90),
        "views_before_action": {
            "total": int(total),
            "mean": _round(mean),
            "median": _round(median),
            "p90": _round(p90v),
            "share_zero": _share(int(zero), int(actioned)),
            "share_under_10": _share(int(under10), int(actioned)),
        },
        "actioned_view_rate": {
            "views": all_views,
            "by_policy": by_policy,
        },
        "appeal_overturn_rate": _overturns(con, window),
    }


def _actioned_views(con: Any, window: Window) -> tuple[int, dict[str, Any]]:
    all_views = int(
        con.execute(f"SELECT count(*) FROM views WHERE {window.where('t')}").fetchone()[0]
    )
    rows = con.execute(
        f"""WITH pol AS (SELECT content_id, arg_min(policy, t) AS policy FROM actions
                         GROUP BY content_id)
            SELECT pol.policy, count(*) FROM views v JOIN pol ON pol.content_id = v.content_id
            WHERE {window.where("v.t")} GROUP BY pol.policy ORDER BY pol.policy"""
    ).fetchall()
    return all_views, {
        str(p): {
            "views": int(n),
            "per_10000": round(10_000 * n / all_views, 4) if all_views else None,
        }
        for p, n in rows
    }


def _overturns(con: Any, window: Window) -> dict[str, Any]:
    rows = con.execute(
        f"""SELECT strftime(to_timestamp(decision_t), '%G-W%V') AS cohort,
                   count(*) FILTER (WHERE status = 'decided' OR outcome IS NOT NULL) AS decided,
                   count(*) FILTER (WHERE outcome = 'reversed') AS reversed,
                   count(*) AS lodged
            FROM appeals WHERE {window.where("decision_t")}
            GROUP BY cohort ORDER BY cohort"""
    ).fetchall()
    cohorts = {str(c): {**_share(int(r), int(d)), "lodged": int(n)} for c, d, r, n in rows}
    decided = sum(int(d) for _, d, _, _ in rows)
    reversed_ = sum(int(r) for _, _, r, _ in rows)
    return {
        **_share(reversed_, decided),
        "cohort": "ISO week of the enforcement decision",
        "cohorts": cohorts,
    }


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def daily(
    folder: Path, window: Window = Window(), threads: int | None = None
) -> list[dict[str, Any]]:
    """Per UTC day: views, items actioned (by first action), removals, proactive actions: the
    dashboards' time series."""
    con = connect(folder, threads)
    try:
        con.execute(_first_actions_sql(window))
        rows = con.execute(
            f"""WITH v AS (SELECT (t // 86400) AS d, count(*) AS views FROM views
                           WHERE {window.where("t")} GROUP BY d),
                     a AS (SELECT (t // 86400) AS d, count(*) AS actioned,
                                  count(*) FILTER (WHERE removal) AS removals,
                                  count(*) FILTER (WHERE first_report IS NULL
                                                   OR first_report > t) AS proactive
                           FROM first_action GROUP BY d)
                SELECT coalesce(v.d, a.d) AS d, coalesce(views, 0), coalesce(actioned, 0),
                       coalesce(removals, 0), coalesce(proactive, 0)
                FROM v FULL OUTER JOIN a ON v.d = a.d ORDER BY d"""
        ).fetchall()
    finally:
        con.close()
    return [
        {
            "day": int(d) * 86400,
            "views": int(v),
            "actioned": int(a),
            "removals": int(r),
            "proactive": int(p),
        }
        for d, v, a, r, p in rows
    ]


def funnel(
    folder: Path, window: Window = Window(), threads: int | None = None
) -> list[tuple[str, int]]:
    """Content items -> actioned -> removed -> removed within 24 h -> removed before any view."""
    con = connect(folder, threads)
    try:
        con.execute(_first_actions_sql(window))
        items = con.execute(
            f"SELECT count(DISTINCT id) FROM content WHERE {window.where('created')}"
        ).fetchone()[0]
        actioned, removed, in24, zero = con.execute(
            """SELECT count(*), count(*) FILTER (WHERE removal),
                      count(*) FILTER (WHERE removal AND created IS NOT NULL
                                       AND t - created <= 86400),
                      count(*) FILTER (WHERE removal AND views_before = 0) FROM first_action"""
        ).fetchone()
    finally:
        con.close()
    return [
        ("content items", int(items)),
        ("actioned", int(actioned)),
        ("removed", int(removed)),
        ("removed within 24 h", int(in24)),
        ("removed before any view", int(zero)),
    ]
