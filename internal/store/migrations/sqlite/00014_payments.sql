-- +goose Up
-- Payments (internal/payment, issue 7): payrolls, their lines and the
-- adjustments carried into them.
--
-- A payroll (发放花名册) pays one program in one county for one month:
-- kind 'regular' (number 0) or 'supplementary' (number 1, 2, … within the
-- month, for lines the bank returned as failed). One per county, program,
-- month, kind and number. Generation is a job like a monitoring run: it
-- stores keyset chunks (after_household) under a lease with a heartbeat,
-- and resumes after a crash. status: generating, prepared, approved (locked),
-- failed. back_from is the first month back pay may cover (the month of the
-- county's first payroll of the program). last_diff is the JSON of what the
-- latest regeneration changed.
CREATE TABLE payrolls (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    program         TEXT NOT NULL,
    month           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    number          INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL,
    households      INTEGER NOT NULL DEFAULT 0,
    lines           INTEGER NOT NULL DEFAULT 0,
    suspended       INTEGER NOT NULL DEFAULT 0,
    regular         INTEGER NOT NULL DEFAULT 0,
    back_pay        INTEGER NOT NULL DEFAULT 0,
    adjustments     INTEGER NOT NULL DEFAULT 0,
    total           INTEGER NOT NULL DEFAULT 0,
    back_from       TEXT NOT NULL,
    started_by      TEXT NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    prepared_by     TEXT NOT NULL DEFAULT '',
    prepared_at     TIMESTAMP,
    approved_by     TEXT NOT NULL DEFAULT '',
    approved_at     TIMESTAMP,
    version         INTEGER NOT NULL,
    runs            INTEGER NOT NULL DEFAULT 0,
    last_diff       TEXT NOT NULL DEFAULT '',
    pending         INTEGER NOT NULL DEFAULT 0,
    done            INTEGER NOT NULL DEFAULT 0,
    after_household INTEGER NOT NULL DEFAULT 0,
    lease           TEXT NOT NULL DEFAULT '',
    heartbeat       TIMESTAMP NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    UNIQUE (county_code, program, month, kind, number)
);

-- Adjustments (更正): corrections recorded by a preparer with a reason,
-- carried by the next payroll of the county and program that is generated
-- (payroll_id; NULL while pending). An approved payroll is never changed.
CREATE TABLE payment_adjustments (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    program         TEXT NOT NULL,
    household_id    INTEGER NOT NULL REFERENCES households (id),
    enrollment_id   INTEGER REFERENCES enrollments (id),
    service_month   TEXT,
    amount          INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    from_payroll_id INTEGER REFERENCES payrolls (id),
    payroll_id      INTEGER REFERENCES payrolls (id),
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL
);
CREATE INDEX payment_adjustments_pending ON payment_adjustments (county_code, program, payroll_id);

-- A payroll's lines: one per household, service month and kind (regular,
-- back_pay, adjustment). The bank account is copied from the household at
-- generation, encrypted as there. explanation is the JSON of
-- payment.Explanation. status: pending until the bank's return marks it
-- paid or failed. A month of a household is paid at most once under a
-- program (payroll_lines_once); a line the bank returned as failed no
-- longer counts, so a supplementary payroll can pay that month again.
CREATE TABLE payroll_lines (
    id               INTEGER PRIMARY KEY,
    payroll_id       INTEGER NOT NULL REFERENCES payrolls (id),
    county_code      TEXT NOT NULL,
    region_code      TEXT NOT NULL,
    program          TEXT NOT NULL,
    household_id     INTEGER NOT NULL REFERENCES households (id),
    household_no     TEXT NOT NULL,
    payee            TEXT NOT NULL,
    enrollment_id    INTEGER,
    service_month    TEXT NOT NULL,
    kind             TEXT NOT NULL,
    amount           INTEGER NOT NULL,
    explanation      TEXT NOT NULL,
    bank_name        TEXT NOT NULL DEFAULT '',
    bank_account_enc TEXT NOT NULL DEFAULT '',
    adjustment_id    INTEGER,
    status           TEXT NOT NULL
);
CREATE UNIQUE INDEX payroll_lines_once ON payroll_lines (program, household_id, service_month)
    WHERE kind IN ('regular', 'back_pay') AND status <> 'failed';
CREATE INDEX payroll_lines_payroll ON payroll_lines (payroll_id, household_id);

-- The lines of a prepared payroll as they were before its regeneration,
-- kept until the regeneration finishes and shows the difference.
CREATE TABLE payroll_prior_lines (
    payroll_id    INTEGER NOT NULL REFERENCES payrolls (id),
    county_code   TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    household_id  INTEGER NOT NULL,
    household_no  TEXT NOT NULL,
    payee         TEXT NOT NULL,
    enrollment_id INTEGER,
    service_month TEXT NOT NULL,
    kind          TEXT NOT NULL,
    amount        INTEGER NOT NULL,
    adjustment_id INTEGER
);
CREATE INDEX payroll_prior_lines_payroll ON payroll_prior_lines (payroll_id, household_id);

-- Generation walks a county's enrollments of a program by household.
CREATE INDEX enrollments_payroll ON enrollments (county_code, program, household_id);

-- +goose Down
DROP INDEX enrollments_payroll;
DROP TABLE payroll_prior_lines;
DROP TABLE payroll_lines;
DROP TABLE payment_adjustments;
DROP TABLE payrolls;
