"""The sandbox's SQLite schema and the indexes that keep it interactive at a million rows.

Result fields the API filters and sorts on (verdict, score, snapshot version) are real columns,
classifier tags live in a side table keyed for "any of these tags" lookups, and scanner snapshots
are stored once per distinct content rather than once per observation.
"""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    monthly_quota INTEGER NOT NULL,
    credit_limit INTEGER
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    distinct_id TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    is_email_verified INTEGER,
    role_at_organization TEXT
);
CREATE TABLE IF NOT EXISTS api_keys (
    key_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    scopes TEXT NOT NULL,
    project_ids TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scanners (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    scanner_type TEXT NOT NULL,
    scanner_config TEXT NOT NULL,
    query TEXT NOT NULL,
    sampling_rate REAL NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    emits_signals INTEGER NOT NULL,
    scanner_version INTEGER NOT NULL,
    estimated_monthly_observations INTEGER,
    estimated_at TEXT,
    last_swept_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    sampling_mode TEXT NOT NULL DEFAULT 'comprehensive',
    tags TEXT NOT NULL DEFAULT '[]',
    credit_limit INTEGER,
    UNIQUE (project_id, name)
);
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL,
    scanner_id TEXT NOT NULL REFERENCES scanners(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error_reason TEXT NOT NULL DEFAULT '',
    workflow_id TEXT NOT NULL DEFAULT '',
    snapshot_id INTEGER REFERENCES snapshots(id),
    scanner_result TEXT,
    triggered_by TEXT NOT NULL,
    triggered_by_user INTEGER REFERENCES users(id),
    started_at TEXT,
    completed_at TEXT,
    created_at TEXT NOT NULL,
    result_verdict TEXT,
    result_score REAL,
    scanner_version INTEGER,
    distinct_id TEXT,
    recording_subject_email TEXT,
    result_confidence REAL,
    backfill_id TEXT,
    label_is_correct INTEGER,
    label_feedback TEXT,
    label_updated_at TEXT,
    UNIQUE (scanner_id, session_id)
);
CREATE TABLE IF NOT EXISTS observation_tags (
    scanner_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    obs_pk INTEGER NOT NULL REFERENCES observations(pk) ON DELETE CASCADE,
    freeform INTEGER NOT NULL,
    PRIMARY KEY (scanner_id, tag, obs_pk, freeform)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS recordings (
    session_id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    start_time TEXT NOT NULL,
    duration REAL NOT NULL,
    active_seconds REAL NOT NULL,
    start_url TEXT NOT NULL,
    browser TEXT NOT NULL,
    os TEXT NOT NULL,
    country TEXT NOT NULL,
    distinct_id TEXT NOT NULL,
    person_email TEXT,
    event_count INTEGER NOT NULL,
    console_error_count INTEGER NOT NULL,
    console_warn_count INTEGER NOT NULL,
    console_log_count INTEGER NOT NULL,
    is_test_account INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS recording_events (
    session_id TEXT NOT NULL REFERENCES recordings(session_id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (session_id, event)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
    workflow_id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    scanner_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_id INTEGER,
    created_at TEXT NOT NULL,
    triggered_by TEXT
);
"""

# Columns added after the first release, for database files created before them (a demo database
# survives restarts): (table, column, declaration), each added when missing.
ADDED_COLUMNS = (
    ("projects", "credit_limit", "INTEGER"),
    ("scanners", "sampling_mode", "TEXT NOT NULL DEFAULT 'comprehensive'"),
    ("scanners", "tags", "TEXT NOT NULL DEFAULT '[]'"),
    ("scanners", "credit_limit", "INTEGER"),
    ("observations", "result_confidence", "REAL"),
    ("observations", "backfill_id", "TEXT"),
    ("observations", "label_is_correct", "INTEGER"),
    ("observations", "label_feedback", "TEXT"),
    ("observations", "label_updated_at", "TEXT"),
    ("jobs", "triggered_by", "TEXT"),
)

# Indexes are separate so the benchmark can build a naive database without them. The script
# first drops the indexes earlier versions made (a file from before is migrated on opening,
# and dropping first keeps it from holding both generations at once).
#
# Sorts: each key carries the id tie-break in the direction the API sorts (key either way, id
# ascending), so a page is an index walk even when thousands of rows share a score.
# created_at, the default order and the export's, is indexed both ways, alone and after a
# status: a page deep in a million rows otherwise sorted, or read in full, every row before
# it (1.3-26 s a page, now 30-100 ms). Started and completed are indexed one way: read
# backwards, only rows sharing a time are sorted. Every sort index (and the status-first
# ones) ends with the status and the verdict (the score's, a scorer's, with the status alone),
# so the two common filters, a status or a verdict bar's click, walk the index alone: with one
# status, SQLite took the status index and sorted every row of it (2.4 s for the first page by
# started, newest first, at a million rows), and a page deep in a verdict read each row it
# skipped (1.2-2.9 s halfway through a million-row monitor's "no" rows; now 0.04-0.15 s).
# Status, verdict and version, with few values, are indexed both ways: backwards, a page
# sorted the whole run of rows sharing the first value.
#
# Stats: the billing sums read the ascending created_at-after-status index. The version
# index also holds what the version markers read (0.7 s at a million rows when they read
# each row). The rated rows (a partial index: few rows) cover the labels block with or
# without a status filter: without it, those three queries walked every row of the scanner
# (0.6 s of a 0.66 s call at 200,000). The second rated index keeps a "rated" list filter a
# walk in page order (SQLite picks a partial index for it either way, and the first would
# make it sort every rated row).
INDEXES = """
DROP INDEX IF EXISTS obs_scanner_billing;
DROP INDEX IF EXISTS obs_scanner_billing_v2;
DROP INDEX IF EXISTS obs_scanner_completed;
DROP INDEX IF EXISTS obs_scanner_created;
DROP INDEX IF EXISTS obs_scanner_created_asc;
DROP INDEX IF EXISTS obs_scanner_created_v2;
DROP INDEX IF EXISTS obs_scanner_score;
DROP INDEX IF EXISTS obs_scanner_score_desc;
DROP INDEX IF EXISTS obs_scanner_started;
DROP INDEX IF EXISTS obs_scanner_status;
DROP INDEX IF EXISTS obs_scanner_status_id;
DROP INDEX IF EXISTS obs_scanner_status_id_desc;
DROP INDEX IF EXISTS obs_scanner_status_score;
DROP INDEX IF EXISTS obs_scanner_status_v2;
DROP INDEX IF EXISTS obs_scanner_status_verdict;
DROP INDEX IF EXISTS obs_scanner_verdict;
DROP INDEX IF EXISTS obs_scanner_verdict_id;
DROP INDEX IF EXISTS obs_scanner_verdict_id_desc;
DROP INDEX IF EXISTS obs_scanner_version;
DROP INDEX IF EXISTS obs_scanner_version_desc;
DROP INDEX IF EXISTS obs_scanner_version_v2;
CREATE INDEX IF NOT EXISTS obs_scanner_created_v3
    ON observations (scanner_id, created_at DESC, id, status, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_created_asc_v2
    ON observations (scanner_id, created_at, id, status, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_status_v3
    ON observations (scanner_id, status, created_at DESC, id, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_started_v2
    ON observations (scanner_id, started_at, id, status, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_completed_v2
    ON observations (scanner_id, completed_at, id, status, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_status_id_v2
    ON observations (scanner_id, status, id, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_status_id_desc_v2
    ON observations (scanner_id, status DESC, id, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_verdict_id_v2
    ON observations (scanner_id, result_verdict, id, status);
CREATE INDEX IF NOT EXISTS obs_scanner_verdict_id_desc_v2
    ON observations (scanner_id, result_verdict DESC, id, status);
CREATE INDEX IF NOT EXISTS obs_scanner_version_desc_v2
    ON observations (scanner_id, scanner_version DESC, id, status, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_score_v2
    ON observations (scanner_id, result_score, id, status) WHERE result_score IS NOT NULL;
CREATE INDEX IF NOT EXISTS obs_scanner_score_desc_v2
    ON observations (scanner_id, result_score DESC, id, status) WHERE result_score IS NOT NULL;
CREATE INDEX IF NOT EXISTS obs_scanner_status_score_v2
    ON observations (scanner_id, status, result_score, id, created_at);
CREATE INDEX IF NOT EXISTS obs_scanner_status_score_desc
    ON observations (scanner_id, status, result_score DESC, id);
CREATE INDEX IF NOT EXISTS obs_scanner_status_verdict_v2
    ON observations (scanner_id, status, result_verdict, created_at);
CREATE INDEX IF NOT EXISTS obs_scanner_version_v3
    ON observations (scanner_id, scanner_version, id, created_at, label_is_correct, snapshot_id,
                     status, result_verdict);
CREATE INDEX IF NOT EXISTS obs_project_created ON observations (project_id, created_at);
CREATE INDEX IF NOT EXISTS obs_scanner_billing_v3
    ON observations (scanner_id, status, created_at, id, snapshot_id, result_verdict);
CREATE INDEX IF NOT EXISTS obs_scanner_labelled_v2
    ON observations (scanner_id, status, created_at, label_is_correct, label_updated_at)
    WHERE label_is_correct IS NOT NULL;
CREATE INDEX IF NOT EXISTS obs_scanner_rated_created
    ON observations (scanner_id, created_at DESC, id) WHERE label_is_correct IS NOT NULL;
CREATE INDEX IF NOT EXISTS obs_tags_pk ON observation_tags (obs_pk);
CREATE INDEX IF NOT EXISTS scanners_project ON scanners (project_id, name);
CREATE INDEX IF NOT EXISTS recordings_project_start ON recordings (project_id, start_time);
CREATE INDEX IF NOT EXISTS recording_events_event ON recording_events (event, session_id);
"""
