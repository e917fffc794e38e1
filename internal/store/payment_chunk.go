package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/payment"
)

// The hot path of payroll generation (benchmark B2, docs/benchmarks.md):
// reading a chunk of households, encoding and storing its lines.

// PayrollSources implements payment.JobStore on the reader pool.
func (db *DB) PayrollSources(ctx context.Context, q payment.SourceQuery) (out []payment.Source, err error) {
	err = db.bulkRead(ctx, func(qr querier) error {
		out, err = payrollSources(ctx, qr, q)
		return err
	})
	return out, err
}

// bulkReadMmap is the memory map a SQLite reader uses for bulk reads.
const bulkReadMmap = 1 << 30

// bulkRead runs fn's queries on one reader connection, set up for reading
// many rows while the writer commits chunks:
//
//   - On SQLite the connection reads the database file through a memory
//     map (PRAGMA mmap_size, set on the connection and kept). A reader's
//     page cache is discarded whenever the writer commits; pages read from
//     the map are not copied into it, so losing it costs little.
//   - On PostgreSQL the queries run in one read-only transaction without
//     JIT compilation (SET LOCAL jit = off): the planner's cost estimates
//     for a chunk's join pass jit_above_cost, and compiling took longer
//     (about 150 ms) than running the query (about 50 ms for 20,000
//     households).
func (db *DB) bulkRead(ctx context.Context, fn func(qr querier) error) error {
	c, err := db.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if db.dialect == SQLite {
		if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA mmap_size = %d", bulkReadMmap)); err != nil {
			return err
		}
		return fn(&sqlQuerier{db: db, q: c})
	}
	tx, err := c.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL jit = off"); err != nil {
		return err
	}
	if err := fn(&sqlQuerier{db: db, q: tx}); err != nil {
		return err
	}
	return tx.Commit()
}

// sqlQuerier is a querier on a connection or transaction of the reader
// pool.
type sqlQuerier struct {
	db *DB
	q  interface {
		QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	}
}

func (q *sqlQuerier) query(ctx context.Context, s string, args ...any) (*sql.Rows, error) {
	return q.q.QueryContext(ctx, q.db.rebind(s), args...)
}

func (q *sqlQuerier) queryRow(ctx context.Context, s string, args ...any) *sql.Row {
	return q.q.QueryRowContext(ctx, q.db.rebind(s), args...)
}

// payrollSources reads the chunk q asks for through qr (the reader pool,
// or the transaction that stores the chunk) in three queries: the chunk's
// last household (an index-only scan), the enrollments with their
// decisions' days and their households' payees in one join, and the
// months paid already. The enrollments carry the fields a payroll uses
// (not Kind, ExitStart, NextReview, Refusals or Version).
func payrollSources(ctx context.Context, qr querier, q payment.SourceQuery) ([]payment.Source, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = payment.DefaultChunk
	}
	program := string(q.Program)
	var hi sql.NullInt64
	if err := qr.queryRow(ctx, `SELECT MAX(household_id) FROM (SELECT DISTINCT household_id FROM enrollments WHERE county_code = ?
		AND program = ? AND start_month <= ? AND (end_month IS NULL OR end_month >= ?) AND household_id > ? ORDER BY household_id LIMIT ?) c`,
		q.County, program, q.Month, q.BackFrom, q.After, limit).Scan(&hi); err != nil {
		return nil, fmt.Errorf("PayrollSources: %w", err)
	}
	if !hi.Valid {
		return nil, nil
	}
	// A household of another county (moved after its enrollment) keeps
	// an empty payee, as the enrollment's county pays it. The households
	// are joined by their id range too, and the decision's day is a
	// subquery, so that PostgreSQL reads the chunk's rows by index (merge
	// join, index lookups) rather than hashing whole tables each chunk.
	rows, err := qr.query(ctx, `SELECT e.household_id, e.id, e.region_code, e.decision_id, e.amount, e.start_month, e.end_month, e.status,
		(SELECT d.decided_on FROM decisions d WHERE d.id = e.decision_id), COALESCE(h.number, ''), COALESCE(h.region_code, ''),
		COALESCE(h.bank_holder, ''), COALESCE(h.bank_name, ''), COALESCE(h.bank_account_enc, '')
		FROM enrollments e LEFT JOIN households h ON h.id = e.household_id AND h.county_code = ? AND h.id > ? AND h.id <= ?
		WHERE e.county_code = ? AND e.program = ? AND e.start_month <= ? AND (e.end_month IS NULL OR e.end_month >= ?)
		AND e.household_id > ? AND e.household_id <= ? ORDER BY e.household_id, e.start_month, e.id`,
		q.County, q.After, hi.Int64, q.County, program, q.Month, q.BackFrom, q.After, hi.Int64)
	if err != nil {
		return nil, fmt.Errorf("PayrollSources: %w", err)
	}
	defer rows.Close()
	out := make([]payment.Source, 0, min(limit, 1<<16))
	for rows.Next() {
		var e payment.Enrolled
		var py payment.Payee
		var amount int64
		if err := rows.Scan(&e.HouseholdID, &e.ID, &e.Region, &e.DecisionID, &amount, &e.StartMonth, &e.EndMonth, &e.Status, &e.DecidedOn,
			&py.HouseholdNo, &py.Region, &py.Name, &py.BankName, &py.BankAccountSealed); err != nil {
			return nil, fmt.Errorf("PayrollSources: %w", err)
		}
		e.County, e.Program, e.Amount = q.County, q.Program, money.Fen(amount)
		if n := len(out); n == 0 || out[n-1].HouseholdID != e.HouseholdID {
			py.HouseholdID = e.HouseholdID
			out = append(out, payment.Source{Payee: py, Enrollments: make([]payment.Enrolled, 0, 1)})
		}
		s := &out[len(out)-1]
		s.Enrollments = append(s.Enrollments, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("PayrollSources: %w", err)
	}
	rows.Close()
	prows, err := qr.query(ctx, `SELECT household_id, service_month FROM payroll_lines WHERE program = ? AND household_id > ? AND household_id <= ?
		AND service_month >= ? AND service_month <= ? AND kind IN ('regular', 'back_pay') AND status <> 'failed' AND payroll_id <> ?`,
		program, q.After, hi.Int64, q.BackFrom, q.Month, q.Exclude)
	if err != nil {
		return nil, fmt.Errorf("PayrollSources: %w", err)
	}
	defer prows.Close()
	at := func(id int64) *payment.Source {
		i, j := 0, len(out)
		for i < j { // out is by household id
			h := int(uint(i+j) >> 1)
			if out[h].HouseholdID < id {
				i = h + 1
			} else {
				j = h
			}
		}
		if i < len(out) && out[i].HouseholdID == id {
			return &out[i]
		}
		return nil
	}
	for prows.Next() {
		var id int64
		var m civil.Month
		if err := prows.Scan(&id, &m); err != nil {
			return nil, fmt.Errorf("PayrollSources: %w", err)
		}
		if s := at(id); s != nil {
			s.Paid = append(s.Paid, m)
		}
	}
	return out, prows.Err()
}

// SaveLines implements payment.JobStore.
func (db *DB) SaveLines(ctx context.Context, p *payment.Payroll, lines []payment.Line, c payment.ChunkCounts, after int64) error {
	var now time.Time
	err := db.transact(ctx, func(t *Tx) error {
		now = db.now().UTC().Truncate(time.Microsecond)
		return t.saveLines(ctx, p, lines, c, after, now)
	})
	if err != nil {
		return err
	}
	p.Done += c.Done
	p.Suspended += c.Suspended
	p.After, p.Heartbeat = after, now
	return nil
}

// saveLines stores a chunk's lines with the payroll's keyset, counts and
// heartbeat, under the payroll's lease.
func (t *Tx) saveLines(ctx context.Context, p *payment.Payroll, lines []payment.Line, c payment.ChunkCounts, after int64, now time.Time) error {
	if err := t.planForeignKeysOnce(ctx); err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE payrolls SET done = done + ?, suspended = suspended + ?, after_household = ?, heartbeat = ?
		WHERE id = ? AND lease = ? AND status = 'generating'`, c.Done, c.Suspended, after, now, p.ID, p.Lease)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return payrollLeaseLost(p)
	}
	return t.insertLines(ctx, lines)
}

// planForeignKeysOnce lets PostgreSQL keep the plans of its foreign-key
// checks for the rest of the transaction. The store's connections set
// plan_cache_mode = force_custom_plan (db.go), which also makes every
// foreign-key check of every inserted row plan its query again: two
// checks a payroll line, three quarters of a chunk's COPY.
func (t *Tx) planForeignKeysOnce(ctx context.Context) error {
	if t.db.dialect != Postgres {
		return nil
	}
	_, err := t.exec(ctx, "SET LOCAL plan_cache_mode = auto")
	return err
}

var payrollLineCols = []string{"payroll_id", "county_code", "region_code", "program", "household_id", "household_no", "payee",
	"enrollment_id", "service_month", "kind", "amount", "explanation", "bank_name", "bank_account_enc", "adjustment_id", "status"}

// lineRows is lines as rows for insertRows (plain driver values). The
// sealed bank account is copied as it is.
func lineRows(lines []payment.Line) (*rowSet, error) {
	rs := &rowSet{table: "payroll_lines", cols: payrollLineCols, rows: make([][]any, len(lines))}
	vals := make([]any, len(lines)*len(payrollLineCols))
	var buf []byte
	for i := range lines {
		l := &lines[i]
		var err error
		if buf, err = appendExplanation(buf[:0], &l.Explanation); err != nil {
			return nil, err
		}
		var enr, adj any
		if l.EnrollmentID != 0 {
			enr = l.EnrollmentID
		}
		if l.AdjustmentID != 0 {
			adj = l.AdjustmentID
		}
		status := l.Status
		if status == "" {
			status = payment.LinePending
		}
		r := vals[i*len(payrollLineCols) : (i+1)*len(payrollLineCols) : (i+1)*len(payrollLineCols)]
		r[0], r[1], r[2], r[3], r[4], r[5], r[6] = l.PayrollID, l.County, l.Region, string(l.Program), l.HouseholdID, l.HouseholdNo, l.Payee
		r[7], r[8], r[9], r[10], r[11] = enr, l.ServiceMonth.String(), l.Kind, int64(l.Amount), string(buf)
		r[12], r[13], r[14], r[15] = l.BankName, l.BankAccountSealed, adj, status
		rs.rows[i] = r
	}
	return rs, nil
}

// insertLines stores lines, refusing to pay a month twice.
func (t *Tx) insertLines(ctx context.Context, lines []payment.Line) error {
	var err error
	if t.db.dialect == SQLite && sameLinePayroll(lines) {
		err = t.insertLinesSQLite(ctx, lines)
	} else {
		var rs *rowSet
		if rs, err = lineRows(lines); err != nil {
			return err
		}
		err = t.insertRows(ctx, rs)
	}
	if name, dup := isUniqueViolation(err); dup {
		return apperr.Errorf(apperr.Conflict, "a month of a household would be paid twice (%s): another payroll of the program paid it meanwhile; generate again", name)
	}
	return err
}

// sameLinePayroll reports whether the lines share payroll, county,
// program and status, as a chunk's lines do.
func sameLinePayroll(lines []payment.Line) bool {
	for i := range lines {
		a, b := &lines[0], &lines[i]
		if a.PayrollID != b.PayrollID || a.County != b.County || a.Program != b.Program || a.Status != b.Status {
			return false
		}
	}
	return len(lines) > 0
}

// sqliteLinesPer is how many lines one INSERT stores on SQLite (12
// parameters a line, SQLite allows 32766 a statement).
const sqliteLinesPer = 500

// insertLinesSQLite stores lines that share payroll, county, program and
// status in multi-row prepared INSERTs that bind those four once a
// statement (?1–?4) and the twelve others per line.
func (t *Tx) insertLinesSQLite(ctx context.Context, lines []payment.Line) error {
	const per = 12 // parameters a line
	status := lines[0].Status
	if status == "" {
		status = payment.LinePending
	}
	var buf []byte
	args := make([]any, 0, 4+per*min(len(lines), sqliteLinesPer))
	for start := 0; start < len(lines); start += sqliteLinesPer {
		part := lines[start:min(start+sqliteLinesPer, len(lines))]
		q := make([]byte, 0, 64+len(part)*80)
		q = append(q, `INSERT INTO payroll_lines (payroll_id, county_code, program, status, region_code, household_id, household_no, payee,
			enrollment_id, service_month, kind, amount, explanation, bank_name, bank_account_enc, adjustment_id) VALUES `...)
		args = append(args[:0], lines[0].PayrollID, lines[0].County, string(lines[0].Program), status)
		for i := range part {
			l := &part[i]
			if i > 0 {
				q = append(q, ',')
			}
			// An unnumbered ? takes the number after the largest so far.
			q = append(q, "(?1,?2,?3,?4,?,?,?,?,?,?,?,?,?,?,?,?)"...)
			var err error
			if buf, err = appendExplanation(buf[:0], &l.Explanation); err != nil {
				return err
			}
			var enr, adj any
			if l.EnrollmentID != 0 {
				enr = l.EnrollmentID
			}
			if l.AdjustmentID != 0 {
				adj = l.AdjustmentID
			}
			args = append(args, l.Region, l.HouseholdID, l.HouseholdNo, l.Payee, enr, l.ServiceMonth.String(), l.Kind, int64(l.Amount),
				string(buf), l.BankName, l.BankAccountSealed, adj)
		}
		if _, err := t.exec(ctx, string(q), args...); err != nil {
			return fmt.Errorf("insert into payroll_lines: %w", err)
		}
	}
	return nil
}

// appendExplanation appends the JSON of ex, as json.Marshal writes it,
// without reflection for the usual explanations (decided, back pay);
// the others go through json.Marshal.
func appendExplanation(b []byte, ex *payment.Explanation) ([]byte, error) {
	if len(ex.Rules) > 0 || ex.Note != "" || !plainJSON(ex.Reason) || !fourDigits(ex.DecidedOn.Year) || !fourDigits(ex.Since.Year) ||
		!fourDigits(ex.From.Year) || !fourDigits(ex.To.Year) {
		j, err := json.Marshal(ex)
		return append(b, j...), err
	}
	b = append(b, `{"reason":"`...)
	b = append(b, ex.Reason...)
	b = append(b, '"')
	if ex.DecisionID != 0 {
		b = append(b, `,"decision_id":`...)
		b = strconv.AppendInt(b, ex.DecisionID, 10)
	}
	if !ex.DecidedOn.IsZero() {
		b = append(b, `,"decided_on":"`...)
		b = appendMonth(b, ex.DecidedOn.Year, int(ex.DecidedOn.Month))
		b = append(b, '-', byte('0'+ex.DecidedOn.Day/10), byte('0'+ex.DecidedOn.Day%10), '"')
	}
	for _, m := range []struct {
		key string
		m   civil.Month
	}{{`,"since":"`, ex.Since}, {`,"from":"`, ex.From}, {`,"to":"`, ex.To}} {
		if !m.m.IsZero() {
			b = append(b, m.key...)
			b = appendMonth(b, m.m.Year, int(m.m.Month))
			b = append(b, '"')
		}
	}
	if ex.Monthly != 0 {
		b = append(b, `,"monthly":`...)
		b = strconv.AppendInt(b, int64(ex.Monthly), 10)
	}
	if ex.Decided != 0 {
		b = append(b, `,"decided":`...)
		b = strconv.AppendInt(b, int64(ex.Decided), 10)
	}
	return append(b, '}'), nil
}

// appendMonth appends YYYY-MM.
func appendMonth(b []byte, y, m int) []byte {
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-', byte('0'+m/10), byte('0'+m%10))
}

func fourDigits(y int) bool { return y >= 0 && y <= 9999 }

// plainJSON reports whether s needs no escaping in JSON (json.Marshal
// also escapes <, > and &).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
