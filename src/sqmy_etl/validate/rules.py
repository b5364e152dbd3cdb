"""The quarantine rule codes (CONTRACT.md §1, "What happens to bad input").

The Chinese reasons shown to clerks live next to each expectation in
``expectations/*.json``; this list only pins the codes every suite may use,
so a typo in a suite fails loudly instead of inventing a new code.
"""

from __future__ import annotations

# the codes the expectation suites use, each at least once
SUITE_RULES: tuple[str, ...] = (
    "missing_id",
    "invalid_issue_no",
    "missing_date",
    "invalid_date",
    "date_out_of_range",
    "invalid_feedback_type",
    "invalid_channel",
    "unknown_theme",
)
# held by a reader, not by a suite: a formula cell whose value Excel never saved
READER_RULES: tuple[str, ...] = ("uncomputed_formula",)
RULES: tuple[str, ...] = SUITE_RULES + READER_RULES
