-- +goose Up
-- Policy parameter values added by people (DESIGN.md §6). The values
-- SafetyNet ships live in the binary (internal/policy/params) and are not
-- copied here; a row here with the same key, scope and date overrides one.
-- Rows are never changed or deleted: a correction is a new row, which the
-- one read later replaces, so every value once in force stays on record.
-- region is the scope: '' national, or a 2-, 4- or 6-digit code.
CREATE TABLE policy_params (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL,
    region     TEXT NOT NULL,
    valid_from DATE NOT NULL,
    value      TEXT NOT NULL,
    source     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX policy_params_key ON policy_params (key, region, valid_from);

CREATE TRIGGER policy_params_no_update BEFORE UPDATE ON policy_params
BEGIN SELECT RAISE(ABORT, 'policy_params is append-only'); END;
CREATE TRIGGER policy_params_no_delete BEFORE DELETE ON policy_params
BEGIN SELECT RAISE(ABORT, 'policy_params is append-only'); END;

-- +goose Down
DROP TRIGGER policy_params_no_delete;
DROP TRIGGER policy_params_no_update;
DROP TABLE policy_params;
