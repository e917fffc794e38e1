package monitor

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/vm"
)

// Compiled is a rule with its compiled expression.
type Compiled struct {
	Rule
	Program *Program
}

// RuleSet is the rules a run evaluates: for each code, the most specific
// version whose scope covers a household's region decides, so a county's
// own version of a rule replaces the national one there (and a county's
// inactive version switches the national one off in the county).
type RuleSet struct {
	rules []Compiled
	// byRegion caches the rules in force per household region code.
	byRegion map[string][]*Compiled
}

// NewRuleSet compiles rules (as stored: active or not) for a run.
// Errors: a rule that no longer compiles, naming it (a change of Subject
// can break a stored rule).
func NewRuleSet(rules []Rule) (*RuleSet, error) {
	s := &RuleSet{byRegion: map[string][]*Compiled{}}
	for _, r := range rules {
		p, err := Compile(r.Expression)
		if err != nil {
			return nil, fmt.Errorf("risk rule %s (%q): %w", r.Code, r.Region, err)
		}
		s.rules = append(s.rules, Compiled{Rule: r, Program: p})
	}
	return s, nil
}

// For returns the active rules in force in a household's region.
func (s *RuleSet) For(region string) []*Compiled {
	if out, ok := s.byRegion[region]; ok {
		return out
	}
	best := map[string]*Compiled{}
	var codes []string
	for i := range s.rules {
		c := &s.rules[i]
		if !c.Applies(region) {
			continue
		}
		b, ok := best[c.Code]
		if !ok {
			codes = append(codes, c.Code)
		}
		if !ok || len(c.Region) > len(b.Region) {
			best[c.Code] = c
		}
	}
	var out []*Compiled
	for _, code := range codes {
		if c := best[code]; c.Active {
			out = append(out, c)
		}
	}
	s.byRegion[region] = out
	return out
}

// Active counts the rules in force somewhere in region (a county or
// township): the rules whose scope covers it or lies inside it.
func (s *RuleSet) Active(region string) int {
	n := len(s.For(region))
	for i := range s.rules {
		if c := &s.rules[i]; c.Active && len(c.Region) > len(region) && strings.HasPrefix(c.Region, region) {
			n++
		}
	}
	return n
}

// Evaluator evaluates rules on subjects with one reusable virtual machine;
// it is not safe for concurrent use (give each goroutine its own).
type Evaluator struct{ vm vm.VM }

// Match runs c on s. Errors: a run-time fault of the expression.
func (e *Evaluator) Match(c *Compiled, s *Subject) (bool, error) {
	out, err := e.vm.Run(c.Program.p, s)
	if err != nil {
		return false, err
	}
	b, _ := out.(bool)
	return b, nil
}

// Hit is one rule true for one subject.
type Hit struct {
	Rule    *Compiled
	Subject int // index in the household's subjects
}

// Household evaluates the rules in force in h's region on its subjects and
// returns the hits and the number of run-time faults.
func (e *Evaluator) Household(set *RuleSet, region string, subjects []Subject, hits []Hit) ([]Hit, int) {
	faults := 0
	for _, c := range set.For(region) {
		for i := range subjects {
			ok, err := e.Match(c, &subjects[i])
			switch {
			case err != nil:
				faults++
			case ok:
				hits = append(hits, Hit{Rule: c, Subject: i})
			}
		}
	}
	return hits, faults
}
