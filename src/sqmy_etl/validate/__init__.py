"""Row validation with Great Expectations suites kept as JSON in ``expectations/``."""
