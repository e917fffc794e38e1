-- +goose Up
-- Every public notice an application had (a new one after each
-- objection), so that a township's notice can be printed again for any
-- past period; applications keep only the latest.
CREATE TABLE notice_periods (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    region_code    TEXT NOT NULL,
    notice_no      INTEGER NOT NULL,
    notice_from    DATE NOT NULL,
    notice_to      DATE NOT NULL,
    proposed       INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX notice_periods_county ON notice_periods (county_code, notice_from);
INSERT INTO notice_periods (county_code, application_id, region_code, notice_no, notice_from, notice_to, proposed, created_at)
    SELECT county_code, id, region_code, COALESCE(json_extract(detail, '$.notices'), 1), notice_from, notice_to,
        COALESCE(json_extract(detail, '$.proposed'), 0), updated_at
    FROM applications WHERE notice_from IS NOT NULL;

-- +goose Down
DROP TABLE notice_periods;
