-- +goose Up
-- Household economic-status verification (internal/verify).
--
-- verify_sources holds the sources an administrator added; the built-in
-- ones live in code (verify.Catalog). definition is the verify.Source as
-- JSON.
CREATE TABLE verify_sources (
    code       TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- The column mapping last used for a source, reused by the next batch.
CREATE TABLE verify_mappings (
    source     TEXT PRIMARY KEY,
    mapping    TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One import of one file. status: loading (rows being stored, none
-- visible), applied, failed. heartbeat is refreshed with every chunk: a
-- loading batch whose heartbeat stops was killed and is failed later.
CREATE TABLE verify_batches (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    file_hash   TEXT NOT NULL,
    file_size   INTEGER NOT NULL,
    format      TEXT NOT NULL DEFAULT '',
    encoding    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    rows_read   INTEGER NOT NULL DEFAULT 0,
    imported    INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    superseded  INTEGER NOT NULL DEFAULT 0,
    data_as_of  DATE,
    error       TEXT NOT NULL DEFAULT '',
    scope       TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    heartbeat   TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX verify_batches_source ON verify_batches (source, id);
CREATE INDEX verify_batches_hash ON verify_batches (source, file_hash);
-- Rows refused, with every problem (JSON list of verify.Problem) and the
-- row's cells as the file had them, ID numbers masked.
CREATE TABLE verify_rejects (
    batch_id INTEGER NOT NULL REFERENCES verify_batches (id),
    row_num  INTEGER NOT NULL,
    problems TEXT NOT NULL,
    cells    TEXT NOT NULL,
    PRIMARY KEY (batch_id, row_num)
);
-- Departments' records. person_index is the blind index of the ID number
-- (the clear number is never stored); record_key is the source's key with
-- the ID number as its index. current = 1 for the records in force; a
-- newer batch's record with the same key sets the older one's current to 0
-- and superseded_by to itself, so history is kept.
CREATE TABLE verify_records (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    batch_id      INTEGER NOT NULL REFERENCES verify_batches (id),
    row_num       INTEGER NOT NULL,
    record_key    TEXT NOT NULL,
    person_index  TEXT NOT NULL,
    data          TEXT NOT NULL,
    current       INTEGER NOT NULL DEFAULT 0,
    superseded_by INTEGER
);
CREATE INDEX verify_records_person ON verify_records (person_index) WHERE current = 1;
CREATE INDEX verify_records_key ON verify_records (source, record_key) WHERE current = 1;
CREATE INDEX verify_records_batch ON verify_records (batch_id, record_key);
-- Authorisations for verification (授权书), with the scanned form.
CREATE TABLE verify_authorisations (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    county_code   TEXT NOT NULL,
    signed_on     DATE NOT NULL,
    valid_until   DATE NOT NULL,
    signers       TEXT NOT NULL,
    scope         TEXT NOT NULL,
    scan_name     TEXT NOT NULL,
    scan_type     TEXT NOT NULL,
    scan_size     INTEGER NOT NULL,
    scan_sha256   TEXT NOT NULL,
    scan          BLOB NOT NULL,
    revoked_on    DATE,
    revoke_reason TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL,
    recorded_at   TIMESTAMP NOT NULL
);
CREATE INDEX verify_authorisations_household ON verify_authorisations (household_id, signed_on);
-- Verification reports (核对报告) as issued: body is the verify.Report as
-- JSON; the columns repeat what lists filter and sort on.
CREATE TABLE verify_reports (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    household_id     INTEGER NOT NULL REFERENCES households (id),
    county_code      TEXT NOT NULL,
    application_id   INTEGER REFERENCES applications (id),
    authorisation_id INTEGER NOT NULL REFERENCES verify_authorisations (id),
    as_of            DATE NOT NULL,
    discrepancies    INTEGER NOT NULL,
    changed          INTEGER NOT NULL,
    body             TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX verify_reports_household ON verify_reports (household_id, id);
CREATE INDEX verify_reports_application ON verify_reports (application_id) WHERE application_id IS NOT NULL;
CREATE TRIGGER verify_reports_no_update BEFORE UPDATE ON verify_reports
BEGIN SELECT RAISE(ABORT, 'verification reports are never changed: issue a new one'); END;

-- +goose Down
DROP TRIGGER verify_reports_no_update;
DROP TABLE verify_reports;
DROP TABLE verify_authorisations;
DROP TABLE verify_records;
DROP TABLE verify_rejects;
DROP TABLE verify_batches;
DROP TABLE verify_mappings;
DROP TABLE verify_sources;
