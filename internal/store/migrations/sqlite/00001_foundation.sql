-- +goose Up
-- Foundation: registry, users and sessions, audit trail.
-- Personal data columns end in _enc (ciphertext, see internal/pii) and _idx
-- (keyed blind index for exact lookup and joins). Every household-scoped
-- table carries county_code, the partition key on PostgreSQL.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    level  INTEGER NOT NULL,
    parent TEXT NOT NULL
);

CREATE TABLE sequences (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE households (
    id                INTEGER PRIMARY KEY,
    county_code       TEXT NOT NULL,
    number            TEXT NOT NULL UNIQUE,
    region_code       TEXT NOT NULL,
    address           TEXT NOT NULL,
    hukou_type        TEXT NOT NULL,
    residence_region  TEXT NOT NULL DEFAULT '',
    residence_address TEXT NOT NULL DEFAULT '',
    bank_name         TEXT NOT NULL DEFAULT '',
    bank_account_enc  TEXT NOT NULL DEFAULT '',
    bank_account_idx  TEXT NOT NULL DEFAULT '',
    bank_holder       TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX households_region ON households (region_code, id);
CREATE INDEX households_county ON households (county_code, id);

CREATE TABLE persons (
    id                  INTEGER PRIMARY KEY,
    county_code         TEXT NOT NULL,
    name                TEXT NOT NULL,
    id_number_enc       TEXT NOT NULL,
    id_number_idx       TEXT NOT NULL UNIQUE,
    sex                 TEXT NOT NULL,
    birth_date          DATE NOT NULL,
    phone_enc           TEXT NOT NULL DEFAULT '',
    phone_idx           TEXT NOT NULL DEFAULT '',
    hukou_region        TEXT NOT NULL DEFAULT '',
    school_status       TEXT NOT NULL DEFAULT '',
    employment_status   TEXT NOT NULL DEFAULT '',
    labour_capacity     TEXT NOT NULL DEFAULT '',
    disability_category TEXT NOT NULL DEFAULT '',
    disability_grade    INTEGER NOT NULL DEFAULT 0,
    serious_illness     TEXT NOT NULL DEFAULT '',
    self_care           TEXT NOT NULL DEFAULT '',
    death_date          DATE,
    version             INTEGER NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX persons_name ON persons (name);
CREATE INDEX persons_phone ON persons (phone_idx);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    county_code  TEXT NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    person_id    INTEGER NOT NULL REFERENCES persons (id),
    relationship TEXT NOT NULL,
    joined_on    DATE NOT NULL,
    join_reason  TEXT NOT NULL DEFAULT '',
    left_on      DATE,
    leave_reason TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
-- A person is an active member of at most one household.
CREATE UNIQUE INDEX members_one_active ON members (person_id) WHERE left_on IS NULL;
CREATE INDEX members_household ON members (household_id);
CREATE INDEX members_person ON members (person_id);

CREATE TABLE incomes (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    household_id    INTEGER NOT NULL REFERENCES households (id),
    person_id       INTEGER REFERENCES persons (id),
    type            TEXT NOT NULL,
    month           TEXT NOT NULL,
    amount          INTEGER NOT NULL,
    employment_cost INTEGER NOT NULL DEFAULT 0,
    note            TEXT NOT NULL DEFAULT '',
    recorded_at     TIMESTAMP NOT NULL,
    superseded_at   TIMESTAMP
);
CREATE INDEX incomes_household ON incomes (household_id, month);

CREATE TABLE assets (
    id           INTEGER PRIMARY KEY,
    county_code  TEXT NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    person_id    INTEGER REFERENCES persons (id),
    type         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    value        INTEGER NOT NULL DEFAULT 0,
    area         REAL NOT NULL DEFAULT 0,
    valid_from   DATE NOT NULL,
    valid_to     DATE,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX assets_household ON assets (household_id);

-- Every version of a household or person, as JSON with personal data
-- encrypted, so the state at any past day can be recovered.
CREATE TABLE versions (
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    by_user    TEXT NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, version)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    region        TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    csrf        TEXT NOT NULL,
    client_addr TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

-- The audit trail: append-only, each row chained to the one before by an
-- SM3 hash (internal/audit). Before/after are TEXT, not JSON types, so
-- the bytes hashed are the bytes kept.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    user_id     INTEGER NOT NULL,
    username    TEXT NOT NULL,
    role        TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    region      TEXT NOT NULL,
    action      TEXT NOT NULL,
    before_data TEXT NOT NULL,
    after_data  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_region ON audit_log (region, seq);

-- The chain's head, written in the same transaction as each row, so that
-- deleting the newest rows is detected too.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE versions;
DROP TABLE assets;
DROP TABLE incomes;
DROP TABLE members;
DROP TABLE persons;
DROP TABLE households;
DROP TABLE sequences;
DROP TABLE regions;
DROP TABLE meta;
