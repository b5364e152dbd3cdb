"""The data-quality report: what ingest held back, rejected or could not map."""
