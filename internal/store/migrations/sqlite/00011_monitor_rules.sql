-- +goose Up
-- Risk rules of the dynamic monitoring (internal/monitor): an expr
-- expression over a person's and household's facts, scoped to a region
-- (a code prefix; '' for everywhere). One rule per code and region: a
-- county's own version of a rule sits beside the national one.
CREATE TABLE monitor_rules (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL,
    region     TEXT NOT NULL,
    zh         TEXT NOT NULL,
    en         TEXT NOT NULL DEFAULT '',
    expression TEXT NOT NULL,
    severity   TEXT NOT NULL,
    side       TEXT NOT NULL,
    program    TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (code, region)
);

-- +goose Down
DROP TABLE monitor_rules;
