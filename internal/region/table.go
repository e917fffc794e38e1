package region

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"safetynet/internal/apperr"
)

// Table is a set of divisions in which every row's parent is present, so a
// code's chain of names can always be walked up to its province. It is safe
// for concurrent use: the embedded table is shared by every request, and a
// county's villages may be added to it while others read.
type Table struct {
	mu     sync.RWMutex
	byCode map[string]Region
	// levels holds the rows of each level (index Level-1) sorted by code,
	// so a jurisdiction's rows are one contiguous run found by binary
	// search: Children and Search need no per-parent index.
	levels [5][]Region
}

// NewTable returns a table of rs (in any order; see Add for the checks). When
// some rows are invalid the table holds the others and the error lists the
// rejected ones.
func NewTable(rs []Region) (*Table, error) {
	t := newTable(len(rs))
	return t, t.Add(rs)
}

func newTable(n int) *Table {
	return &Table{byCode: make(map[string]Region, n)}
}

// Add adds divisions, typically a county's villages. Each row needs a
// well-formed code whose parent (the code cut to the level above) is in the
// table or earlier in rs's level order, and a name. Level and Parent may be
// left zero; if set they must agree with the code. A row identical to one
// already present is skipped, so re-running an import is harmless.
//
// Add keeps the valid rows even when others are invalid, as an import does,
// and returns an apperr Invalid error whose Details name each rejected row by
// its index in rs ("[3].parent") and say what is wrong, including a code
// already present under another name (a rename is a data correction, not an
// import).
func (t *Table) Add(rs []Region) error {
	// Parents first, whatever the input order, so one batch can hold a
	// township and its villages: bucket the rows by code length (a
	// malformed code fails on its own, in any position).
	var buckets [13][]int
	for i, r := range rs {
		n := min(len(strings.TrimSpace(r.Code)), 12)
		buckets[n] = append(buckets[n], i)
	}
	order := slices.Concat(buckets[:]...)

	var errs apperr.List
	t.mu.Lock()
	defer t.mu.Unlock()
	var added [5]int // rows appended to each level
	for _, i := range order {
		r, col, format, args := normalize(rs[i])
		if format == "" && r.Parent != "" {
			if _, ok := t.byCode[r.Parent]; !ok {
				col, format = "parent", "%s %s, the parent of %s, is not in the division table"
				args = []any{r.Level - 1, r.Parent, r.Code}
			}
		}
		if format == "" {
			if old, ok := t.byCode[r.Code]; ok {
				if old == r {
					continue
				}
				col, format, args = "name", "code %s is already %s, not %s", []any{r.Code, old.Name, r.Name}
			}
		}
		if format != "" {
			errs.Addf(fmt.Sprintf("[%d].%s", i, col), format, args...)
			continue
		}
		t.byCode[r.Code] = r
		t.levels[r.Level-1] = append(t.levels[r.Level-1], r)
		added[r.Level-1]++
	}
	for l, n := range added {
		if n > 0 && !slices.IsSortedFunc(t.levels[l], byCode) {
			slices.SortFunc(t.levels[l], byCode)
		}
	}
	return errs.Err()
}

func byCode(a, b Region) int { return strings.Compare(a.Code, b.Code) }

// normalize checks what can be checked of a row on its own and fills in
// Level and Parent. On failure it returns the column at fault and the
// message's format and arguments, for the caller to file under its own
// field naming (an index for Add, a row number for ParseCSV).
func normalize(r Region) (out Region, col, format string, args []any) {
	r.Code = strings.TrimSpace(r.Code)
	r.Name = strings.TrimSpace(r.Name)
	if r.Code == "" {
		return r, "code", "the code is empty", nil
	}
	l, ok := LevelOf(r.Code)
	if !ok {
		return r, "code", "code %s is not 2, 4, 6, 9 or 12 digits", []any{r.Code}
	}
	if r.Level != 0 && r.Level != l {
		return r, "level", "code %s is a %s code, not level %d", []any{r.Code, l, int(r.Level)}
	}
	r.Level = l
	p := ParentCode(r.Code)
	r.Parent = strings.TrimSpace(r.Parent)
	if r.Parent != "" && r.Parent != p {
		return r, "parent", "parent %s does not match code %s, whose parent is %s", []any{r.Parent, r.Code, p}
	}
	r.Parent = p
	if r.Name == "" {
		return r, "name", "the name of %s is empty", []any{r.Code}
	}
	return r, "", "", nil
}

// Get returns the division with the code.
func (t *Table) Get(code string) (Region, bool) {
	t.mu.RLock()
	r, ok := t.byCode[code]
	t.mu.RUnlock()
	return r, ok
}

// Len returns the number of divisions in the table.
func (t *Table) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.byCode)
}

// Children returns the divisions directly below code, sorted by code; the
// provinces for "". It returns nil for a village, an unknown code, or one
// whose children have not been imported.
func (t *Table) Children(code string) []Region {
	next := Province
	if code != "" {
		l, ok := LevelOf(code)
		if !ok || l == Village {
			return nil
		}
		next = l + 1
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	s := t.levels[next-1]
	lo, hi := prefixRange(s, code)
	if lo == hi {
		return nil
	}
	return slices.Clone(s[lo:hi])
}

// prefixRange returns the run of s (sorted by code) whose codes start with p.
func prefixRange(s []Region, p string) (lo, hi int) {
	lo = sort.Search(len(s), func(i int) bool { return s[i].Code >= p })
	hi = lo + sort.Search(len(s)-lo, func(i int) bool { return !strings.HasPrefix(s[lo+i].Code, p) })
	return lo, hi
}

// Chain returns the divisions from the province down to code itself, or nil
// if code is not in the table.
func (t *Table) Chain(code string) []Region {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var chain []Region
	for c := code; c != ""; c = ParentCode(c) {
		r, ok := t.byCode[c]
		if !ok {
			return nil
		}
		chain = append(chain, r)
	}
	slices.Reverse(chain)
	return chain
}

// FullName returns code's address as written in Chinese, the names of its
// chain run together ("广东省广州市荔湾区沙面街道"), leaving out groupings
// that are not places ("市辖区", "省直辖县级行政区划") and the part of a
// name that repeats the level above: 东莞市 is both a city and its own
// county, and 济源市's townships are named "济源市沁园街道". It returns ""
// for an unknown code.
func (t *Table) FullName(code string) string {
	var b strings.Builder
	last := ""
	for _, r := range t.Chain(code) {
		if placeholder(r.Name) {
			continue
		}
		name := r.Name
		if last != "" {
			name = strings.TrimPrefix(name, last)
		}
		b.WriteString(name)
		last = r.Name
	}
	return b.String()
}

// Search returns the divisions whose name contains q (an empty q matches
// all) and which lie within the jurisdiction (a code prefix, "" for the whole
// country, the jurisdiction itself included), ordered by level and then by
// code, at most limit of them (no limit if limit <= 0). A malformed
// jurisdiction matches nothing, as in Within.
func (t *Table) Search(q, within string, limit int) []Region {
	if within != "" {
		if _, ok := LevelOf(within); !ok {
			return nil
		}
	}
	q = strings.TrimSpace(q)
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []Region
	for _, s := range t.levels {
		lo, hi := prefixRange(s, within)
		for _, r := range s[lo:hi] {
			if !strings.Contains(r.Name, q) {
				continue
			}
			out = append(out, r)
			if limit > 0 && len(out) == limit {
				return out
			}
		}
	}
	return out
}

// Resolve finds a region by its short code or by the padded forms people
// also write: GB/T 2260's six digits for a province or city ("440000",
// "440100") and the statistics bureau's twelve digits for any level
// ("440103000000", "440103001000").
func (t *Table) Resolve(code string) (Region, bool) {
	code = strings.TrimSpace(code)
	if r, ok := t.Get(code); ok {
		return r, true
	}
	var cands []string
	switch len(code) {
	case 6:
		cands = []string{strings.TrimSuffix(code, "00"), strings.TrimSuffix(code, "0000")}
	case 12:
		c := strings.TrimSuffix(code, "000")
		cands = []string{c}
		if len(c) == 9 {
			c6 := strings.TrimSuffix(c, "000")
			cands = append(cands, c6, strings.TrimSuffix(c6, "00"), strings.TrimSuffix(c6, "0000"))
		}
	}
	for _, c := range cands {
		if r, ok := t.Get(c); ok {
			return r, true
		}
	}
	return Region{}, false
}
