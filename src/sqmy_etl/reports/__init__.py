"""Leadership reports (HTML, PDF, XLSX, mail) built from the published marts only.

Kept import-light: the CLI imports this package at start, so matplotlib,
weasyprint, duckdb and xlsxwriter are imported inside the functions that
need them. Entry points: ``sqmy_etl.reports.build.build_report`` and
``sqmy_etl.reports.mail.send_report``.
"""
