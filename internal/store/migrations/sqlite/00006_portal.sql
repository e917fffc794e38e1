-- +goose Up
-- The citizen portal (docs/portal.md): one-time sign-in codes and citizens'
-- sessions. A code is kept only as a hash bound to the requesting
-- browser's secret, a phone only as its blind index; rows are swept after
-- two days. person_id is NULL for a code asked for an ID number and phone
-- that match no one: it is never sent, but counts towards the phone's
-- limits, so the portal answers alike for everyone.
CREATE TABLE otp_codes (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER REFERENCES persons (id),
    phone_idx  TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX otp_codes_phone ON otp_codes (phone_idx, created_at);
CREATE INDEX otp_codes_created ON otp_codes (created_at);

-- A citizen's session: the cookie's secret is kept only as its hash.
CREATE TABLE citizen_sessions (
    id_hash    TEXT PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    csrf       TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX citizen_sessions_expires ON citizen_sessions (expires_at);

-- "My applications": a citizen's own, found by applicant.
CREATE INDEX applications_applicant ON applications (applicant_id, id);

-- +goose Down
DROP INDEX applications_applicant;
DROP TABLE citizen_sessions;
DROP TABLE otp_codes;
