package verify

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/tabular"
)

// ImportOptions describe one import.
type ImportOptions struct {
	Source   *Source
	Mapping  Mapping
	FileName string
	// Sheet is the XLSX worksheet to read ("" for the first).
	Sheet    string
	DataAsOf civil.Date
	Today    civil.Date
	Scope    string
	By       string
	// Index returns the blind index of a valid ID number.
	Index func(id string) string
	// Progress, when set, is called after every stored chunk with the
	// batch's counts so far and the bytes read.
	Progress func(b *Batch, read int64)
	// ChunkRows is the number of rows stored per transaction (default 5000).
	ChunkRows int
}

// Import reads a department's file and stores it as a batch of src: the
// file is hashed first (a file already applied changes nothing and returns
// its batch with Again set), then streamed row by row, each row validated,
// the good ones stored in chunks, the bad ones kept as rejects with their
// reasons; at the end the batch is applied in one transaction. On a
// failure (unreadable file, missing columns, a syntax error that makes the
// rest of the file unreliable, cancellation) the batch is marked failed
// and nothing of it is applied. Memory stays constant whatever the size.
//
// Errors: Invalid for a file that cannot be read as a table of the source
// (its message says what and where, and the failed batch keeps it),
// context errors when cancelled, and the store's errors.
func Import(ctx context.Context, st BatchStore, f io.ReadSeeker, o ImportOptions) (*Batch, error) {
	b, err := Begin(ctx, st, f, o)
	if err != nil || b.Again {
		return b, err
	}
	return Load(ctx, st, b, f, o)
}

// Begin hashes f and records its batch as loading, or returns the applied
// batch of the same file with Again set (then there is nothing to load).
// It is the quick first half of Import: a server answers with the batch
// and runs Load in the background.
// Errors: reading f, and the store's errors.
func Begin(ctx context.Context, st BatchStore, f io.ReadSeeker, o ImportOptions) (*Batch, error) {
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.FileName, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return st.BeginBatch(ctx, &Batch{Source: o.Source.Code, FileName: filepath.Base(o.FileName), FileHash: hex.EncodeToString(h.Sum(nil)),
		FileSize: size, DataAsOf: o.DataAsOf, Scope: o.Scope, StartedBy: o.By, Status: BatchLoading})
}

// Load streams f into the loading batch b (from Begin) and applies it;
// on failure it marks b failed and returns b with the error.
// Errors: as Import.
func Load(ctx context.Context, st BatchStore, b *Batch, f io.ReadSeeker, o ImportOptions) (*Batch, error) {
	if err := load(ctx, st, b, f, o); err != nil {
		reason := err.Error()
		if e := apperr.As(err); e != nil {
			reason = ProblemText(Problem{Field: e.Field, Format: e.Format(), Args: textArgs(e.Args())})
		} else if ctx.Err() != nil {
			reason = ProblemText(Problem{Format: "the import was cancelled; nothing of it was applied"})
		}
		// A cancelled context must not keep the failure from being
		// recorded.
		if ferr := st.FailBatch(context.WithoutCancel(ctx), b.ID, reason); ferr != nil {
			return nil, errors.Join(err, ferr)
		}
		b.Status, b.Error = BatchFailed, reason
		return b, err
	}
	return st.FinishBatch(ctx, b.ID)
}

// counter counts the bytes read through it, for progress.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// open returns the file's rows and header, and records the format and
// encoding found on b.
func open(f io.ReadSeeker, cnt *counter, o ImportOptions, b *Batch) (tabular.Rows, []string, int, func(), error) {
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, 0, nil, err
	}
	noop := func() {}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		b.Format, b.Encoding = "xlsx", "UTF-8"
		ra, ok := f.(io.ReaderAt)
		if !ok {
			return nil, nil, 0, nil, errors.New("verify: an XLSX file needs random access")
		}
		x, err := openXLSX(ra, b.FileSize)
		if err != nil {
			return nil, nil, 0, nil, apperr.Fieldf("file", "the file looks like an XLSX workbook but cannot be opened: %v", err)
		}
		sheet := o.Sheet
		if sheet == "" {
			sheet = x.GetSheetName(0)
		}
		rows, err := x.Rows(sheet)
		if err != nil {
			x.Close()
			return nil, nil, 0, nil, apperr.Fieldf("sheet", "the workbook has no worksheet %q", sheet)
		}
		closer := func() { rows.Close(); x.Close() }
		rs := tabular.NewXLSX(rows)
		row, header, err := headerOf(rs)
		if err != nil {
			closer()
			return nil, nil, 0, nil, err
		}
		return rs, header, row, closer, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, nil, 0, nil, apperr.Fieldf("file", "this is an old Excel (.xls) file: save it as .xlsx or CSV and import that")
	}
	cnt.r = f
	text, enc, err := tabular.Decode(cnt)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	b.Encoding = enc
	br := bufio.NewReaderSize(text, 64<<10)
	first, _ := br.Peek(64)
	if trimmed := bytes.TrimLeft(first, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		b.Format = "jsonl"
		j, err := tabular.NewJSONLAuto(br)
		if err != nil {
			return nil, nil, 0, nil, apperr.Fieldf("file", "the file starts like JSON Lines but its first line is not a JSON object: %v", err)
		}
		return j, j.Header(), 0, noop, nil
	}
	b.Format = "csv"
	c := tabular.NewCSV(br)
	row, header, err := headerOf(c)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	for _, h := range header {
		if strings.ContainsRune(h, '\uFFFD') {
			return nil, nil, 0, nil, apperr.Fieldf("file", "the header has characters that are neither UTF-8 nor GB18030: save the file as UTF-8 or GB18030 (GBK) text")
		}
	}
	return c, header, row, noop, nil
}

// headerOf returns the first non-blank row, as the header.
func headerOf(rs tabular.Rows) (int, []string, error) {
	for {
		row, cells, err := rs.Next()
		if err == io.EOF {
			return 0, nil, apperr.Fieldf("file", "the file is empty: it needs a header row naming its columns")
		}
		if err != nil {
			return 0, nil, syntax(err)
		}
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				return row, append([]string(nil), cells...), nil
			}
		}
	}
}

// syntax turns a reader's syntax error into an Invalid error.
func syntax(err error) error {
	var se *tabular.SyntaxError
	if errors.As(err, &se) {
		return apperr.Fieldf(fmt.Sprintf("line %d", se.Line), "line %d: %v: the file is damaged or cut short (a quote never closed?); nothing of it was applied", se.Line, se.Err)
	}
	return err
}

// openXLSX opens a workbook from a file or any reader.
func openXLSX(ra io.ReaderAt, size int64) (*excelize.File, error) {
	if f, ok := ra.(*os.File); ok {
		return excelize.OpenFile(f.Name())
	}
	return excelize.OpenReader(io.NewSectionReader(ra, 0, size))
}

// load streams the rows of f into the loading batch b.
func load(ctx context.Context, st BatchStore, b *Batch, f io.ReadSeeker, o ImportOptions) error {
	cnt := &counter{}
	rows, header, _, closer, err := open(f, cnt, o, b)
	if err != nil {
		return err
	}
	defer closer()
	p, err := NewParser(o.Source, o.Mapping, header, o.Today, b.Format == "xlsx")
	if err != nil {
		return err
	}
	chunk := o.ChunkRows
	if chunk <= 0 {
		chunk = 5000
	}
	idField := o.Source.FieldIndex("id_number")
	recs := make([]StoredRecord, 0, chunk)
	var rejects []Reject
	var rec Record
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := st.AppendRecords(ctx, b, recs, rejects); err != nil {
			return err
		}
		b.Imported += int64(len(recs))
		b.Rejected += int64(len(rejects))
		recs, rejects = recs[:0], rejects[:0]
		if o.Progress != nil {
			o.Progress(b, cnt.n) // 0 for a worksheet, which streams from the archive
		}
		return nil
	}
	for {
		row, cells, err := rows.Next()
		if err == io.EOF {
			break
		}
		var se *tabular.SyntaxError
		if errors.As(err, &se) && b.Format == "jsonl" {
			// One bad line of JSON Lines spoils only itself.
			b.Rows++
			rejects = append(rejects, Reject{Row: se.Line, Problems: []Problem{{Field: "line", Column: "-", Format: "not a JSON object: %s", Args: []string{se.Err.Error()}}}})
			continue
		}
		if err != nil {
			return syntax(err)
		}
		if rej := p.Parse(row, cells, &rec); rej != nil {
			b.Rows++
			rejects = append(rejects, *rej)
		} else if rec.Values != nil {
			b.Rows++
			idx := o.Index(rec.Values[idField])
			recs = append(recs, StoredRecord{Source: o.Source.Code, BatchID: b.ID, Row: row, Key: o.Source.KeyOf(&rec, idx),
				PersonIndex: idx, Data: o.Source.Encode(&rec)})
		}
		if len(recs)+len(rejects) >= chunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
