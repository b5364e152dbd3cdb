-- The raw layer: append-only, one row per source row, with lineage.
-- Values are normalised (NFKC, trimmed, '' -> NULL, dates parsed, issue
-- numbers canonical) but not yet mapped to taxonomy / regions (dbt does that).
-- Personal data is never stored in clear: *_hash is HMAC-SHA256 hex, *_masked
-- is a form a clerk can recognise (138****0000, 张*).
CREATE SCHEMA IF NOT EXISTS raw;

-- one row per distinct file (by content) ever offered; ingest_seq orders deliveries
CREATE SEQUENCE IF NOT EXISTS raw.ingest_seq START 1;
CREATE TABLE IF NOT EXISTS raw.ingest_files (
    file_sha256        VARCHAR PRIMARY KEY,
    ingest_seq         BIGINT NOT NULL,
    original_name      VARCHAR NOT NULL,
    archived_path      VARCHAR,
    size_bytes         BIGINT NOT NULL,
    file_format        VARCHAR NOT NULL,     -- xlsx | csv | json | jsonl
    encoding           VARCHAR,              -- csv only: utf-8 | utf-8-sig | gb18030
    status             VARCHAR NOT NULL,     -- loaded | rejected
    reason             VARCHAR,              -- why rejected
    rows_loaded        BIGINT NOT NULL DEFAULT 0,
    rows_quarantined   BIGINT NOT NULL DEFAULT 0,
    ingested_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.submissions (
    ingest_file_sha256 VARCHAR NOT NULL,
    ingest_seq         BIGINT NOT NULL,
    source_sheet       VARCHAR NOT NULL,     -- sheet name; '' for csv/json
    source_row         BIGINT NOT NULL,      -- 1-based row (xlsx/csv) or record number (json)
    submission_id      VARCHAR NOT NULL,     -- as written (NFKC); matched by dbt on a key
    received_date      DATE NOT NULL,
    title              VARCHAR,
    submitter_hash     VARCHAR,
    submitter_masked   VARCHAR,
    sector             VARCHAR,
    region             VARCHAR,              -- as given (NFKC); mapped by dbt
    theme              VARCHAR,              -- as given (NFKC); mapped by dbt
    content            VARCHAR,
    phone_hash         VARCHAR,
    phone_masked       VARCHAR,
    id_card_hash       VARCHAR,
    id_card_masked     VARCHAR,
    issue_id           VARCHAR,              -- YYYY-NNN when the row names its issue (JSON export)
    extra_json         VARCHAR               -- unknown extra columns, as a JSON object
);

CREATE TABLE IF NOT EXISTS raw.issues (
    ingest_file_sha256 VARCHAR NOT NULL,
    ingest_seq         BIGINT NOT NULL,
    source_sheet       VARCHAR NOT NULL,
    source_row         BIGINT NOT NULL,
    issue_id           VARCHAR NOT NULL,     -- YYYY-NNN
    issue_year         INTEGER NOT NULL,
    issue_seq          INTEGER NOT NULL,
    issue_no_raw       VARCHAR NOT NULL,
    published_date     DATE NOT NULL,
    issue_title        VARCHAR,
    issue_theme        VARCHAR,              -- as given; NULL when the delivery had none
    source_submissions VARCHAR[],            -- ids in listed order; NULL when not given
    extra_json         VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.feedback (
    ingest_file_sha256 VARCHAR NOT NULL,
    ingest_seq         BIGINT NOT NULL,
    source_sheet       VARCHAR NOT NULL,
    source_row         BIGINT NOT NULL,
    issue_no_raw       VARCHAR NOT NULL,
    issue_year         INTEGER,              -- NULL when the number carried no year
    issue_seq          INTEGER NOT NULL,
    feedback_type      VARCHAR NOT NULL,     -- 批示 | 采用 | 报送 | 办理反馈
    level              VARCHAR,
    post               VARCHAR,
    feedback_date      DATE NOT NULL,
    summary            VARCHAR,
    extra_json         VARCHAR
);

-- rows held back: location, rule, reason, and the row with personal data redacted
CREATE TABLE IF NOT EXISTS raw.quarantine (
    quarantine_id      VARCHAR PRIMARY KEY,  -- <sha256[:12]>:<sheet>:<row>
    ingest_file_sha256 VARCHAR NOT NULL,
    original_name      VARCHAR NOT NULL,
    table_kind         VARCHAR NOT NULL,     -- submissions | issues | feedback
    source_sheet       VARCHAR NOT NULL,
    source_row         BIGINT NOT NULL,
    rule               VARCHAR NOT NULL,     -- see validate.rules.RULES
    reason             VARCHAR NOT NULL,     -- human-readable, Chinese
    record_json        VARCHAR NOT NULL,     -- the row, PII hashed/masked
    quarantined_at     TIMESTAMPTZ NOT NULL
);

-- file-level notes for the data-quality report (e.g. an unrecognised sheet)
CREATE TABLE IF NOT EXISTS raw.file_notes (
    ingest_file_sha256 VARCHAR NOT NULL,
    original_name      VARCHAR NOT NULL,
    source_sheet       VARCHAR NOT NULL,
    note               VARCHAR NOT NULL,     -- unrecognised_sheet | ...
    detail             VARCHAR NOT NULL
);

-- rows a reader passed over on purpose (合计/小计/总计, footer lines such as 填表人 /
-- 联系电话 / 备注): counted in the ingest summary, listed in the data-quality report.
-- row_text is the row's non-empty cells joined by ' | ', personal data masked.
CREATE TABLE IF NOT EXISTS raw.skipped_rows (
    ingest_file_sha256 VARCHAR NOT NULL,
    original_name      VARCHAR NOT NULL,
    source_sheet       VARCHAR NOT NULL,
    source_row         BIGINT NOT NULL,
    why                VARCHAR NOT NULL,     -- total | footer
    row_text           VARCHAR NOT NULL
);

-- what happened to a delivery after it was loaded, newest last (append-only).
-- A file counts unless its latest change is 'replaced' or 'retracted';
-- 'redelivered' (the same bytes offered again after a retraction) makes it
-- count again, ordered as a delivery of that change's ingest_seq.
CREATE TABLE IF NOT EXISTS raw.delivery_changes (
    file_sha256        VARCHAR NOT NULL,
    change             VARCHAR NOT NULL,     -- replaced | retracted | redelivered
    by_file_sha256     VARCHAR,              -- replaced: the delivery that replaced it
    ingest_seq         BIGINT NOT NULL,      -- drawn from raw.ingest_seq: orders changes and deliveries
    reason             VARCHAR NOT NULL,     -- shown to clerks (Chinese first)
    changed_at         TIMESTAMPTZ NOT NULL
);

-- columns added after the first release: older warehouses gain them here
ALTER TABLE raw.submissions ADD COLUMN IF NOT EXISTS source_sheet_no INTEGER DEFAULT 0;
ALTER TABLE raw.submissions ADD COLUMN IF NOT EXISTS unit VARCHAR;
ALTER TABLE raw.issues ADD COLUMN IF NOT EXISTS source_sheet_no INTEGER DEFAULT 0;
ALTER TABLE raw.feedback ADD COLUMN IF NOT EXISTS source_sheet_no INTEGER DEFAULT 0;
ALTER TABLE raw.ingest_files ADD COLUMN IF NOT EXISTS data_rows BIGINT;
ALTER TABLE raw.ingest_files ADD COLUMN IF NOT EXISTS table_kinds VARCHAR;
-- CONTRACT §5 lifecycle: 采用方式 (单篇采用 | 综合采用 | 转送), the adopting / receiving /
-- handling body as written, 办理状态 (已办结 | 办理中); an issue's 编发形式 (单篇 | 综合)
ALTER TABLE raw.feedback ADD COLUMN IF NOT EXISTS channel VARCHAR;
ALTER TABLE raw.feedback ADD COLUMN IF NOT EXISTS body VARCHAR;
ALTER TABLE raw.feedback ADD COLUMN IF NOT EXISTS status VARCHAR;
ALTER TABLE raw.issues ADD COLUMN IF NOT EXISTS issue_form VARCHAR;
-- CONTRACT §6 themes. A review sheet (稿件编号 + 确认主题) is a delivery like any ledger:
-- append-only, its confirmed theme already mapped (unknown themes are quarantined); a
-- row left blank is kept (the clerk saw it) but sets nothing.
CREATE TABLE IF NOT EXISTS raw.theme_reviews (
    ingest_file_sha256 VARCHAR NOT NULL,
    ingest_seq         BIGINT NOT NULL,
    source_sheet       VARCHAR NOT NULL,
    source_sheet_no    INTEGER NOT NULL,
    source_row         BIGINT NOT NULL,
    submission_id      VARCHAR NOT NULL,
    confirmed_theme    VARCHAR,              -- as written; NULL: the clerk left it blank
    theme_l1           VARCHAR,              -- mapped; NULL when left blank
    theme_l2           VARCHAR
);
-- Derived from raw.submissions by sqmy_etl.themes before every dbt build and brought up
-- to date there (a cache of the current model's output, not a delivery): suggestions for
-- untagged submissions, and the members of each hot topic (dbt counts them).
CREATE TABLE IF NOT EXISTS raw.theme_suggestions (
    submission_id      VARCHAR NOT NULL,
    suggested_l1       VARCHAR NOT NULL,
    suggested_l2       VARCHAR,
    confidence         DOUBLE NOT NULL,
    model_version      VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.hot_topic_members (
    period_type        VARCHAR NOT NULL,     -- year | quarter | month
    period_label       VARCHAR NOT NULL,
    topic_id           VARCHAR NOT NULL,
    label              VARCHAR NOT NULL,     -- the representative title
    submission_id      VARCHAR NOT NULL
);
ALTER TABLE raw.theme_reviews ADD COLUMN IF NOT EXISTS extra_json VARCHAR;
-- sqmy_etl.themes.suggest refreshes both tables above incrementally: a suggestion keeps a
-- hash of the text it was predicted from, and each hot-topic period searched keeps a
-- fingerprint of its submissions; a period whose fingerprint is unchanged keeps its members.
ALTER TABLE raw.theme_suggestions ADD COLUMN IF NOT EXISTS text_hash UBIGINT;
CREATE TABLE IF NOT EXISTS raw.hot_topic_periods (
    period_type        VARCHAR NOT NULL,     -- year | quarter | month
    period_label       VARCHAR NOT NULL,
    fingerprint        VARCHAR NOT NULL      -- finder settings | count | xor of row hashes
);
