"""Coordinated inauthentic behaviour and fake engagement, as one batch job over the event log.

``traces`` turns content into co-action items (links, media hashes, hashtag sequences,
near-identical text); ``sql`` holds the one engine-neutral SQL that pairs accounts acting on
the same item within a window; ``engines`` runs it on DuckDB or Spark; ``graph`` calibrates
pair scores and finds communities (Leiden); ``lockstep`` keeps CopyCatch-style engagement
groups; ``job`` ties it together and ``store`` writes campaigns and engagement discounts.
"""
