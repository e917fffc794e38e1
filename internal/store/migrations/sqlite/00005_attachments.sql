-- +goose Up
-- Files uploaded for applications (internal/casework/attachment.go): the
-- materials an applicant hands in and the photos of home visits. A row is
-- never changed or deleted: a wrong upload is superseded by a new one that
-- names it (supersedes, at most once), and both are kept. purpose is a
-- material's code or 'visit_photo'; content_type is what the content was
-- found to be, never what the client said; sha256 is the content's digest
-- in hex.
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    purpose        TEXT NOT NULL,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    data           BLOB NOT NULL,
    supersedes     INTEGER UNIQUE REFERENCES attachments (id),
    uploaded_by    TEXT NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL
);
CREATE INDEX attachments_app ON attachments (application_id, id);
CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are never changed: upload a new one that supersedes it'); END;
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are never deleted: upload a new one that supersedes it'); END;

-- +goose Down
DROP TRIGGER attachments_no_delete;
DROP TRIGGER attachments_no_update;
DROP TABLE attachments;
