"""Ingestion: HTTP API, bulk JSONL import, and the service that stores and decides."""
