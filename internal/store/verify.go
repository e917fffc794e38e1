package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/civil"
	"safetynet/internal/pii"
	"safetynet/internal/verify"
)

var _ verify.Store = (*DB)(nil)

// Sources implements verify.Store.
func (db *DB) Sources(ctx context.Context) ([]verify.SourceInfo, error) {
	var out []verify.SourceInfo
	for _, s := range verify.Catalog() {
		s.Builtin = true
		out = append(out, verify.SourceInfo{Source: s})
	}
	rows, err := db.query(ctx, `SELECT definition FROM verify_sources ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			return nil, err
		}
		var s verify.Source
		if err := json.Unmarshal([]byte(def), &s); err != nil {
			return nil, fmt.Errorf("source definition: %w", err)
		}
		out = append(out, verify.SourceInfo{Source: s})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	latest, err := db.query(ctx, `SELECT `+batchColumns+` FROM verify_batches b WHERE b.id IN
		(SELECT MAX(id) FROM verify_batches WHERE status = 'applied' GROUP BY source)`)
	if err != nil {
		return nil, err
	}
	defer latest.Close()
	byCode := map[string]*verify.Batch{}
	for latest.Next() {
		b, err := scanBatch(latest)
		if err != nil {
			return nil, err
		}
		byCode[b.Source] = b
	}
	if err := latest.Err(); err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	crow, err := db.query(ctx, `SELECT source, SUM(imported - superseded) FROM verify_batches WHERE status = 'applied' GROUP BY source`)
	if err != nil {
		return nil, err
	}
	defer crow.Close()
	for crow.Next() {
		var c string
		var n int64
		if err := crow.Scan(&c, &n); err != nil {
			return nil, err
		}
		counts[c] = n
	}
	for i := range out {
		out[i].Latest, out[i].Current = byCode[out[i].Code], counts[out[i].Code]
	}
	return out, crow.Err()
}

// Source returns one source, built-in or added. Errors: NotFound.
func (db *DB) Source(ctx context.Context, code string) (*verify.Source, error) {
	if s, ok := verify.BuiltinSource(code); ok {
		return &s, nil
	}
	var def string
	err := db.queryRow(ctx, `SELECT definition FROM verify_sources WHERE code = ?`, code).Scan(&def)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no data source %q", code)
	}
	if err != nil {
		return nil, err
	}
	var s verify.Source
	return &s, json.Unmarshal([]byte(def), &s)
}

// AddSource implements verify.Store.
func (db *DB) AddSource(ctx context.Context, s *verify.Source) error {
	s.Builtin = false
	if err := s.Validate(); err != nil {
		return err
	}
	if _, ok := verify.BuiltinSource(s.Code); ok {
		return apperr.Errorf(apperr.Conflict, "%s is a built-in source", s.Code)
	}
	def, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, `INSERT INTO verify_sources (code, definition, created_by, created_at) VALUES (?, ?, ?, ?)`,
			s.Code, string(def), audit.ActorFrom(ctx).Username, db.now().UTC())
		if _, dup := isUniqueViolation(err); dup {
			return apperr.Errorf(apperr.Conflict, "a source with code %s exists already", s.Code)
		}
		if err != nil {
			return err
		}
		return t.audit(ctx, "verify_source", 0, "", "create", nil, s)
	})
}

// Mapping implements verify.Store.
func (db *DB) Mapping(ctx context.Context, source string) (verify.Mapping, error) {
	var m string
	err := db.queryRow(ctx, `SELECT mapping FROM verify_mappings WHERE source = ?`, source).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out verify.Mapping
	return out, json.Unmarshal([]byte(m), &out)
}

// SaveMapping implements verify.Store.
func (db *DB) SaveMapping(ctx context.Context, source string, m verify.Mapping) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		var before string
		err := t.queryRow(ctx, `SELECT mapping FROM verify_mappings WHERE source = ?`, source).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if before == string(b) {
			return nil
		}
		if _, err := t.exec(ctx, `INSERT INTO verify_mappings (source, mapping, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (source) DO UPDATE SET mapping = excluded.mapping, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			source, string(b), audit.ActorFrom(ctx).Username, db.now().UTC()); err != nil {
			return err
		}
		var old any
		if before != "" {
			old = json.RawMessage(before)
		}
		return t.audit(ctx, "verify_mapping", 0, "", "save", old, map[string]any{"source": source, "mapping": m})
	})
}

const batchColumns = `b.id, b.source, b.file_name, b.file_hash, b.file_size, b.format, b.encoding, b.status, b.rows_read, b.imported,
	b.rejected, b.duplicates, b.superseded, b.data_as_of, b.error, b.scope, b.started_by, b.started_at, b.heartbeat, b.finished_at`

func scanBatch(sc interface{ Scan(...any) error }) (*verify.Batch, error) {
	var b verify.Batch
	var started, beat, finished timestamp
	err := sc.Scan(&b.ID, &b.Source, &b.FileName, &b.FileHash, &b.FileSize, &b.Format, &b.Encoding, &b.Status, &b.Rows, &b.Imported,
		&b.Rejected, &b.Duplicates, &b.Superseded, &b.DataAsOf, &b.Error, &b.Scope, &b.StartedBy, &started, &beat, &finished)
	b.StartedAt, b.Heartbeat, b.FinishedAt = started.Time, beat.Time, finished.Time
	return &b, err
}

// batchAudit is what the audit trail keeps of a batch.
func batchAudit(b *verify.Batch) map[string]any {
	return map[string]any{"source": b.Source, "file_name": b.FileName, "file_hash": b.FileHash, "status": b.Status, "rows": b.Rows,
		"imported": b.Imported, "rejected": b.Rejected, "duplicates": b.Duplicates, "superseded": b.Superseded, "error": b.Error}
}

// BeginBatch implements verify.BatchStore.
func (db *DB) BeginBatch(ctx context.Context, b *verify.Batch) (*verify.Batch, error) {
	var out *verify.Batch
	err := db.transact(ctx, func(t *Tx) error {
		prev, err := scanBatch(t.queryRow(ctx, `SELECT `+batchColumns+` FROM verify_batches b
			WHERE b.source = ? AND b.file_hash = ? AND b.status = 'applied' ORDER BY b.id LIMIT 1`, b.Source, b.FileHash))
		if err == nil {
			prev.Again = true
			out = prev
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		n := *b
		n.Status, n.StartedAt, n.Heartbeat, n.StartedBy = verify.BatchLoading, now, now, audit.ActorFrom(ctx).Username
		n.ID, err = t.insertID(ctx, `INSERT INTO verify_batches (source, file_name, file_hash, file_size, format, encoding, status,
			data_as_of, scope, started_by, started_at, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.Source, n.FileName, n.FileHash, n.FileSize, n.Format, n.Encoding, n.Status, n.DataAsOf, n.Scope, n.StartedBy, now, now)
		if err != nil {
			return err
		}
		out = &n
		return t.audit(ctx, "verify_batch", n.ID, n.Scope, "begin", nil, batchAudit(&n))
	})
	return out, err
}

// loading checks that batch is loading, inside t.
func loading(ctx context.Context, t *Tx, batch int64) error {
	var status string
	err := t.queryRow(ctx, `SELECT status FROM verify_batches WHERE id = ?`, batch).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Errorf(apperr.NotFound, "no import batch %d", batch)
	}
	if err != nil {
		return err
	}
	if status != verify.BatchLoading {
		return apperr.Errorf(apperr.Conflict, "import batch %d is %s, not loading", batch, status)
	}
	return nil
}

// AppendRecords implements verify.BatchStore.
func (db *DB) AppendRecords(ctx context.Context, b *verify.Batch, recs []verify.StoredRecord, rejects []verify.Reject) error {
	batch := b.ID
	return db.transact(ctx, func(t *Tx) error {
		if err := loading(ctx, t, batch); err != nil {
			return err
		}
		rs := &rowSet{table: "verify_records", cols: []string{"source", "batch_id", "row_num", "record_key", "person_index", "data", "current"}}
		for _, r := range recs {
			rs.add(r.Source, batch, int64(r.Row), r.Key, r.PersonIndex, string(r.Data), int64(0))
		}
		if err := t.insertRows(ctx, rs); err != nil {
			return err
		}
		if err := t.insertRejects(ctx, batch, rejects); err != nil {
			return err
		}
		_, err := t.exec(ctx, `UPDATE verify_batches SET rows_read = ?, format = ?, encoding = ?, rejected = rejected + ?, heartbeat = ? WHERE id = ?`,
			b.Rows, b.Format, b.Encoding, int64(len(rejects)), db.now().UTC(), batch)
		return err
	})
}

func (t *Tx) insertRejects(ctx context.Context, batch int64, rejects []verify.Reject) error {
	rs := &rowSet{table: "verify_rejects", cols: []string{"batch_id", "row_num", "problems", "cells"}}
	for _, r := range rejects {
		p, err := json.Marshal(r.Problems)
		if err != nil {
			return err
		}
		c, err := json.Marshal(r.Cells)
		if err != nil {
			return err
		}
		rs.add(batch, int64(r.Row), string(p), string(c))
	}
	return t.insertRows(ctx, rs)
}

// FinishBatch implements verify.BatchStore.
func (db *DB) FinishBatch(ctx context.Context, batch int64) (*verify.Batch, error) {
	var out *verify.Batch
	err := db.transact(ctx, func(t *Tx) error {
		if err := loading(ctx, t, batch); err != nil {
			return err
		}
		b, err := scanBatch(t.queryRow(ctx, `SELECT `+batchColumns+` FROM verify_batches b WHERE b.id = ?`, batch))
		if err != nil {
			return err
		}
		dups, err := t.rejectDuplicates(ctx, batch)
		if err != nil {
			return err
		}
		res, err := t.exec(ctx, `UPDATE verify_records SET current = 0, superseded_by = ?
			WHERE current = 1 AND source = ? AND record_key IN (SELECT record_key FROM verify_records WHERE batch_id = ?)`, batch, b.Source, batch)
		if err != nil {
			return err
		}
		superseded, _ := res.RowsAffected()
		res, err = t.exec(ctx, `UPDATE verify_records SET current = 1 WHERE batch_id = ?`, batch)
		if err != nil {
			return err
		}
		imported, _ := res.RowsAffected()
		now := db.now().UTC().Truncate(time.Microsecond)
		b.Status, b.Imported, b.Duplicates, b.Rejected, b.Superseded, b.FinishedAt = verify.BatchApplied, imported, dups, b.Rejected+dups, superseded, now
		if _, err := t.exec(ctx, `UPDATE verify_batches SET status = ?, imported = ?, duplicates = ?, rejected = ?, superseded = ?,
			finished_at = ?, heartbeat = ? WHERE id = ?`, b.Status, b.Imported, b.Duplicates, b.Rejected, b.Superseded, now, now, batch); err != nil {
			return err
		}
		out = b
		return t.audit(ctx, "verify_batch", batch, b.Scope, "apply", nil, batchAudit(b))
	})
	return out, err
}

// rejectDuplicates turns the rows of a batch that repeat an earlier row's
// key into rejects, and removes them from the batch's records.
func (t *Tx) rejectDuplicates(ctx context.Context, batch int64) (int64, error) {
	rows, err := t.query(ctx, `SELECT r.id, r.row_num, f.first_row, r.data FROM verify_records r
		JOIN (SELECT record_key, MIN(row_num) AS first_row FROM verify_records WHERE batch_id = ? GROUP BY record_key HAVING COUNT(*) > 1) f
		ON f.record_key = r.record_key
		WHERE r.batch_id = ? AND r.row_num > f.first_row ORDER BY r.row_num`, batch, batch)
	if err != nil {
		return 0, err
	}
	var ids []int64
	var rejects []verify.Reject
	for rows.Next() {
		var id, row, first int64
		var data string
		if err := rows.Scan(&id, &row, &first, &data); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
		rejects = append(rejects, verify.Reject{Row: int(row), Cells: []string{data}, Problems: []verify.Problem{{Field: "key", Column: "-",
			Format: "duplicate key: the same record as row %s (the first is kept)", Args: []string{strconv.FormatInt(first, 10)}}}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		if _, err := t.exec(ctx, `DELETE FROM verify_records WHERE id IN (`+placeholders(len(part))+`)`, args...); err != nil {
			return 0, err
		}
	}
	return int64(len(ids)), t.insertRejects(ctx, batch, rejects)
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// FailBatch implements verify.BatchStore.
func (db *DB) FailBatch(ctx context.Context, batch int64, reason string) error {
	return db.transact(ctx, func(t *Tx) error {
		if err := loading(ctx, t, batch); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM verify_records WHERE batch_id = ?`, batch); err != nil {
			return err
		}
		now := db.now().UTC()
		if _, err := t.exec(ctx, `UPDATE verify_batches SET status = ?, error = ?, imported = 0, finished_at = ?, heartbeat = ? WHERE id = ?`,
			verify.BatchFailed, reason, now, now, batch); err != nil {
			return err
		}
		b, err := scanBatch(t.queryRow(ctx, `SELECT `+batchColumns+` FROM verify_batches b WHERE b.id = ?`, batch))
		if err != nil {
			return err
		}
		return t.audit(ctx, "verify_batch", batch, b.Scope, "fail", nil, batchAudit(b))
	})
}

// FailStale implements verify.BatchStore.
func (db *DB) FailStale(ctx context.Context, before time.Time) (int, error) {
	rows, err := db.query(ctx, `SELECT id FROM verify_batches WHERE status = 'loading' AND heartbeat < ?`, before.UTC())
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		err := db.FailBatch(ctx, id, verify.ProblemText(verify.Problem{Format: "the import stopped before it finished (the process ended); nothing of it was applied: import the file again"}))
		if err != nil && !apperr.IsCode(err, apperr.Conflict) {
			return 0, err
		}
	}
	return len(ids), nil
}

// Batch implements verify.BatchStore.
func (db *DB) Batch(ctx context.Context, id int64) (*verify.Batch, error) {
	b, err := scanBatch(db.queryRow(ctx, `SELECT `+batchColumns+` FROM verify_batches b WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no import batch %d", id)
	}
	return b, err
}

// Batches implements verify.BatchStore.
func (db *DB) Batches(ctx context.Context, source string, limit int) ([]verify.Batch, error) {
	q := `SELECT ` + batchColumns + ` FROM verify_batches b`
	args := []any{}
	if source != "" {
		q += ` WHERE b.source = ?`
		args = append(args, source)
	}
	rows, err := db.query(ctx, q+` ORDER BY b.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// Rejects implements verify.BatchStore.
func (db *DB) Rejects(ctx context.Context, batch int64, after, limit int) ([]verify.Reject, error) {
	rows, err := db.query(ctx, `SELECT row_num, problems, cells FROM verify_rejects WHERE batch_id = ? AND row_num > ? ORDER BY row_num LIMIT ?`,
		batch, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Reject
	for rows.Next() {
		var r verify.Reject
		var p, c string
		if err := rows.Scan(&r.Row, &p, &c); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(p), &r.Problems); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(c), &r.Cells); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CurrentRecords implements verify.Store.
func (db *DB) CurrentRecords(ctx context.Context, indexes []string) ([]verify.StoredRecord, error) {
	var out []verify.StoredRecord
	for start := 0; start < len(indexes); start += 500 {
		part := indexes[start:min(start+500, len(indexes))]
		args := make([]any, len(part))
		for i, x := range part {
			args[i] = x
		}
		rows, err := db.query(ctx, `SELECT source, batch_id, row_num, record_key, person_index, data FROM verify_records
			WHERE current = 1 AND person_index IN (`+placeholders(len(part))+`) ORDER BY source, id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r verify.StoredRecord
			var data string
			if err := rows.Scan(&r.Source, &r.BatchID, &r.Row, &r.Key, &r.PersonIndex, &data); err != nil {
				rows.Close()
				return nil, err
			}
			r.Data = json.RawMessage(data)
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const authorisationColumns = `id, household_id, county_code, signed_on, valid_until, signers, scope, scan_name, scan_type, scan_size,
	scan_sha256, revoked_on, revoke_reason, recorded_by, recorded_at`

func scanAuthorisation(sc interface{ Scan(...any) error }, extra ...any) (*verify.Authorisation, error) {
	var a verify.Authorisation
	var signers, scope string
	var at timestamp
	if err := sc.Scan(append([]any{&a.ID, &a.HouseholdID, &a.County, &a.SignedOn, &a.ValidUntil, &signers, &scope, &a.Scan.Filename, &a.Scan.ContentType,
		&a.Scan.Size, &a.Scan.SHA256, &a.RevokedOn, &a.RevokeReason, &a.RecordedBy, &at}, extra...)...); err != nil {
		return nil, err
	}
	a.RecordedAt = at.Time
	if err := json.Unmarshal([]byte(signers), &a.Signers); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(scope), &a.Scope); err != nil {
		return nil, err
	}
	return &a, nil
}

// Authorisations implements verify.Store.
func (db *DB) Authorisations(ctx context.Context, household int64) ([]verify.Authorisation, error) {
	rows, err := db.query(ctx, `SELECT `+authorisationColumns+` FROM verify_authorisations WHERE household_id = ? ORDER BY signed_on DESC, id DESC`, household)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Authorisation
	for rows.Next() {
		a, err := scanAuthorisation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// AddAuthorisation implements verify.Store.
func (db *DB) AddAuthorisation(ctx context.Context, a *verify.Authorisation) error {
	signers, err := json.Marshal(a.Signers)
	if err != nil {
		return err
	}
	if a.Scope == nil {
		a.Scope = []string{}
	}
	scope, err := json.Marshal(a.Scope)
	if err != nil {
		return err
	}
	return db.transact(ctx, func(t *Tx) error {
		a.RecordedBy, a.RecordedAt = audit.ActorFrom(ctx).Username, db.now().UTC().Truncate(time.Microsecond)
		var err error
		a.ID, err = t.insertID(ctx, `INSERT INTO verify_authorisations (household_id, county_code, signed_on, valid_until, signers, scope,
			scan_name, scan_type, scan_size, scan_sha256, scan, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.HouseholdID, a.County, a.SignedOn, a.ValidUntil, string(signers), string(scope), a.Scan.Filename, a.Scan.ContentType,
			a.Scan.Size, a.Scan.SHA256, a.Scan.Data, a.RecordedBy, a.RecordedAt)
		if err != nil {
			return err
		}
		return t.audit(ctx, "verify_authorisation", a.ID, a.County, "create", nil, a)
	})
}

// RevokeAuthorisation implements verify.Store.
func (db *DB) RevokeAuthorisation(ctx context.Context, id int64, on civil.Date, reason string) error {
	return db.transact(ctx, func(t *Tx) error {
		var county string
		var revoked civil.Date
		err := t.queryRow(ctx, `SELECT county_code, revoked_on FROM verify_authorisations WHERE id = ?`, id).Scan(&county, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "no authorisation %d", id)
		}
		if err != nil {
			return err
		}
		if !revoked.IsZero() {
			return apperr.Errorf(apperr.Conflict, "the authorisation was withdrawn on %s already", revoked)
		}
		if _, err := t.exec(ctx, `UPDATE verify_authorisations SET revoked_on = ?, revoke_reason = ? WHERE id = ?`, on, reason, id); err != nil {
			return err
		}
		return t.audit(ctx, "verify_authorisation", id, county, "revoke", nil, map[string]any{"revoked_on": on, "reason": reason})
	})
}

// Authorisation implements verify.Store.
func (db *DB) Authorisation(ctx context.Context, id int64) (*verify.Authorisation, error) {
	var data []byte
	a, err := scanAuthorisation(db.queryRow(ctx, `SELECT `+authorisationColumns+`, scan FROM verify_authorisations WHERE id = ?`, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no authorisation %d", id)
	}
	if err != nil {
		return nil, err
	}
	a.Scan.Data = data
	return a, nil
}

// SaveReport implements verify.Store. The number is the county, the year
// and a sequence within them: 440103-2025-000042.
func (db *DB) SaveReport(ctx context.Context, r *verify.Report) error {
	return db.transact(ctx, func(t *Tx) error {
		r.CreatedBy, r.CreatedAt = audit.ActorFrom(ctx).Username, db.now().UTC().Truncate(time.Microsecond)
		prefix := r.County + "-" + strconv.Itoa(r.Period.AsOf.Year) + "-"
		// The last number of the county and year, from the unique index
		// on number (a range, so the index answers it at once).
		var last sql.NullString
		col := "number"
		if db.dialect == Postgres {
			col = `number COLLATE "C"` // byte order, whatever the database's collation
		}
		if err := t.queryRow(ctx, `SELECT MAX(`+col+`) FROM verify_reports WHERE county_code = ? AND `+col+` >= ? AND `+col+` < ?`,
			r.County, prefix, prefix+"~").Scan(&last); err != nil {
			return err
		}
		n, _ := strconv.ParseInt(strings.TrimPrefix(last.String, prefix), 10, 64)
		r.Number = fmt.Sprintf("%s%06d", prefix, n+1)
		changed := false
		for _, p := range r.Programs {
			changed = changed || p.Changed()
		}
		r.ID = 0
		body, err := json.Marshal(r)
		if err != nil {
			return err
		}
		r.ID, err = t.insertID(ctx, `INSERT INTO verify_reports (number, household_id, county_code, application_id, authorisation_id, as_of,
			discrepancies, changed, body, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Number, r.HouseholdID, r.County, nullInt(r.ApplicationID), r.AuthorisationID, r.Period.AsOf, len(r.Discrepancies), boolInt(changed),
			string(body), r.CreatedBy, r.CreatedAt)
		if _, dup := isUniqueViolation(err); dup {
			return errRetry // a concurrent report took the number
		}
		if err != nil {
			return err
		}
		return t.audit(ctx, "verify_report", r.ID, r.County, "issue", nil, map[string]any{"number": r.Number, "household_id": r.HouseholdID,
			"application_id": r.ApplicationID, "discrepancies": len(r.Discrepancies), "changed": changed})
	})
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Report implements verify.Store.
func (db *DB) Report(ctx context.Context, id int64) (*verify.Report, error) {
	var body string
	err := db.queryRow(ctx, `SELECT body FROM verify_reports WHERE id = ?`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.NotFound, "no verification report %d", id)
	}
	if err != nil {
		return nil, err
	}
	var r verify.Report
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return nil, err
	}
	r.ID = id
	return &r, nil
}

// Reports implements verify.Store.
func (db *DB) Reports(ctx context.Context, household int64) ([]verify.Report, error) {
	rows, err := db.query(ctx, `SELECT id, body FROM verify_reports WHERE household_id = ? ORDER BY id DESC`, household)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verify.Report
	for rows.Next() {
		var r verify.Report
		var body string
		if err := rows.Scan(&r.ID, &body); err != nil {
			return nil, err
		}
		id := r.ID
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, err
		}
		r.ID = id
		for i := range r.Members {
			r.Members[i].Records = nil
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// IDIndex returns the blind index of an ID number under the store's keys,
// as the registry and departments' records are indexed ("" without keys).
func (db *DB) IDIndex(id string) string {
	if db.keys == nil {
		return ""
	}
	return db.keys.Index(pii.IDNumber, id)
}
