-- +goose Up
-- Reviews of enrollments (internal/casework/review.go): a review is an
-- application with purpose "review" for an enrollment; its decision names
-- the outcome; enrollments keep their region, next re-check, gradual-exit
-- start and members' consecutive refusals of work.
ALTER TABLE applications ADD COLUMN enrollment_id BIGINT REFERENCES enrollments (id);
CREATE INDEX applications_enrollment ON applications (enrollment_id);
ALTER TABLE decisions ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN enrollment_id BIGINT REFERENCES enrollments (id);
ALTER TABLE enrollments ADD COLUMN region_code TEXT NOT NULL DEFAULT '';
ALTER TABLE enrollments ADD COLUMN next_review DATE;
ALTER TABLE enrollments ADD COLUMN exit_start TEXT;
ALTER TABLE enrollments ADD COLUMN refusals TEXT NOT NULL DEFAULT '{}';
CREATE INDEX enrollments_review ON enrollments (next_review) WHERE status IN ('active', 'suspended');

-- +goose Down
DROP INDEX enrollments_review;
ALTER TABLE enrollments DROP COLUMN refusals;
ALTER TABLE enrollments DROP COLUMN exit_start;
ALTER TABLE enrollments DROP COLUMN next_review;
ALTER TABLE enrollments DROP COLUMN region_code;
ALTER TABLE decisions DROP COLUMN enrollment_id;
ALTER TABLE decisions DROP COLUMN outcome;
DROP INDEX applications_enrollment;
ALTER TABLE applications DROP COLUMN enrollment_id;
