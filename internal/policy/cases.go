package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"go.yaml.in/yaml/v3"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
)

// Case is one calculation with its expected outcome, in the spirit of
// OpenFisca's YAML tests: inputs, period, expected outputs. Cases live in
// testdata/cases/*.yaml; the format is documented in docs/rules.md.
type Case struct {
	Name    string      `json:"name"`
	Program Program     `json:"program"`
	Month   civil.Month `json:"month"`
	// Parameters set values for this case only, at the household's county,
	// so they override shipped values: key to value text.
	Parameters map[string]string `json:"parameters,omitempty"`
	Household  Household         `json:"household"`
	Expect     Expect            `json:"expect"`
	Source     string            `json:"source,omitempty"`
}

// Expect is what a case must produce. Unset fields are not checked, except
// that a case with no Error expects none.
type Expect struct {
	Verdict     Verdict     `json:"verdict,omitempty"`
	Amount      *Yuan       `json:"amount,omitempty"`
	Members     *int        `json:"members,omitempty"`
	Route       *string     `json:"route,omitempty"`
	NeedsReview *bool       `json:"needs_review,omitempty"`
	ValidUntil  civil.Month `json:"valid_until,omitzero"`
	// Error is the field of the expected error ("parameters.dibao.standard.urban",
	// "members[0].incomes[0].kind").
	Error string `json:"error,omitempty"`
	// Rules lists explanation steps that must appear, as "rule" or
	// "rule:outcome".
	Rules []string `json:"rules,omitempty"`
}

// ReadYAML decodes YAML into v through JSON, so that the input types' JSON
// decoding (yuan amounts, dates, months, ratios) serves both formats.
func ReadYAML(r io.Reader, v any) error {
	var doc any
	if err := yaml.NewDecoder(r).Decode(&doc); err != nil {
		return apperr.Errorf(apperr.Invalid, "YAML: %v", err)
	}
	b, err := json.Marshal(plainDates(doc))
	if err != nil {
		return apperr.Errorf(apperr.Invalid, "YAML: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return apperr.Errorf(apperr.Invalid, "%v", err)
	}
	return nil
}

// Run calculates c against base plus the case's parameters and returns a
// list of differences from the expectation (empty when it passes).
func (c *Case) Run(base *Set) []string {
	set := base
	if len(c.Parameters) > 0 {
		set = base.Clone()
		county := c.Household.Region
		if len(county) > 6 {
			county = county[:6]
		}
		for k, v := range c.Parameters {
			if err := set.Add(Param{Key: k, Region: county, From: civil.D(1900, 1, 1), Text: v, Source: "case " + c.Name}); err != nil {
				return []string{fmt.Sprintf("parameter %s: %v", k, err)}
			}
		}
	}
	h := c.Household
	h.Members = append([]Member(nil), c.Household.Members...)
	res, err := Calculate(set, c.Program, &h, c.Month)
	e := c.Expect
	if err != nil {
		if e.Error == "" {
			return []string{fmt.Sprintf("unexpected error: %v", err)}
		}
		if f := apperr.Fields(err); f[e.Error] == "" {
			return []string{fmt.Sprintf("error %v, want one at field %s", err, e.Error)}
		}
		return nil
	}
	if e.Error != "" {
		return []string{fmt.Sprintf("no error, want one at field %s (verdict %s, amount %s)", e.Error, res.Verdict, res.Amount)}
	}
	var diffs []string
	if e.Verdict != "" && res.Verdict != e.Verdict {
		diffs = append(diffs, fmt.Sprintf("verdict %s, want %s", res.Verdict, e.Verdict))
	}
	if e.Amount != nil && res.Amount != *e.Amount {
		diffs = append(diffs, fmt.Sprintf("amount %s, want %s", res.Amount, *e.Amount))
	}
	if e.Members != nil && res.Members != *e.Members {
		diffs = append(diffs, fmt.Sprintf("members %d, want %d", res.Members, *e.Members))
	}
	if e.Route != nil && res.Route != *e.Route {
		diffs = append(diffs, fmt.Sprintf("route %q, want %q", res.Route, *e.Route))
	}
	if e.NeedsReview != nil && res.NeedsReview != *e.NeedsReview {
		diffs = append(diffs, fmt.Sprintf("needs_review %v, want %v", res.NeedsReview, *e.NeedsReview))
	}
	if !e.ValidUntil.IsZero() && res.ValidUntil != e.ValidUntil {
		diffs = append(diffs, fmt.Sprintf("valid_until %s, want %s", res.ValidUntil, e.ValidUntil))
	}
	for _, want := range e.Rules {
		found := false
		res.Explanation.Walk(func(n *Node, _ int) {
			if n.Rule == want || n.Rule+":"+string(n.Outcome) == want {
				found = true
			}
		})
		if !found {
			diffs = append(diffs, fmt.Sprintf("explanation has no step %s", want))
		}
	}
	return diffs
}

// plainDates turns the timestamps YAML reads from unquoted dates
// (2007-06-15) back into date text.
func plainDates(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	case map[string]any:
		for k, e := range x {
			x[k] = plainDates(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainDates(e)
		}
	}
	return v
}
