"""Enforcement delivery: a transactional outbox, signed webhooks with retries, a pull API."""
