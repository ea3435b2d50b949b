"""Operations: health and readiness, Prometheus metrics, structured logs, rate limits, input
guards, PII redaction and data retention (issue 9)."""
