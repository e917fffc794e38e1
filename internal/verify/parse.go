package verify

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/pii"
	"safetynet/internal/tabular"
)

// maxText is the longest text value kept, in characters: longer is a sign
// of a broken file (a missing closing quote swallowing lines), not data.
const maxText = 500

// Record is one row that passed validation: canonical values by the index
// of Source.Fields, "" for an empty optional field. Canonical means money
// in fen, decimals ×100 and ints as base-10 integers, dates YYYY-MM-DD,
// months YYYY-MM, enums as codes, booleans "true"/"false", and the ID
// number in its 18-character upper-case form.
type Record struct {
	Row    int
	Values []string
}

// Problem is one fault of a row: the field, the file's column, and an
// English message whose format and (string) arguments are kept so that the
// web layer can show it in Chinese and a stored reject can be shown again.
type Problem struct {
	Field  string   `json:"field"`
	Column string   `json:"column"`
	Format string   `json:"format"`
	Args   []string `json:"args,omitempty"`
}

// Err returns the problem as an Invalid *apperr.Error for row, whose
// Localize renders it in the user's language.
func (p Problem) Err(row int) *apperr.Error {
	return apperr.Fieldf(fmt.Sprintf("row %d, column %s", row, p.Column), p.Format, argsFor(p.Format, p.Args)...)
}

// argsFor turns a problem's stored text arguments back into what format's
// verbs expect: an integer for %d, the text for the rest.
func argsFor(format string, args []string) []any {
	out := make([]any, len(args))
	verb := 0
	for i := 0; i < len(format)-1 && verb < len(args); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if format[i] == '%' {
			continue
		}
		out[verb] = args[verb]
		if format[i] == 'd' {
			if n, err := strconv.ParseInt(args[verb], 10, 64); err == nil {
				out[verb] = n
			}
		}
		verb++
	}
	for ; verb < len(args); verb++ {
		out[verb] = args[verb]
	}
	return out
}

// textArgs stores an error's arguments as text.
func textArgs(args []any) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = fmt.Sprint(a)
	}
	return out
}

// Message is the problem in English.
func (p Problem) Message() string { return p.Err(0).Message }

// Reject is a row that was not imported, with every fault it has and its
// cells as the file had them, ID numbers masked, so the person correcting
// the file can find it.
type Reject struct {
	Row      int       `json:"row"`
	Problems []Problem `json:"problems"`
	Cells    []string  `json:"cells"`
}

// Parser validates a file's rows for one source.
type Parser struct {
	src       *Source
	cols      []int
	header    []string
	today     civil.Date
	worksheet bool
	idCols    map[int]bool
	enums     []map[string]string // per field: headerKey(code or label) → code
}

// NewParser binds header to src's fields through m (see Mapping). today
// bounds dates: a birth or event after it is refused. worksheet says the
// rows come from an XLSX sheet, whose numbers and dates are stored raw.
// Errors: Invalid from the binding (missing or ambiguous columns).
func NewParser(src *Source, m Mapping, header []string, today civil.Date, worksheet bool) (*Parser, error) {
	cols, err := bind(src, m, header)
	if err != nil {
		return nil, err
	}
	p := &Parser{src: src, cols: cols, header: header, today: today, worksheet: worksheet, idCols: map[int]bool{}}
	p.enums = make([]map[string]string, len(src.Fields))
	for i, f := range src.Fields {
		if f.Type == TypeID && cols[i] >= 0 {
			p.idCols[cols[i]] = true
		}
		if f.Type == TypeEnum {
			e := map[string]string{}
			for j, v := range f.Values {
				e[headerKey(v)] = v
				if j < len(f.Labels) {
					e[headerKey(f.Labels[j])] = v
				}
			}
			p.enums[i] = e
		}
	}
	return p, nil
}

// Columns returns the header cell bound to each field ("" when absent).
func (p *Parser) Columns() []string {
	out := make([]string, len(p.cols))
	for i, c := range p.cols {
		if c >= 0 {
			out[i] = p.header[c]
		}
	}
	return out
}

// Unused returns the header cells no field reads.
func (p *Parser) Unused() []string {
	used := map[int]bool{}
	for _, c := range p.cols {
		used[c] = true
	}
	var out []string
	for i, h := range p.header {
		if !used[i] && strings.TrimSpace(h) != "" {
			out = append(out, h)
		}
	}
	return out
}

// Parse validates one row into rec (its Values reused) and returns nil, or
// the row's Reject. A row whose cells are all blank is neither: it returns
// nil and leaves rec.Values nil, and the caller skips it. Parse does not
// change p: goroutines may share a Parser, each with its own Record.
func (p *Parser) Parse(row int, cells []string, rec *Record) *Reject {
	blank := true
	for _, c := range cells {
		if trim(c) != "" {
			blank = false
			break
		}
	}
	if blank {
		rec.Row, rec.Values = row, nil
		return nil
	}
	if cap(rec.Values) < len(p.cols) {
		rec.Values = make([]string, len(p.cols))
	}
	rec.Row, rec.Values = row, rec.Values[:len(p.cols)]
	var probs []Problem
	for i, c := range p.cols {
		cell := ""
		if c >= 0 && c < len(cells) {
			cell = trim(cells[c])
		}
		v, format, args := p.value(&p.src.Fields[i], i, cell)
		if format != "" {
			probs = append(probs, Problem{Field: p.src.Fields[i].Code, Column: p.column(i), Format: format, Args: args})
		}
		rec.Values[i] = v
	}
	if probs == nil {
		return nil
	}
	return &Reject{Row: row, Problems: probs, Cells: p.masked(cells)}
}

func (p *Parser) column(i int) string {
	if c := p.cols[i]; c >= 0 {
		return p.header[c]
	}
	return p.src.Fields[i].Code
}

// masked copies cells with ID-number columns masked.
func (p *Parser) masked(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		if p.idCols[i] {
			c = pii.Mask(pii.IDNumber, strings.TrimSpace(c))
		}
		out[i] = c
	}
	return out
}

// value parses one cell of field f (index i) into its canonical form, or
// returns the problem's format and arguments.
func (p *Parser) value(f *Field, i int, s string) (string, string, []string) {
	if s == "" {
		if f.Required {
			return "", "%s is required", []string{f.ZH}
		}
		return "", "", nil
	}
	switch f.Type {
	case TypeID:
		// 17 ASCII digits and a check character have no spaces or
		// full-width digits to remove and are no scientific notation.
		if len(s) != 18 || !canonical(s[:17], "ddddddddddddddddd") {
			s = tabular.PlainDigits(s)
			if tabular.SciNumber(s) {
				return "", "Excel stored the ID number as a number (%s) and lost digits: format the column as text and export again", []string{s}
			}
		}
		id, err := idcard.ParseAt(s, p.today)
		if err != nil {
			e := apperr.As(err)
			return "", e.Format(), textArgs(e.Args())
		}
		return id.Number, "", nil
	case TypeText:
		// A text has at most as many characters as bytes: count only a
		// long one.
		if len(s) > maxText {
			if n := utf8.RuneCountInString(s); n > maxText {
				return "", "the text is %s characters long, at most %s are kept: is a quote missing in the file?", []string{strconv.Itoa(n), strconv.Itoa(maxText)}
			}
		}
		// What strings.ContainsRune(s, utf8.RuneError) finds (a byte that
		// is not UTF-8, or U+FFFD itself), without decoding every rune.
		if !utf8.ValidString(s) || strings.Contains(s, "\uFFFD") {
			return "", "the text has characters that are not valid in UTF-8 or GB18030: is the file's encoding right?", nil
		}
		return s, "", nil
	case TypeMoney:
		v, err := tabular.ParseAmount(s, p.worksheet)
		if err != nil {
			return "", "%q is not an amount in yuan with at most two decimals", []string{s}
		}
		return p.ranged(f, int64(v), s)
	case TypeInt:
		if p.worksheet {
			s = strings.TrimSuffix(s, ".0")
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", "%q is not a whole number", []string{s}
		}
		return p.ranged(f, v, s)
	case TypeDecimal:
		for _, unit := range []string{"平方米", "㎡", "m²", "m2"} {
			s = strings.TrimSpace(strings.TrimSuffix(s, unit))
		}
		v, err := tabular.ParseAmount(s, true) // two decimals, doubles tolerated
		if err != nil {
			return "", "%q is not a number with at most two decimals", []string{s}
		}
		return p.ranged(f, int64(v), s)
	case TypeDate:
		d, ok := tabular.ParseDate(s, p.worksheet)
		if !ok {
			return "", "%q is not a date: write YYYY-MM-DD", []string{s}
		}
		if d.After(p.today) {
			return "", "the date %s is in the future", []string{d.String()}
		}
		if d.Year < 1900 {
			return "", "the date %s is too far in the past", []string{d.String()}
		}
		if canonical(s, "dddd-dd-dd") {
			return s, "", nil // what d.String() gives, without formatting it
		}
		return d.String(), "", nil
	case TypeMonth:
		m, ok := tabular.ParseMonth(s)
		if !ok {
			d, dok := tabular.ParseDate(s, p.worksheet) // Excel turns "2024-03" into 2024-03-01
			if !dok {
				return "", "%q is not a month: write YYYY-MM", []string{s}
			}
			m = d.MonthOf()
		}
		if m.Compare(p.today.MonthOf()) > 0 {
			return "", "the month %s is in the future", []string{m.String()}
		}
		if m.Year < 1900 {
			return "", "the month %s is too far in the past", []string{m.String()}
		}
		if canonical(s, "dddd-dd") {
			return s, "", nil // what m.String() gives, without formatting it
		}
		return m.String(), "", nil
	case TypeEnum:
		if p.worksheet {
			s = strings.TrimSuffix(s, ".0")
		}
		// A code or label as written is its own key (headerKey changes
		// nothing in it): look it up before normalising.
		if v, ok := p.enums[i][s]; ok {
			return v, "", nil
		}
		if v, ok := p.enums[i][headerKey(s)]; ok {
			return v, "", nil
		}
		allowed := f.Values
		if len(f.Labels) > 0 {
			allowed = f.Labels
		}
		return "", "unknown value %q: use one of %s", []string{s, strings.Join(allowed, "、")}
	case TypeBool:
		switch headerKey(s) {
		case "是", "true", "1", "y", "yes":
			return "true", "", nil
		case "否", "false", "0", "n", "no":
			return "false", "", nil
		}
		return "", "%q is not yes or no: write 是 or 否", []string{s}
	}
	return "", "unknown field type %q", []string{string(f.Type)}
}

// trim is strings.TrimSpace with a shortcut for the usual cell, which
// starts and ends with a character that is not a space.
func trim(s string) string {
	if len(s) == 0 {
		return s
	}
	if a, z := s[0], s[len(s)-1]; a < utf8.RuneSelf && z < utf8.RuneSelf {
		if a > ' ' && z > ' ' {
			return s // no ASCII space is above ' '
		}
	} else {
		first, _ := utf8.DecodeRuneInString(s)
		last, _ := utf8.DecodeLastRuneInString(s)
		if !unicode.IsSpace(first) && !unicode.IsSpace(last) {
			return s
		}
	}
	return strings.TrimSpace(s)
}

// canonical reports whether s has the shape of pattern, where d stands for
// an ASCII digit and every other byte for itself. A valid date or month of
// the shape "dddd-dd-dd" or "dddd-dd" is already in its canonical form.
func canonical(s, pattern string) bool {
	if len(s) != len(pattern) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if pattern[i] == 'd' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != pattern[i] {
			return false
		}
	}
	return true
}

// ranged checks v against f's bounds and formats it.
func (p *Parser) ranged(f *Field, v int64, s string) (string, string, []string) {
	if f.Min != nil && v < *f.Min {
		return "", "%s is below the lowest allowed value %s", []string{s, p.unit(f, *f.Min)}
	}
	if f.Max != nil && v > *f.Max {
		return "", "%s is above the highest allowed value %s", []string{s, p.unit(f, *f.Max)}
	}
	return strconv.FormatInt(v, 10), "", nil
}

func (p *Parser) unit(f *Field, v int64) string {
	if f.Type == TypeMoney || f.Type == TypeDecimal {
		return strconv.FormatFloat(float64(v)/100, 'f', -1, 64)
	}
	return strconv.FormatInt(v, 10)
}
