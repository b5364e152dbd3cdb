"""dbt invocation, the near-duplicate step it calls, and publishing after a green build."""
