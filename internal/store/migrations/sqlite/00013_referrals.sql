-- +goose Up
-- Referrals of households' needs to partner departments and charities
-- (internal/referral, issue 6).
--
-- The directory of partners (协作单位). region is the region code prefix a
-- partner serves; needs the JSON list of the needs it meets. The contact's
-- phone is sealed like every phone (phone_enc, with its blind index).
CREATE TABLE partners (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    region     TEXT NOT NULL,
    needs      TEXT NOT NULL,
    contact    TEXT NOT NULL DEFAULT '',
    phone_enc  TEXT NOT NULL DEFAULT '',
    phone_idx  TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    version    INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX partners_region ON partners (region);

-- A partner's logins: a user of role partner signs in for exactly one
-- partner and sees only the referrals sent to it.
CREATE TABLE partner_users (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX partner_users_partner ON partner_users (partner_id);

-- A referral (转介): one household's needs passed to one partner with the
-- household's consent. status: sent, accepted, declined, done. role and
-- task_region are who follows it up on the sending side (the household's
-- township); an overdue one escalates a level a day like a workflow task
-- (escalated_role, escalated_to).
CREATE TABLE referrals (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    household_id    INTEGER NOT NULL REFERENCES households (id),
    partner_id      INTEGER NOT NULL REFERENCES partners (id),
    needs           TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    application_id  INTEGER REFERENCES applications (id),
    warning_id      INTEGER REFERENCES monitor_warnings (id),
    consent_person  INTEGER NOT NULL REFERENCES persons (id),
    consent_name    TEXT NOT NULL,
    consent_on      DATE NOT NULL,
    consent_method  TEXT NOT NULL,
    consent_witness TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    sent_on         DATE NOT NULL,
    accept_due      DATE NOT NULL,
    accepted_on     DATE,
    result_due      DATE,
    declined_on     DATE,
    decline_reason  TEXT NOT NULL DEFAULT '',
    result          TEXT NOT NULL DEFAULT '',
    done_on         DATE,
    role            TEXT NOT NULL,
    task_region     TEXT NOT NULL,
    level           INTEGER NOT NULL DEFAULT 0,
    escalated_role  TEXT NOT NULL DEFAULT '',
    escalated_to    TEXT NOT NULL DEFAULT '',
    escalated_on    DATE,
    version         INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX referrals_household ON referrals (household_id, id);
CREATE INDEX referrals_region ON referrals (region_code, id);
CREATE INDEX referrals_partner ON referrals (partner_id, id);
CREATE INDEX referrals_open ON referrals (status, accept_due, result_due) WHERE status IN ('sent', 'accepted');

-- Files sent with a referral, checked by content like application
-- attachments; never changed.
CREATE TABLE referral_documents (
    id           INTEGER PRIMARY KEY,
    referral_id  INTEGER NOT NULL REFERENCES referrals (id),
    county_code  TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE INDEX referral_documents_referral ON referral_documents (referral_id, id);

-- A referral's log: sent, accepted, declined, the partner's actions, the
-- result, escalations.
CREATE TABLE referral_actions (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id),
    county_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    acted_on    DATE NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    acted_by    TEXT NOT NULL,
    acted_at    TIMESTAMP NOT NULL
);
CREATE INDEX referral_actions_referral ON referral_actions (referral_id, id);

-- +goose Down
DROP TABLE referral_actions;
DROP TABLE referral_documents;
DROP TABLE referrals;
DROP TABLE partner_users;
DROP TABLE partners;
