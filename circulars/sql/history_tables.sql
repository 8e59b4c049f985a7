CREATE TABLE IF NOT EXISTS projection_checkpoints (name VARCHAR PRIMARY KEY, last_seq BIGINT NOT NULL);

CREATE TABLE IF NOT EXISTS projection_runs (
    run_id VARCHAR, after_seq BIGINT, last_seq BIGINT, as_of TIMESTAMPTZ, projected_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS receipt_history (
    circular_sha256 VARCHAR, file_name VARCHAR, size BIGINT, media_type VARCHAR,
    kind VARCHAR, seq BIGINT, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS reading_history (
    reading_id VARCHAR, circular_sha256 VARCHAR, reader_version VARCHAR, status VARCHAR,
    symbol VARCHAR, issued_on DATE, place VARCHAR, languages VARCHAR[], page_count INTEGER,
    enclosure_pages INTEGER, reason_code VARCHAR, reason VARCHAR, page INTEGER,
    seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS document_history (
    reading_id VARCHAR, symbol VARCHAR, kind VARCHAR, body VARCHAR, title VARCHAR,
    issued_on DATE, place VARCHAR, meeting_on DATE, language VARCHAR,
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS link_history (
    reading_id VARCHAR, from_symbol VARCHAR, to_symbol VARCHAR, link VARCHAR, evidence VARCHAR[],
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS decision_history (
    reading_id VARCHAR, change VARCHAR, decision_id VARCHAR, symbol VARCHAR, list_symbol VARCHAR,
    body VARCHAR, meeting_on DATE, item_no INTEGER, action VARCHAR, subject VARCHAR,
    "references" VARCHAR[], adopted_on DATE, deadline_utc TIMESTAMPTZ, adopted_symbol VARCHAR,
    broken_by VARCHAR, how VARCHAR, evidence VARCHAR[],
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS plan_history (
    reading_id VARCHAR, change VARCHAR, plan_symbol VARCHAR, plan_year INTEGER, item_no INTEGER,
    title VARCHAR, organizers VARCHAR[], lead_organizer VARCHAR, timing_text VARCHAR,
    starts_on DATE, ends_on DATE, timing_precision VARCHAR, how VARCHAR, amended_by VARCHAR,
    after_item_no INTEGER, statement_text VARCHAR, evidence VARCHAR[],
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS budget_history (
    reading_id VARCHAR, change VARCHAR, budget_symbol VARCHAR, budget_year INTEGER, supersedes VARCHAR,
    line_no INTEGER, position INTEGER, section VARCHAR, title VARCHAR, amount_usd BIGINT, line_kind VARCHAR,
    currency VARCHAR, amount_before BIGINT, corrected_by VARCHAR, evidence VARCHAR[],
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS unread_history (
    reading_id VARCHAR, statement_id VARCHAR, document_symbol VARCHAR, statement_kind VARCHAR, text VARCHAR,
    why VARCHAR, detail VARCHAR, candidates VARCHAR[], about_event_id VARCHAR,
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS correction_history (
    event_type VARCHAR, change VARCHAR, entity VARCHAR, plan_year INTEGER, item_no INTEGER, budget_year INTEGER, line VARCHAR,
    symbol VARCHAR, field VARCHAR, value VARCHAR, starts_on DATE, ends_on DATE, timing_precision VARCHAR,
    review_item_id VARCHAR, item_id VARCHAR, reverted_event_id VARCHAR, kind VARCHAR, text VARCHAR,
    "by" VARCHAR, reason VARCHAR, circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ,
    recorded_at TIMESTAMPTZ, event_id VARCHAR, replaced VARCHAR);

CREATE TABLE IF NOT EXISTS resolution_history (
    reading_id VARCHAR, resolves VARCHAR, event_type VARCHAR, evidence VARCHAR[], seq BIGINT, event_id VARCHAR);
