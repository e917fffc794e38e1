-- +goose Up
-- Monitoring runs and the warnings they raise (internal/monitor, issue 6).
--
-- A run evaluates the active rules over a region's monitored population
-- on one day: monthly by itself (scheduled = 1) or on demand. One run per
-- region and day: starting it again resumes a stopped run from
-- after_household (the keyset of the last chunk stored) or answers with a
-- finished one. raised counts the warnings created, repeats the hits not
-- raised again because the same person and rule were warned within the
-- window (monitor.repeat.months). total is the monitored population counted
-- when the run starts or resumes; households those evaluated so far.
CREATE TABLE monitor_runs (
    id              INTEGER PRIMARY KEY,
    region          TEXT NOT NULL,
    as_of           DATE NOT NULL,
    scheduled       INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL,
    rules           INTEGER NOT NULL DEFAULT 0,
    total           INTEGER NOT NULL DEFAULT 0,
    households      INTEGER NOT NULL DEFAULT 0,
    persons         INTEGER NOT NULL DEFAULT 0,
    raised          INTEGER NOT NULL DEFAULT 0,
    repeats         INTEGER NOT NULL DEFAULT 0,
    errors          INTEGER NOT NULL DEFAULT 0,
    after_household INTEGER NOT NULL DEFAULT 0,
    lease           TEXT NOT NULL DEFAULT '',
    started_by      TEXT NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    heartbeat       TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    error           TEXT NOT NULL DEFAULT '',
    UNIQUE (region, as_of)
);

-- A warning (预警): one rule's hit on one person, and the township's task
-- to visit and settle it. role and region_code say who must handle it;
-- when it is overdue it escalates a level a day, like a workflow task
-- (escalated_role and escalated_to say who holds it now). facts is the
-- JSON of the person's and household's facts the rule saw. status: open,
-- visited (a home visit is recorded), closed (with an outcome).
CREATE TABLE monitor_warnings (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    run_id         INTEGER NOT NULL REFERENCES monitor_runs (id),
    rule_id        INTEGER NOT NULL REFERENCES monitor_rules (id),
    rule_code      TEXT NOT NULL,
    household_id   INTEGER NOT NULL REFERENCES households (id),
    person_id      INTEGER NOT NULL REFERENCES persons (id),
    severity       TEXT NOT NULL,
    side           TEXT NOT NULL,
    program        TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL,
    facts          TEXT NOT NULL,
    raised_on      DATE NOT NULL,
    status         TEXT NOT NULL,
    role           TEXT NOT NULL,
    task_region    TEXT NOT NULL,
    due            DATE NOT NULL,
    level          INTEGER NOT NULL DEFAULT 0,
    escalated_role TEXT NOT NULL DEFAULT '',
    escalated_to   TEXT NOT NULL DEFAULT '',
    escalated_on   DATE,
    visited_on     DATE,
    visited_by     TEXT NOT NULL DEFAULT '',
    visit_note     TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL DEFAULT '',
    outcome_note   TEXT NOT NULL DEFAULT '',
    application_id INTEGER REFERENCES applications (id),
    referral_id    INTEGER,
    closed_on      DATE,
    closed_by      TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (run_id, person_id, rule_code)
);
CREATE INDEX monitor_warnings_repeat ON monitor_warnings (person_id, rule_code, raised_on);
CREATE INDEX monitor_warnings_household ON monitor_warnings (household_id, id);
CREATE INDEX monitor_warnings_region ON monitor_warnings (region_code, id);
CREATE INDEX monitor_warnings_open ON monitor_warnings (role, task_region, due) WHERE status <> 'closed';
CREATE INDEX monitor_warnings_escalated ON monitor_warnings (escalated_role, escalated_to, due) WHERE status <> 'closed' AND level > 0;

-- +goose Down
DROP TABLE monitor_warnings;
DROP TABLE monitor_runs;
