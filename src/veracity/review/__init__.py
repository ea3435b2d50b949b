"""Human review: queues and routing, claim locks, the reviewer's decision through the pipeline,
quality of review, and appeals (docs/review.md)."""
