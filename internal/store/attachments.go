package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/registry"
)

var _ casework.AttachmentStore = (*DB)(nil)

// attachmentColumns are an attachment's columns but its content.
const attachmentColumns = "f.id, f.application_id, f.county_code, f.purpose, f.filename, f.content_type, f.size, f.sha256, f.supersedes, f.uploaded_by, f.uploaded_at"

func scanAttachment(sc interface{ Scan(...any) error }, extra ...any) (casework.Attachment, error) {
	var f casework.Attachment
	var at timestamp
	err := sc.Scan(append([]any{&f.ID, &f.ApplicationID, &f.County, &f.Purpose, &f.Filename, &f.ContentType, &f.Size, &f.SHA256,
		nullableInt{&f.Supersedes}, &f.UploadedBy, &at}, extra...)...)
	f.UploadedAt = at.Time
	return f, err
}

// AddAttachment implements casework.AttachmentStore.
func (db *DB) AddAttachment(ctx context.Context, scope registry.Scope, f *casework.Attachment) error {
	return db.transact(ctx, func(t *Tx) error {
		a, err := db.application(ctx, t, scope, f.ApplicationID)
		if err != nil {
			return err
		}
		if f.Supersedes != 0 {
			var app, by int64
			err := t.queryRow(ctx, `SELECT f.application_id, COALESCE(n.id, 0) FROM attachments f
				LEFT JOIN attachments n ON n.supersedes = f.id WHERE f.id = ?`, f.Supersedes).Scan(&app, &by)
			switch {
			case errors.Is(err, sql.ErrNoRows) || err == nil && app != a.ID:
				return apperr.Fieldf("supersedes", "file %d is not one of this application's", f.Supersedes)
			case err != nil:
				return err
			case by != 0:
				return apperr.Errorf(apperr.Conflict, "file %d was already replaced by file %d", f.Supersedes, by)
			}
		}
		f.County = a.County
		f.UploadedAt = db.now().UTC().Truncate(time.Microsecond)
		f.ID, err = t.insertID(ctx, `INSERT INTO attachments (county_code, application_id, purpose, filename, content_type, size, sha256,
			data, supersedes, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.County, f.ApplicationID, f.Purpose, f.Filename, f.ContentType, f.Size, f.SHA256, f.Data, nullInt(f.Supersedes),
			f.UploadedBy, f.UploadedAt)
		if _, dup := isUniqueViolation(err); dup {
			// Another upload superseded the same file at the same moment.
			return apperr.Errorf(apperr.Conflict, "file %d was already replaced by another", f.Supersedes)
		}
		if err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
		// The file name is left out with the content: it may name a person.
		return t.audit(ctx, "attachment", f.ID, f.County, "create", nil, attachmentAudit(f))
	})
}

// attachmentAudit is what the audit trail keeps of an attachment.
func attachmentAudit(f *casework.Attachment) map[string]any {
	out := map[string]any{"application_id": f.ApplicationID, "purpose": f.Purpose, "content_type": f.ContentType,
		"size": f.Size, "sha256": f.SHA256}
	if f.Supersedes != 0 {
		out["supersedes"] = f.Supersedes
	}
	return out
}

// Attachments implements casework.AttachmentStore.
func (db *DB) Attachments(ctx context.Context, scope registry.Scope, appID int64) ([]casework.Attachment, error) {
	if _, err := db.application(ctx, db, scope, appID); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT "+attachmentColumns+" FROM attachments f WHERE f.application_id = ? ORDER BY f.id", appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Attachment{}
	at := map[int64]int{}
	for rows.Next() {
		f, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		at[f.ID] = len(out)
		out = append(out, f)
	}
	for _, f := range out {
		if i, ok := at[f.Supersedes]; ok {
			out[i].SupersededBy = f.ID
		}
	}
	return out, rows.Err()
}

// Attachment implements casework.AttachmentStore.
func (db *DB) Attachment(ctx context.Context, scope registry.Scope, id int64) (*casework.Attachment, error) {
	var data []byte
	f, err := scanAttachment(db.queryRow(ctx, "SELECT "+attachmentColumns+`, f.data FROM attachments f
		JOIN applications a ON a.id = f.application_id WHERE f.id = ? AND `+inScope, append([]any{id}, appScopeArgs(scope)...)...), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("attachment", id)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Audit(ctx, "attachment", f.ID, f.County, "read", attachmentAudit(&f)); err != nil {
		return nil, err
	}
	f.Data = data
	return &f, nil
}
