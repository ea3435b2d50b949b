"""The job's SQL, written once in the subset DuckDB and Spark SQL share.

Only ANSI pieces both engines read the same way: CTEs, joins, GROUP BY, CASE, FLOOR, LN,
LEAST/GREATEST, ROUND, COUNT(DISTINCT). Times are epoch seconds (BIGINT), so no dialect's
date functions are needed. Pairs within a window are found with a bucket join (bucket width =
window, joined to the same and the previous bucket), so a popular item costs what its
simultaneous actors cost, not the square of everyone who ever touched it. Every result is
ordered on all its key columns and float sums are rounded, so both engines return the same rows.
"""

from __future__ import annotations

from veracity.detect.coordination.config import ALL_TRACES, CoordinationConfig


def _time_filter(column: str, since: int | None, until: int | None) -> str:
    parts = []
    if since is not None:
        parts.append(f"{column} >= {int(since)}")
    if until is not None:
        parts.append(f"{column} < {int(until)}")
    return " AND ".join(parts) if parts else "1 = 1"


def actions_cte(config: CoordinationConfig, since: int | None, until: int | None) -> str:
    """``acts(account_id, trace, item, ts, w)``: every co-action, with its trace's window."""
    window = " ".join(f"WHEN '{t}' THEN {config.window(t)}" for t in ALL_TRACES)
    return f"""
raw_acts AS (
  SELECT account_id, trace, item, ts FROM traces WHERE {_time_filter("ts", since, until)}
  UNION ALL
  SELECT account_id, type AS trace,
         CASE WHEN type = 'follow' THEN target_account_id ELSE content_id END AS item, ts
  FROM events
  WHERE type IN ('share', 'like', 'follow') AND {_time_filter("ts", since, until)}
),
acts AS (
  SELECT DISTINCT account_id, trace, item, ts,
         CASE trace {window} ELSE 0 END AS w
  FROM raw_acts
  WHERE account_id IS NOT NULL AND item IS NOT NULL
)"""


def pair_edges_sql(config: CoordinationConfig, since: int | None, until: int | None) -> str:
    """``(trace, src, dst, items, weight, min_dt, first_ts, last_ts)`` per account pair and
    trace: items acted on by both within the trace's window, each weighted 1/ln(1 + n) with
    n the item's distinct actors (popular items count for little; over the cap, nothing)."""
    cap = int(config.max_item_accounts)
    return f"""
WITH {actions_cte(config, since, until)},
item_n AS (
  SELECT trace, item, COUNT(DISTINCT account_id) AS n FROM acts GROUP BY trace, item
),
kept AS (
  SELECT a.account_id, a.trace, a.item, a.ts, a.w, i.n,
         CAST(FLOOR(a.ts / a.w) AS BIGINT) AS bucket
  FROM acts a JOIN item_n i ON a.trace = i.trace AND a.item = i.item
  WHERE i.n >= 2 AND i.n <= {cap}
),
probe AS (
  SELECT account_id, trace, item, ts, bucket AS jb FROM kept
  UNION ALL
  SELECT account_id, trace, item, ts, bucket + 1 AS jb FROM kept
),
item_pairs AS (
  SELECT a.trace, a.item,
         LEAST(a.account_id, b.account_id) AS src,
         GREATEST(a.account_id, b.account_id) AS dst,
         MAX(a.n) AS n,
         MIN(ABS(a.ts - b.ts)) AS dt,
         MIN(LEAST(a.ts, b.ts)) AS t0
  FROM kept a JOIN probe b
    ON a.trace = b.trace AND a.item = b.item AND a.bucket = b.jb
  WHERE a.account_id <> b.account_id AND ABS(a.ts - b.ts) <= a.w
  GROUP BY a.trace, a.item, LEAST(a.account_id, b.account_id),
           GREATEST(a.account_id, b.account_id)
)
SELECT trace, src, dst,
       COUNT(*) AS items,
       ROUND(SUM(1 / LN(1 + CAST(n AS DOUBLE))), 6) AS weight,
       MIN(dt) AS min_dt,
       MIN(t0) AS first_ts,
       MAX(t0) AS last_ts
FROM item_pairs
GROUP BY trace, src, dst
ORDER BY trace, src, dst"""


def member_items_sql(config: CoordinationConfig, since: int | None, until: int | None) -> str:
    """Per group (table ``members(account_id, group_id)``), member and item: how often and
    when the member acted on it. The evidence (shared items, timing) is built from these."""
    return f"""
WITH {actions_cte(config, since, until)}
SELECT m.group_id, a.account_id, a.trace, a.item,
       COUNT(*) AS actions,
       MIN(a.ts) AS first_ts,
       MAX(a.ts) AS last_ts
FROM acts a JOIN members m ON a.account_id = m.account_id
GROUP BY m.group_id, a.account_id, a.trace, a.item
ORDER BY m.group_id, a.account_id, a.trace, a.item"""


def reach_sql(since: int | None, until: int | None) -> str:
    """Per group: distinct accounts that viewed, liked, shared or commented its members' posts."""
    return f"""
SELECT m.group_id, COUNT(DISTINCT e.account_id) AS reach
FROM events e
JOIN posts p ON e.content_id = p.content_id
JOIN members m ON p.account_id = m.account_id
WHERE e.type IN ('view', 'like', 'share', 'comment') AND e.account_id <> p.account_id
  AND {_time_filter("e.ts", since, until)}
GROUP BY m.group_id
ORDER BY m.group_id"""


def raw_likes_sql(since: int | None, until: int | None) -> str:
    """Raw like counts of the content in table ``liked(content_id)``, for count corrections."""
    return f"""
SELECT e.content_id, COUNT(*) AS n
FROM events e JOIN liked l ON e.content_id = l.content_id
WHERE e.type = 'like' AND {_time_filter("e.ts", since, until)}
GROUP BY e.content_id
ORDER BY e.content_id"""
