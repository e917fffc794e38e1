package verify

import (
	"context"
	"encoding/json"
	"time"

	"safetynet/internal/civil"
)

// Batch statuses.
const (
	BatchLoading = "loading" // rows are being stored; none is visible yet
	BatchApplied = "applied" // its records are current, superseding older ones by key
	BatchFailed  = "failed"  // stopped (bad file, cancelled, process killed): nothing applied
)

// BatchStatuses lists every batch status.
var BatchStatuses = []string{BatchLoading, BatchApplied, BatchFailed}

// Batch is one import of one file of one source, with its provenance.
type Batch struct {
	ID       int64  `json:"id"`
	Source   string `json:"source"`
	FileName string `json:"file_name"`
	FileHash string `json:"file_hash"` // SHA-256 of the file's bytes, hex
	FileSize int64  `json:"file_size"`
	Format   string `json:"format"`   // csv, xlsx, jsonl
	Encoding string `json:"encoding"` // UTF-8, GB18030, UTF-16LE…
	Status   string `json:"status"`
	// Rows counts the data rows read; Imported those stored, Rejected
	// those refused (see the batch's rejects), Duplicates the rows that
	// repeated an earlier row's key within the file (also rejects), and
	// Superseded the older records this batch replaced.
	Rows       int64      `json:"rows"`
	Imported   int64      `json:"imported"`
	Rejected   int64      `json:"rejected"`
	Duplicates int64      `json:"duplicates"`
	Superseded int64      `json:"superseded"`
	DataAsOf   civil.Date `json:"data_as_of"`
	Error      string     `json:"error,omitempty"`
	// Scope is the importing user's jurisdiction.
	Scope      string    `json:"scope"`
	StartedBy  string    `json:"started_by"`
	StartedAt  time.Time `json:"started_at"`
	Heartbeat  time.Time `json:"heartbeat"`
	FinishedAt time.Time `json:"finished_at"`
	// Again is set (not stored) when BeginBatch found this file already
	// applied: the import changed nothing.
	Again bool `json:"again,omitempty"`
}

// Problem returns why the batch failed, as a Problem that the web layer
// can show in the user's language; ok is false for a batch that did not
// fail or whose reason is plain text.
func (b *Batch) Problem() (p Problem, ok bool) {
	if b.Error == "" || b.Error[0] != '{' {
		return Problem{}, false
	}
	return p, json.Unmarshal([]byte(b.Error), &p) == nil && p.Format != ""
}

// ProblemText stores a Problem as a batch's Error.
func ProblemText(p Problem) string {
	b, err := json.Marshal(p)
	if err != nil {
		return p.Format
	}
	return string(b)
}

// StoredRecord is a record as kept: keyed by the ID number's blind index,
// the ID number itself only masked.
type StoredRecord struct {
	Source      string
	BatchID     int64
	Row         int
	Key         string // Source.Key's values, the ID number as its blind index
	PersonIndex string
	// Data is the values as a JSON object, field code → canonical value,
	// the ID number masked (Source.Encode, Source.Decode).
	Data json.RawMessage
}

// SourceInfo is a source with its latest applied batch.
type SourceInfo struct {
	Source
	Latest  *Batch `json:"latest,omitempty"`
	Current int64  `json:"current_records"`
}

// Store keeps sources, batches, records, authorisations and reports.
type Store interface {
	// Sources returns the built-in and the added sources, each with its
	// latest applied batch.
	Sources(ctx context.Context) ([]SourceInfo, error)
	// AddSource stores an administrator's new source.
	// Errors: Invalid (Source.Validate), Conflict (the code is taken).
	AddSource(ctx context.Context, s *Source) error
	// Mapping returns the saved mapping of a source (nil when none).
	Mapping(ctx context.Context, source string) (Mapping, error)
	// SaveMapping saves a source's mapping for the next batch.
	SaveMapping(ctx context.Context, source string, m Mapping) error

	BatchStore

	// Authorisations returns a household's authorisations, newest first.
	Authorisations(ctx context.Context, householdID int64) ([]Authorisation, error)
	// AddAuthorisation stores a completed authorisation and its scan.
	AddAuthorisation(ctx context.Context, a *Authorisation) error
	// RevokeAuthorisation records that the household withdrew an
	// authorisation on day on, with the reason.
	// Errors: NotFound; Conflict when it was withdrawn already.
	RevokeAuthorisation(ctx context.Context, id int64, on civil.Date, reason string) error
	// Authorisation returns one authorisation with its scan's content.
	// Errors: NotFound.
	Authorisation(ctx context.Context, id int64) (*Authorisation, error)

	// CurrentRecords returns the current records of the persons with the
	// given blind indexes.
	CurrentRecords(ctx context.Context, indexes []string) ([]StoredRecord, error)

	// SaveReport stores a report and assigns its ID and number.
	SaveReport(ctx context.Context, r *Report) error
	// Report returns a stored report. Errors: NotFound.
	Report(ctx context.Context, id int64) (*Report, error)
	// Reports lists a household's reports, newest first, without their
	// members' records.
	Reports(ctx context.Context, householdID int64) ([]Report, error)
}

// BatchStore is the part of Store an import writes through.
type BatchStore interface {
	// BeginBatch records a new batch as loading. If an applied batch of
	// the same source has the same file hash, it returns that batch with
	// Again set and records nothing: re-importing a file changes nothing.
	BeginBatch(ctx context.Context, b *Batch) (*Batch, error)
	// AppendRecords stores a chunk of a loading batch's records and
	// rejects, invisible until FinishBatch, and records b's progress (its
	// Rows, Format and Encoding) and heartbeat.
	// Errors: Conflict when the batch is no longer loading.
	AppendRecords(ctx context.Context, b *Batch, recs []StoredRecord, rejects []Reject) error
	// FinishBatch applies a loading batch in one transaction: rows that
	// repeat a key within the batch become rejects ("duplicate key"), the
	// rest become current and supersede the current records with the
	// same key; history is kept. Errors: Conflict when not loading.
	FinishBatch(ctx context.Context, batch int64) (*Batch, error)
	// FailBatch marks a loading batch failed with reason and removes its
	// unapplied records; its rejects are kept for the report.
	FailBatch(ctx context.Context, batch int64, reason string) error
	// FailStale fails loading batches whose heartbeat is older than
	// before: imports whose process died.
	FailStale(ctx context.Context, before time.Time) (int, error)
	// Batch returns a batch. Errors: NotFound.
	Batch(ctx context.Context, id int64) (*Batch, error)
	// Batches lists a source's batches ("" for all), newest first.
	Batches(ctx context.Context, source string, limit int) ([]Batch, error)
	// Rejects returns a batch's rejects in row order after row after.
	Rejects(ctx context.Context, batch int64, after, limit int) ([]Reject, error)
}
