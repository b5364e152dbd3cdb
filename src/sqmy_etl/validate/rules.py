"""The quarantine rule codes (CONTRACT.md §1, "What happens to bad input").

The Chinese reasons shown to clerks live next to each expectation in
``expectations/*.json``; this list only pins the codes every suite may use,
so a typo in a suite fails loudly instead of inventing a new code.
"""

from __future__ import annotations

RULES: tuple[str, ...] = (
    "missing_id",
    "invalid_issue_no",
    "missing_date",
    "invalid_date",
    "date_out_of_range",
    "invalid_feedback_type",
)
