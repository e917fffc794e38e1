-- +goose Up
-- Days of the working-day calendar added by administrators (DESIGN.md §7,
-- internal/calendar): a new year's State Council notice, or a correction.
-- The notices SafetyNet ships live in the binary (internal/calendar/
-- holidays.csv) and are not copied here; a row here for a date they hold
-- replaces that day. Rows are never changed or deleted: a correction is a
-- new row for the same date, which the one read later replaces, so every
-- day once in force stays on record (hence no primary key on date).
-- kind is 'holiday' (放假) or 'workday' (调休上班, a Saturday or Sunday).
CREATE TABLE calendar_days (
    id         INTEGER PRIMARY KEY,
    date       DATE NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX calendar_days_date ON calendar_days (date);

CREATE TRIGGER calendar_days_no_update BEFORE UPDATE ON calendar_days
BEGIN SELECT RAISE(ABORT, 'calendar_days is append-only'); END;
CREATE TRIGGER calendar_days_no_delete BEFORE DELETE ON calendar_days
BEGIN SELECT RAISE(ABORT, 'calendar_days is append-only'); END;

-- +goose Down
DROP TRIGGER calendar_days_no_delete;
DROP TRIGGER calendar_days_no_update;
DROP TABLE calendar_days;
