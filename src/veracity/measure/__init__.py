"""Measurement (issue 8): KPIs over the event and decision logs, prevalence sampling and
detector quality. Definitions live in ``veracity.measure.definitions``; docs/measurement.md."""
