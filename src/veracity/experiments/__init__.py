"""A/B experiments on policies and interventions (issue 8): definitions, salted-hash assignment,
exposure logging and the analysis (docs/experiments.md)."""
