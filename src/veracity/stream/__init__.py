"""Kafka stream ingestion: at-least-once consumption, idempotent decisions, output topic."""
