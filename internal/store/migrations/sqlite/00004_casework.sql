-- +goose Up
-- Applications and their workflow (internal/casework, DESIGN.md §7).
-- Household-scoped rows carry county_code (the partition key on
-- PostgreSQL). The columns are what lists and queues filter and sort on;
-- the rest of an application (entrustment, near-relative declaration,
-- materials, notice and visit flags) is the JSON in detail.
CREATE TABLE applications (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    filed_in        TEXT NOT NULL,
    household_id    INTEGER NOT NULL REFERENCES households (id),
    applicant_id    INTEGER NOT NULL REFERENCES persons (id),
    program         TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL,
    state           TEXT NOT NULL,
    entered_on      DATE NOT NULL,
    filed_on        DATE NOT NULL,
    accepted_on     DATE,
    due             DATE,
    notice_from     DATE,
    notice_to       DATE,
    near_relative   INTEGER NOT NULL DEFAULT 0,
    detail          TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX applications_region ON applications (region_code, id);
CREATE INDEX applications_filed_in ON applications (filed_in, id);
CREATE INDEX applications_household ON applications (household_id, program);
CREATE INDEX applications_notice ON applications (county_code, notice_from);

-- Every action taken on an application, in order; never changed.
CREATE TABLE application_events (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    by_user        TEXT NOT NULL,
    by_user_id     INTEGER NOT NULL,
    at             TIMESTAMP NOT NULL,
    data           TEXT NOT NULL
);
CREATE INDEX application_events_app ON application_events (application_id, id);
CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;
CREATE TRIGGER application_events_no_delete BEFORE DELETE ON application_events
BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;

-- Work in someone's inbox: one step of one application for a role in a
-- region. Overdue tasks escalate a level a day: escalated_role and
-- escalated_to say who holds them now.
CREATE TABLE tasks (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    step           TEXT NOT NULL,
    role           TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    due            DATE,
    provisional    INTEGER NOT NULL DEFAULT 0,
    level          INTEGER NOT NULL DEFAULT 0,
    escalated_role TEXT NOT NULL DEFAULT '',
    escalated_to   TEXT NOT NULL DEFAULT '',
    escalated_on   DATE,
    created_at     TIMESTAMP NOT NULL,
    done_at        TIMESTAMP,
    done_by        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_open ON tasks (role, region_code, due) WHERE done_at IS NULL;
CREATE INDEX tasks_escalated ON tasks (escalated_role, escalated_to, due) WHERE done_at IS NULL AND level > 0;
CREATE INDEX tasks_app ON tasks (application_id);

-- The outcome of an application, with the rules engine's explanation.
CREATE TABLE decisions (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications (id),
    household_id   INTEGER NOT NULL REFERENCES households (id),
    program        TEXT NOT NULL,
    kind           TEXT NOT NULL DEFAULT '',
    approved       INTEGER NOT NULL,
    amount         INTEGER NOT NULL,
    start_month    TEXT,
    end_month      TEXT,
    verdict        TEXT NOT NULL DEFAULT '',
    explanation    TEXT NOT NULL DEFAULT '',
    reasons        TEXT NOT NULL DEFAULT '',
    decided_by     TEXT NOT NULL,
    decided_on     DATE NOT NULL,
    created_at     TIMESTAMP NOT NULL
);

-- A household's benefit under a program from a decision: payrolls read
-- the active ones. end_month is the last month paid (NULL: open).
CREATE TABLE enrollments (
    id           INTEGER PRIMARY KEY,
    county_code  TEXT NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    program      TEXT NOT NULL,
    kind         TEXT NOT NULL DEFAULT '',
    decision_id  INTEGER NOT NULL REFERENCES decisions (id),
    amount       INTEGER NOT NULL,
    start_month  TEXT NOT NULL,
    end_month    TEXT,
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX enrollments_household ON enrollments (household_id, program);
CREATE INDEX enrollments_county ON enrollments (county_code, program, status);

-- +goose Down
DROP TABLE enrollments;
DROP TABLE decisions;
DROP TABLE tasks;
DROP TRIGGER application_events_no_delete;
DROP TRIGGER application_events_no_update;
DROP TABLE application_events;
DROP TABLE applications;
