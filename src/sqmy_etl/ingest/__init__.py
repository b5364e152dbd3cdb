"""Ingest: read ledgers, map headers, normalise values, validate, load raw."""
