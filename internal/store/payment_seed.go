package store

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/civil"
	"safetynet/internal/pii"
)

// SeedPayroll stores n synthetic households of county, each with a person,
// an approved Dibao application, its decision and an enrollment from
// start, for the payroll benchmark (B2) and the kill test. Every 20th
// enrollment is suspended; amounts run from 300 to 349 yuan. All share one
// bank account (encrypted when the store has keys). Not for real stores:
// rows are written in bulk with explicit ids and no audit.
func (db *DB) SeedPayroll(ctx context.Context, county string, n int, start civil.Month) error {
	enc, _, err := db.seal(pii.BankAccount, "6222020200112233445")
	if err != nil && err != errNoKeys {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		if err := t.planForeignKeysOnce(ctx); err != nil {
			return err
		}
		base := map[string]int64{}
		for _, table := range []string{"persons", "households", "applications", "decisions", "enrollments"} {
			var m int64
			if err := t.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&m); err != nil {
				return err
			}
			base[table] = m
		}
		series := fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", n)
		if db.dialect == Postgres {
			series = fmt.Sprintf("WITH s(i) AS (SELECT generate_series(1, %d)) ", n)
		}
		const ts = "'2024-12-01 00:00:00'"
		r := strings.NewReplacer("{c}", county, "{ts}", ts, "{tw}", county+"001", "{m}", start.String(),
			"{p}", fmt.Sprint(base["persons"]), "{h}", fmt.Sprint(base["households"]), "{a}", fmt.Sprint(base["applications"]),
			"{d}", fmt.Sprint(base["decisions"]), "{e}", fmt.Sprint(base["enrollments"]))
		approved := "1"
		if db.dialect == Postgres {
			approved = "TRUE"
		}
		for _, q := range []string{
			`INSERT INTO persons (id, county_code, name, id_number_enc, id_number_idx, sex, birth_date, version, created_at, updated_at)
				SELECT {p} + i, '{c}', '户主' || i, 'x', 'seed-{c}-{p}-' || i, 'male', '1960-01-01', 1, {ts}, {ts} FROM s`,
			`INSERT INTO households (id, county_code, number, region_code, address, hukou_type, bank_name, bank_account_enc, bank_holder,
				version, created_at, updated_at)
				SELECT {h} + i, '{c}', 'PB{c}-{h}-' || i, '{tw}001', '地址', 'urban', '工商银行', ?, '户主' || i, 1, {ts}, {ts} FROM s`,
			`INSERT INTO applications (id, county_code, region_code, filed_in, household_id, applicant_id, program, channel, state,
				entered_on, filed_on, detail, version, created_by, created_at, updated_at)
				SELECT {a} + i, '{c}', '{tw}001', '{tw}001', {h} + i, {p} + i, 'dibao', 'counter', 'approved', '2024-12-01', '2024-12-01',
				'{}', 1, 'seed', {ts}, {ts} FROM s`,
			`INSERT INTO decisions (id, county_code, application_id, household_id, program, approved, amount, start_month, decided_by,
				decided_on, created_at)
				SELECT {d} + i, '{c}', {a} + i, {h} + i, 'dibao', ` + approved + `, 30000 + (i % 50) * 100, '{m}', 'seed', '2024-12-20', {ts} FROM s`,
			`INSERT INTO enrollments (id, county_code, region_code, household_id, program, decision_id, amount, start_month, status,
				version, created_at, updated_at)
				SELECT {e} + i, '{c}', '{tw}001', {h} + i, 'dibao', {d} + i, 30000 + (i % 50) * 100, '{m}',
				CASE WHEN i % 20 = 0 THEN 'suspended' ELSE 'active' END, 1, {ts}, {ts} FROM s`,
		} {
			q = series + r.Replace(q)
			var args []any
			if strings.Contains(q, "?") {
				args = append(args, enc)
			}
			if _, err := t.exec(ctx, q, args...); err != nil {
				return fmt.Errorf("SeedPayroll: %w", err)
			}
		}
		if db.dialect == Postgres {
			for _, table := range []string{"persons", "households", "applications", "decisions", "enrollments"} {
				if _, err := t.exec(ctx, "SELECT setval(pg_get_serial_sequence('"+table+"', 'id'), (SELECT MAX(id) FROM "+table+"))"); err != nil {
					return err
				}
				// Fresh statistics, as after any bulk load.
				if _, err := t.exec(ctx, "ANALYZE "+table); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
