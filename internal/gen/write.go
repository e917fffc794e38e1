package gen

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strconv"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/registry"
	"safetynet/internal/registry/importfile"
)

// WriteCSV generates opt.Households households into dir as persons.csv,
// incomes.csv and assets.csv in the import format: UTF-8 with a byte-order
// mark (so that Excel shows the Chinese), Chinese headers, and enumerated
// values as their Chinese labels, as an office's file would have them.
// Errors: as Generate, and I/O errors.
//
// Generation and formatting run in two goroutines, handing over batches of
// households in order, so the output is the same as from one.
func WriteCSV(dir string, opt Options) (Stats, error) {
	var st Stats
	w, err := newCSVWriter(dir)
	if err != nil {
		return st, err
	}
	type item struct {
		ref string
		h   *registry.Household
		in  []registry.Income
		as  []registry.Asset
	}
	const batchSize = 512
	batches := make(chan []item, 4)
	failed := make(chan struct{}) // closed when the writer stops on an error
	var werr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for batch := range batches {
			if werr != nil {
				continue // drain, so the generator is never blocked
			}
			for _, it := range batch {
				if werr = w.household(it.ref, it.h, it.in, it.as); werr != nil {
					close(failed)
					break
				}
			}
		}
	}()
	batch := make([]item, 0, batchSize)
	gerr := Generate(opt, func(ref string, h *registry.Household, in []registry.Income, as []registry.Asset) error {
		st.Households++
		st.Persons += len(h.Members)
		st.Incomes += len(in)
		st.Assets += len(as)
		batch = append(batch, item{ref, h, in, as})
		if len(batch) == batchSize {
			select {
			case batches <- batch:
			case <-failed:
				return errWriter
			}
			batch = make([]item, 0, batchSize)
		}
		return nil
	})
	if len(batch) > 0 && gerr == nil {
		batches <- batch
	}
	close(batches)
	<-done
	err = gerr
	if werr != nil {
		err = werr
	}
	if cerr := w.close(); err == nil {
		err = cerr
	}
	return st, err
}

// errWriter stops the generator when the writer has failed; the writer's
// own error is what WriteCSV returns.
var errWriter = errors.New("gen: writer failed")

// csvWriter formats rows by appending to a byte slice: strconv-style
// appends instead of fmt, and no per-field allocation, because a million
// households are some 30 million cells.
type csvWriter struct {
	files [3]*os.File
	out   [3]*bufio.Writer
	buf   []byte
	cols  [3][]importfile.Column
	label labels
}

// labels are the Chinese labels of the enumerated persons columns.
type labels struct {
	rel, school, employment, labour, disability, selfCare, hukou, income, asset map[string]string
	grade                                                                       [5]string
}

func newCSVWriter(dir string) (*csvWriter, error) {
	w := &csvWriter{buf: make([]byte, 0, 4096)}
	l := func(table, code string) map[string]string { return importfile.Labels(table, code) }
	w.label = labels{
		rel: l("persons", "relationship"), school: l("persons", "school_status"),
		employment: l("persons", "employment_status"), labour: l("persons", "labour_capacity"),
		disability: l("persons", "disability_category"), selfCare: l("persons", "self_care"),
		hukou: l("persons", "hukou_type"), income: l("incomes", "type"), asset: l("assets", "type"),
	}
	grades := l("persons", "disability_grade")
	for i := 1; i <= 4; i++ {
		w.label.grade[i] = grades[strconv.Itoa(i)]
	}
	for i, name := range []string{"persons", "incomes", "assets"} {
		f, err := os.Create(filepath.Join(dir, name+".csv"))
		if err != nil {
			w.close()
			return nil, err
		}
		w.files[i] = f
		w.out[i] = bufio.NewWriterSize(f, 1<<20)
		w.cols[i] = importfile.Columns(name)
		b := append(w.buf[:0], "\ufeff"...)
		for j, c := range w.cols[i] {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, c.Name...)
		}
		b = append(b, '\n')
		if _, err := w.out[i].Write(b); err != nil {
			w.close()
			return nil, err
		}
	}
	return w, nil
}

func (w *csvWriter) close() error {
	var first error
	for i, f := range w.files {
		if f == nil {
			continue
		}
		if w.out[i] != nil {
			if err := w.out[i].Flush(); err != nil && first == nil {
				first = err
			}
		}
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (w *csvWriter) household(ref string, h *registry.Household, in []registry.Income, as []registry.Asset) error {
	b := w.buf[:0]
	for i := range h.Members {
		b = w.person(b, ref, h, i)
	}
	if _, err := w.out[0].Write(b); err != nil {
		return err
	}
	b = b[:0]
	for i := range in {
		b = w.income(b, ref, h, &in[i])
	}
	if _, err := w.out[1].Write(b); err != nil {
		return err
	}
	b = b[:0]
	for i := range as {
		b = w.asset(b, ref, h, &as[i])
	}
	_, err := w.out[2].Write(b)
	w.buf = b
	return err
}

// person appends one persons row, its cells in the order of the columns;
// the household's own cells only on the head's row.
func (w *csvWriter) person(b []byte, ref string, h *registry.Household, i int) []byte {
	m := &h.Members[i]
	p := &m.Person
	head := m.Relationship == registry.RelHead
	for j, c := range w.cols[0] {
		if j > 0 {
			b = append(b, ',')
		}
		switch c.Code {
		case "household_ref":
			b = appendText(b, ref)
		case "relationship":
			b = append(b, w.label.rel[string(m.Relationship)]...)
		case "name":
			b = appendText(b, p.Name)
		case "id_number":
			b = append(b, p.IDNumber...)
		case "phone":
			b = append(b, p.Phone...)
		case "hukou_region":
			b = append(b, p.HukouRegion...)
		case "school_status":
			b = append(b, w.label.school[string(p.SchoolStatus)]...)
		case "employment_status":
			b = append(b, w.label.employment[string(p.EmploymentStatus)]...)
		case "labour_capacity":
			b = append(b, w.label.labour[string(p.LabourCapacity)]...)
		case "disability_category":
			b = append(b, w.label.disability[string(p.DisabilityCategory)]...)
		case "disability_grade":
			if p.DisabilityGrade >= 1 && p.DisabilityGrade <= 4 {
				b = append(b, w.label.grade[p.DisabilityGrade]...)
			}
		case "serious_illness":
			b = appendText(b, p.SeriousIllness)
		case "self_care":
			b = append(b, w.label.selfCare[string(p.SelfCare)]...)
		case "death_date":
			b = appendDate(b, p.Death)
		case "joined_on":
			b = appendDate(b, m.JoinedOn)
		}
		if !head {
			continue
		}
		switch c.Code {
		case "region_code":
			b = append(b, h.RegionCode...)
		case "address":
			b = appendText(b, h.Address)
		case "hukou_type":
			b = append(b, w.label.hukou[string(h.HukouType)]...)
		case "residence_region":
			b = append(b, h.ResidenceRegion...)
		case "residence_address":
			b = appendText(b, h.ResidenceAddress)
		case "bank_name":
			b = appendText(b, h.BankName)
		case "bank_account":
			b = append(b, h.BankAccount...)
		case "bank_holder":
			b = appendText(b, h.BankHolder)
		}
	}
	return append(b, '\n')
}

// owner returns the ID number of the member a provisional PersonID names,
// "" for a household-level record.
func owner(h *registry.Household, pid int64) string {
	if pid < 0 && int(-pid-1) < len(h.Members) {
		return h.Members[-pid-1].Person.IDNumber
	}
	return ""
}

func (w *csvWriter) income(b []byte, ref string, h *registry.Household, in *registry.Income) []byte {
	for j, c := range w.cols[1] {
		if j > 0 {
			b = append(b, ',')
		}
		switch c.Code {
		case "household_ref":
			b = appendText(b, ref)
		case "id_number":
			b = append(b, owner(h, in.PersonID)...)
		case "type":
			b = append(b, w.label.income[string(in.Type)]...)
		case "month":
			b = appendMonth(b, in.Month)
		case "amount":
			b = appendFen(b, in.Amount)
		case "employment_cost":
			if in.EmploymentCost != 0 {
				b = appendFen(b, in.EmploymentCost)
			}
		case "note":
			b = appendText(b, in.Note)
		}
	}
	return append(b, '\n')
}

func (w *csvWriter) asset(b []byte, ref string, h *registry.Household, a *registry.Asset) []byte {
	for j, c := range w.cols[2] {
		if j > 0 {
			b = append(b, ',')
		}
		switch c.Code {
		case "household_ref":
			b = appendText(b, ref)
		case "id_number":
			b = append(b, owner(h, a.PersonID)...)
		case "type":
			b = append(b, w.label.asset[string(a.Type)]...)
		case "description":
			b = appendText(b, a.Description)
		case "value":
			b = appendFen(b, a.Value)
		case "area":
			if a.Area != 0 {
				b = strconv.AppendFloat(b, a.Area, 'f', -1, 64)
			}
		case "valid_from":
			b = appendDate(b, a.ValidFrom)
		}
	}
	return append(b, '\n')
}

// appendText appends a cell, quoted when it holds a comma, quote or line
// break (real village names and notes may).
func appendText(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			plain = false
			break
		}
	}
	if plain {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func appendDate(b []byte, d civil.Date) []byte {
	if d.IsZero() {
		return b
	}
	b = append4(b, d.Year)
	b = append(b, '-')
	b = append2(b, int(d.Month))
	b = append(b, '-')
	return append2(b, d.Day)
}

func appendMonth(b []byte, m civil.Month) []byte {
	b = append4(b, m.Year)
	b = append(b, '-')
	return append2(b, int(m.Month))
}

// appendFen appends an amount as yuan with two decimals, like money.Fen's
// String.
func appendFen(b []byte, f money.Fen) []byte {
	v := int64(f)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	b = append(b, '.')
	return append2(b, int(v%100))
}

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10%10), byte('0'+v%10)) }
