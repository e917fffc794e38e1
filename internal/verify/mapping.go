package verify

import (
	"strings"

	"safetynet/internal/apperr"
)

// Mapping binds a source's fields to a file's columns: field code → the
// column's header as it appears in the department's file ("纳税人识别号",
// "SFZH"). A field not in the mapping is found by its code, Chinese name
// or English name. Mappings are saved per source and reused for the next
// batch, because a department sends the same layout every time.
type Mapping map[string]string

// headerKey is how headers are compared: trimmed, case-folded, without the
// spaces and full-width spaces spreadsheets collect.
func headerKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' || r == '\t' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
	return strings.ToLower(s)
}

// bind returns, for each of src's fields, the index of its column in
// header, or -1 when the file lacks it.
// Errors: Invalid when a mapped column is not in the header, when a column
// is claimed by two fields, or when required fields have no column (all of
// them named, key columns marked as such, and a hint when the header looks
// like one cell of another file's delimiter).
func bind(src *Source, m Mapping, header []string) ([]int, error) {
	at := map[string]int{}
	for i, h := range header {
		if k := headerKey(h); k != "" {
			if _, dup := at[k]; !dup {
				at[k] = i
			}
		}
	}
	var l apperr.List
	cols := make([]int, len(src.Fields))
	owner := map[int]string{}
	for i, f := range src.Fields {
		cols[i] = -1
		if name, ok := m[f.Code]; ok && strings.TrimSpace(name) != "" {
			c, found := at[headerKey(name)]
			if !found {
				l.Addf("mapping."+f.Code, "the mapping names column %q for %s, but the file has no such column", name, f.Code)
				continue
			}
			cols[i] = c
		} else {
			for _, name := range append([]string{f.Code, f.ZH, f.EN}, f.Aliases...) {
				if c, found := at[headerKey(name)]; found && name != "" {
					cols[i] = c
					break
				}
			}
		}
		if c := cols[i]; c >= 0 {
			if prev, taken := owner[c]; taken {
				l.Addf("mapping."+f.Code, "column %q is mapped to both %s and %s", header[c], prev, f.Code)
			}
			owner[c] = f.Code
		}
	}
	var missing []string
	for i, f := range src.Fields {
		if f.Required && cols[i] < 0 {
			what := f.Code + " (" + f.ZH + ")"
			if isKey(src, f.Code) {
				what += ", a key column"
			}
			missing = append(missing, what)
		}
	}
	if len(missing) > 0 {
		msg := "the file lacks required columns: %s"
		args := []any{strings.Join(missing, "; ")}
		if len(header) == 1 {
			for _, d := range []string{",", ";", "\t", "|"} {
				if strings.Contains(header[0], d) {
					msg += " (the whole header %q was read as one column: is the delimiter right?)"
					args = append(args, header[0])
					break
				}
			}
		}
		l.Addf("columns", msg, args...)
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return cols, nil
}

func isKey(src *Source, code string) bool {
	for _, k := range src.Key {
		if k == code {
			return true
		}
	}
	return false
}
