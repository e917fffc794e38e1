-- +goose Up
-- Verification runs (核对批次任务, internal/verify/batch.go): every
-- household of a region with an active enrollment or a pending application
-- verified on one day, with one result row per household.
--
-- One run per region and day: starting it again resumes it (a stopped run)
-- or answers with it (a finished one). status: running, done, failed,
-- cancelled. lease names the process running it; heartbeat is refreshed
-- with every chunk of results, so a running run whose heartbeat stopped was
-- killed and may be taken over. The counts are of the results stored;
-- households is the number to verify (counted at the start and on resuming,
-- the final number at the end). reviews counts the reviews opened from it.
CREATE TABLE verify_runs (
    id               INTEGER PRIMARY KEY,
    region           TEXT NOT NULL,
    as_of            DATE NOT NULL,
    status           TEXT NOT NULL,
    households       INTEGER NOT NULL DEFAULT 0,
    verified         INTEGER NOT NULL DEFAULT 0,
    no_authorisation INTEGER NOT NULL DEFAULT 0,
    errors           INTEGER NOT NULL DEFAULT 0,
    changed          INTEGER NOT NULL DEFAULT 0,
    reviews          INTEGER NOT NULL DEFAULT 0,
    lease            TEXT NOT NULL DEFAULT '',
    started_by       TEXT NOT NULL,
    started_at       TIMESTAMP NOT NULL,
    heartbeat        TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP,
    error            TEXT NOT NULL DEFAULT '',
    UNIQUE (region, as_of)
);
-- One household's result in a run. status: verified, no_authorisation,
-- error (message: why, as a verify.Problem in JSON). programs is the JSON
-- list of verify.ProgramResult: each program concerned with the rules
-- engine's verdict and amount on declared and on verified values.
-- report_id is the report issued where something changed or differs;
-- review_application_id the review opened from it.
CREATE TABLE verify_run_results (
    run_id                INTEGER NOT NULL REFERENCES verify_runs (id),
    household_id          INTEGER NOT NULL REFERENCES households (id),
    county_code           TEXT NOT NULL,
    status                TEXT NOT NULL,
    message               TEXT NOT NULL DEFAULT '',
    discrepancies         INTEGER NOT NULL DEFAULT 0,
    changed               INTEGER NOT NULL DEFAULT 0,
    programs              TEXT NOT NULL,
    report_id             INTEGER REFERENCES verify_reports (id),
    review_application_id INTEGER REFERENCES applications (id),
    PRIMARY KEY (run_id, household_id)
);
CREATE INDEX verify_run_results_changed ON verify_run_results (run_id, household_id) WHERE changed = 1;
CREATE INDEX verify_run_results_status ON verify_run_results (run_id, status, household_id);

-- +goose Down
DROP TABLE verify_run_results;
DROP TABLE verify_runs;
