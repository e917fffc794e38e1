// Package importfile reads the registry import file (the "template"): a
// persons table, and optional incomes and assets tables, as CSV files or as
// the sheets of one XLSX workbook. docs/import-format.md describes the format
// for the people who fill it in.
//
// Reading (ReadCSV, ReadCSVDir, ReadXLSX) parses and validates, and touches
// no store; Apply then stores a validated Batch through registry.Store.
// Validation runs registry.Household.Validate on every household, so what
// a read returns is what the store accepts, and adds what only a file can
// get wrong: labels in Chinese, dates and amounts as Excel writes them, ID
// numbers that Excel turned into numbers, one person on two rows, a
// household with no head or two.
//
// Bad input is reported, never fatal: every bad cell becomes an error naming
// the table, the row as Excel numbers it and the column. A household with a
// bad row is left out whole (half a household would be assessed wrongly),
// each of its other rows reported as skipped, and every other household is
// returned. Only a file that cannot be read at all, or one over
// Options.MaxRows, fails the whole call.
package importfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/registry"
	"safetynet/internal/tabular"
)

// Options control a read.
type Options struct {
	// Today is the day of the import: births, deaths, acquisitions and
	// income months after it are refused. Zero means civil.Today().
	Today civil.Date
	// MaxRows limits the data rows of each table (0: no limit); a larger
	// file fails with apperr.TooLarge before it fills memory.
	MaxRows int
	// Scope, when set, is the importing user's jurisdiction (a region code
	// prefix): a household outside it is refused.
	Scope string
}

// Batch is what a file holds that passed validation.
//
// An income or asset of a member carries a provisional PersonID, minus one
// minus the member's index in its household's Members (-1 for the first
// member), because persons have no IDs until stored; household-level ones
// carry 0. After storing Households[i], call Bind(i).
type Batch struct {
	Households []*registry.Household
	// Incomes and Assets are keyed by household_ref.
	Incomes map[string][]registry.Income
	Assets  map[string][]registry.Asset
	// Refs holds each household's household_ref, in the order of Households.
	Refs []string
}

// Bind sets the household and person IDs of the incomes and assets of
// Households[i] from the IDs the store assigned it. Calling it again is
// harmless.
func (b *Batch) Bind(i int) {
	h := b.Households[i]
	person := func(pid int64) int64 {
		if pid < 0 && int(-pid-1) < len(h.Members) {
			return h.Members[-pid-1].Person.ID
		}
		return pid
	}
	ref := b.Refs[i]
	for j := range b.Incomes[ref] {
		in := &b.Incomes[ref][j]
		in.HouseholdID, in.PersonID = h.ID, person(in.PersonID)
	}
	for j := range b.Assets[ref] {
		a := &b.Assets[ref][j]
		a.HouseholdID, a.PersonID = h.ID, person(a.PersonID)
	}
}

// RowError is one bad cell or row: Field is "persons.csv row 7, column
// id_number" (a row's own fault has no column; a table's, no row), Message
// says what is wrong, Code is apperr.Invalid.
type RowError = *apperr.Error

// DeathReason is the leave reason of a membership ended by the member's
// death_date.
const DeathReason = "死亡"

// ReadCSVDir reads persons.csv and, when present, incomes.csv and
// assets.csv from dir (names matched without regard to case; 人员.csv,
// 收入.csv and 资产.csv are accepted too). Errors: Invalid when there is no
// persons file; see ReadCSV.
func ReadCSVDir(dir string, opt Options) (*Batch, []*apperr.Error, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var files [3]*os.File
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	for _, t := range tables {
		for _, e := range entries {
			name := strings.ToLower(e.Name())
			if e.IsDir() || !strings.HasSuffix(name, ".csv") || files[t.Kind] != nil {
				continue
			}
			base := strings.TrimSuffix(name, ".csv")
			for _, s := range t.Sheets[:2] {
				if base == s {
					f, err := os.Open(filepath.Join(dir, e.Name()))
					if err != nil {
						return nil, nil, err
					}
					files[t.Kind] = f
				}
			}
		}
	}
	if files[persons] == nil {
		return nil, nil, apperr.Errorf(apperr.Invalid, "there is no persons.csv (人员.csv) in the folder")
	}
	var inc, ast io.Reader
	if files[incomes] != nil {
		inc = files[incomes]
	}
	if files[assets] != nil {
		ast = files[assets]
	}
	return ReadCSV(files[persons], inc, ast, opt)
}

// ReadCSV reads the persons table and, when not nil, the incomes and assets
// tables, each a CSV in UTF-8, GB18030 or UTF-16 (see Decode), separated by
// commas, tabs, semicolons or vertical bars (see tabular.NewCSV). It returns the valid households, the row errors in file
// and row order, and an error only when a file cannot be read (I/O) or has
// more than opt.MaxRows rows (apperr.TooLarge).
func ReadCSV(personsCSV io.Reader, incomesCSV, assetsCSV io.Reader, opt Options) (*Batch, []*apperr.Error, error) {
	in := [3]io.Reader{personsCSV, incomesCSV, assetsCSV}
	return read(opt, func(k kind) (*reader, *headerError, error) {
		if in[k] == nil {
			return nil, nil, nil
		}
		dec, _, err := tabular.Decode(in[k])
		if err != nil {
			return nil, nil, err
		}
		return open(tables[k], tables[k].File, tabular.NewCSV(dec), nil, nil)
	}, func(k kind) string { return tables[k].File })
}

// ReadXLSX reads a workbook whose sheets are named persons, incomes and
// assets (or 人员, 收入, 资产; a workbook of one sheet is read as persons).
// Errors: Invalid when the file is not an XLSX workbook or has no persons
// sheet; otherwise as ReadCSV.
func ReadXLSX(r io.ReaderAt, size int64, opt Options) (b *Batch, errs []*apperr.Error, err error) {
	// excelize parses untrusted XML and has panicked on malformed files in
	// the past; a bad upload must come back as an error, not take down the
	// import job.
	defer func() {
		if p := recover(); p != nil {
			b, errs, err = nil, nil, apperr.Errorf(apperr.Invalid, "the workbook is damaged and cannot be read")
		}
	}()
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, nil, apperr.Errorf(apperr.Invalid, "the file is not an XLSX workbook (an old .xls must be saved as .xlsx first)")
	}
	defer f.Close()
	list := f.GetSheetList()
	var sheets [3]string
	for _, t := range tables {
		for _, s := range list {
			for _, want := range t.Sheets {
				if sheets[t.Kind] == "" && headerKey(s) == headerKey(want) {
					sheets[t.Kind] = s
				}
			}
		}
	}
	if sheets[persons] == "" && len(list) == 1 {
		sheets[persons] = list[0]
	}
	if sheets[persons] == "" {
		return nil, nil, apperr.Errorf(apperr.Invalid, "the workbook has no sheet named persons or 人员")
	}
	var open3 [3]*excelize.Rows
	defer func() {
		for _, r := range open3 {
			if r != nil {
				r.Close()
			}
		}
	}()
	return read(opt, func(k kind) (*reader, *headerError, error) {
		sheet := sheets[k]
		if sheet == "" {
			return nil, nil, nil
		}
		rows, err := f.Rows(sheet)
		if err != nil {
			return nil, nil, err
		}
		open3[k] = rows
		merges := func() ([]excelize.MergeCell, error) { return f.GetMergeCells(sheet, true) }
		return open(tables[k], "sheet "+sheet, tabular.NewXLSX(rows), &xlsxInfo{f: f, sheet: sheet}, merges)
	}, func(k kind) string { return "sheet " + sheets[k] })
}

// read runs the three tables through a builder: persons first, since
// incomes and assets refer to its households and ID numbers.
func read(opt Options, openTable func(kind) (*reader, *headerError, error), label func(kind) string) (*Batch, []*apperr.Error, error) {
	b := newBuilder(opt)
	for _, t := range tables {
		rd, herr, err := openTable(t.Kind)
		if err != nil {
			return nil, nil, err
		}
		if herr != nil {
			b.label[t.Kind] = label(t.Kind)
			b.add(t.Kind, herr.row, -1, herr.format, herr.args...)
			b.failed = true
			if t.Kind == persons {
				return b.finish()
			}
			continue
		}
		if rd == nil {
			continue
		}
		b.label[t.Kind], b.rd[t.Kind] = rd.label, rd
		if err := b.readTable(rd); err != nil {
			return nil, nil, err
		}
		if t.Kind == persons {
			if len(b.hh) == 0 && len(b.errs) == 0 {
				b.add(persons, rd.header, -1, "the table has no data rows below its header")
			}
			b.checkHouseholds()
		}
	}
	return b.finish()
}

// readTable reads every data row of a table.
func (b *builder) readTable(rd *reader) error {
	k := rd.t.Kind
	n := 0
	r := row{b: b, rd: rd}
	for {
		num, cells, err := rd.next()
		if err == io.EOF {
			return nil
		}
		var se *tabular.SyntaxError
		if errors.As(err, &se) {
			// A CSV that breaks off cannot be trusted past the break; the
			// rows read so far are kept and the break reported.
			b.add(k, 0, -1, "the file cannot be read past line %d (%v)", se.Line, se.Err)
			b.failed = true
			return nil
		}
		if err != nil {
			return err
		}
		if n++; b.opt.MaxRows > 0 && n > b.opt.MaxRows {
			return apperr.Errorf(apperr.TooLarge, "%s has more than %d rows", rd.label, b.opt.MaxRows)
		}
		r.num, r.cells, r.bad = num, cells, false
		switch k {
		case persons:
			b.person(&r)
		case incomes:
			b.income(&r)
		case assets:
			b.asset(&r)
		}
	}
}

// rowErr is an error with its place, for sorting.
type rowErr struct {
	kind     kind
	row, col int
	e        *apperr.Error
}

type cellKey struct {
	kind     kind
	row, col int
}

// finish marks the rows of left-out households, sorts the errors by table,
// row and column, and assembles the batch of good households.
func (b *builder) finish() (*Batch, []*apperr.Error, error) {
	type rowKey struct {
		kind kind
		row  int
	}
	rowBad := make(map[rowKey]bool, len(b.errs))
	for _, e := range b.errs {
		rowBad[rowKey{e.kind, e.row}] = true
	}
	out := &Batch{Incomes: map[string][]registry.Income{}, Assets: map[string][]registry.Asset{}}
	if b.failed && len(b.hh) > 0 {
		// A table that cannot be read as a whole leaves every household in
		// doubt (a household cut in two, incomes that went unread): none
		// is returned, and the table's error says why.
		for k, l := range b.label {
			if l != "" {
				b.add(kind(k), 0, -1, "nothing was imported: correct the errors in the tables' headers or layout first")
				break
			}
		}
		b.hh = nil
	}
	for _, h := range b.hh {
		if !h.bad {
			h.h.Members = b.members(h)
			out.Households = append(out.Households, &h.h)
			out.Refs = append(out.Refs, h.ref)
			if len(h.incomes) > 0 {
				out.Incomes[h.ref] = h.incomes
			}
			if len(h.assets) > 0 {
				out.Assets[h.ref] = h.assets
			}
			continue
		}
		for k, rows := range [3][]int{b.rows(h), h.incRows, h.assetRows} {
			for _, n := range rows {
				if !rowBad[rowKey{kind(k), n}] {
					b.add(kind(k), n, -1, "skipped: household %s has errors", h.ref)
				}
			}
		}
	}
	sort.SliceStable(b.errs, func(i, j int) bool {
		x, y := b.errs[i], b.errs[j]
		if x.kind != y.kind {
			return x.kind < y.kind
		}
		if x.row != y.row {
			return x.row < y.row
		}
		return x.col < y.col
	})
	errs := make([]*apperr.Error, len(b.errs))
	for i, e := range b.errs {
		errs[i] = e.e
	}
	return out, errs, nil
}

// field names a place: "persons.csv row 7, column id_number".
func (b *builder) field(k kind, row, col int) string {
	f := b.label[k]
	if f == "" {
		f = tables[k].File
	}
	if row > 0 {
		f += " row " + strconv.Itoa(row)
	}
	if col >= 0 {
		f += ", column " + tables[k].Cols[col].Code
	}
	return f
}

// add files an error at a place (col -1: the row; row 0: the table).
func (b *builder) add(k kind, row, col int, format string, args ...any) {
	b.errs = append(b.errs, rowErr{k, row, col, apperr.Fieldf(b.field(k, row, col), format, args...)})
	b.marked[cellKey{k, row, col}] = true
}

// addErr files a validator's error at a place, keeping its message (and
// its format, for translation), unless that cell is already reported.
func (b *builder) addErr(k kind, row, col int, e *apperr.Error) bool {
	if b.marked[cellKey{k, row, col}] {
		return false
	}
	c := *e
	c.Field, c.Details = b.field(k, row, col), nil
	b.errs = append(b.errs, rowErr{k, row, col, &c})
	b.marked[cellKey{k, row, col}] = true
	return true
}

// details lists the field errors inside a validator's error.
func details(err error) []*apperr.Error {
	e := apperr.As(err)
	if e == nil {
		if err == nil {
			return nil
		}
		return []*apperr.Error{apperr.Errorf(apperr.Invalid, "%v", err)}
	}
	if len(e.Details) > 0 {
		return e.Details
	}
	return []*apperr.Error{e}
}
