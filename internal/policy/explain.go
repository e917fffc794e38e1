package policy

import (
	"fmt"
	"strings"

	"safetynet/internal/civil"
	"safetynet/internal/money"
)

// Outcome is what one criterion of an explanation found.
type Outcome string

const (
	Pass   Outcome = "pass"   // the criterion is met
	Fail   Outcome = "fail"   // it is not met
	Manual Outcome = "manual" // no rule here decides it: a caseworker assesses it
	Info   Outcome = "info"   // a step of the calculation, not a test
)

// Verdict is a calculator's conclusion.
type Verdict string

const (
	Eligible     Verdict = "eligible"
	Ineligible   Verdict = "ineligible"
	GradualExit  Verdict = "gradual_exit"  // no longer eligible, paid for a transition period
	NotTriggered Verdict = "not_triggered" // price subsidy: no trigger this month (stop rule)
)

// Node is one step of an explanation: a criterion with the values it
// compared, the parameters it used and the source it applies, or a group of
// further steps.
type Node struct {
	// Rule names the step; Text renders it with Facts (see Render).
	Rule     string     `json:"rule"`
	Outcome  Outcome    `json:"outcome"`
	Facts    []Fact     `json:"facts,omitempty"`
	Params   []ParamUse `json:"params,omitempty"`
	Source   string     `json:"source,omitempty"`
	Children []*Node    `json:"children,omitempty"`
}

// Fact is a named value a step compared or computed.
type Fact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ParamUse is a parameter value a step used, with where it comes from.
type ParamUse struct {
	Key string `json:"key"`
	// Value is as Definition.Format writes it, without its unit (1120.00);
	// Display adds the unit in a language.
	Value  string     `json:"value"`
	Scope  string     `json:"scope"`
	Region string     `json:"region"`
	From   civil.Date `json:"valid_from"`
	Source string     `json:"source"`
}

// Display is the value for people in lang ("zh" or "en"), with its unit:
// 1120.00 元, 1120.00 yuan.
func (u ParamUse) Display(lang string) string {
	if d, ok := Lookup(u.Key); ok {
		return d.WithUnit(u.Value, lang)
	}
	return u.Value
}

// Line is one part of an amount: a member's subsidy, the basic and care
// parts of Tekun support, a supplement.
type Line struct {
	Label  string `json:"label"`
	Amount Yuan   `json:"amount"`
}

// Result is a calculator's answer for one household and month.
type Result struct {
	Program Program     `json:"program"`
	Region  string      `json:"region"`
	Month   civil.Month `json:"month"`
	Verdict Verdict     `json:"verdict"`
	// Amount is the monthly amount (one-off for Linshi), in yuan.
	Amount Yuan `json:"amount"`
	// Members is the number of persons the amount is for.
	Members int    `json:"members"`
	Lines   []Line `json:"lines,omitempty"`
	// NeedsReview is true when a criterion has no local rule and must be
	// assessed by a caseworker before a decision.
	NeedsReview bool `json:"needs_review"`
	// Route names another program or office the case belongs to instead
	// (orphan_allowance, assistance_agency) or a procedure (assist_first).
	Route string `json:"route,omitempty"`
	// ValidUntil is the last month a recognition holds (RigidExpense).
	ValidUntil  civil.Month `json:"valid_until,omitzero"`
	Explanation *Node       `json:"explanation"`
}

func (n *Node) add(c *Node) *Node {
	if n == nil {
		return nil
	}
	n.Children = append(n.Children, c)
	return c
}

// child adds a step under n; with a nil n (no explanation wanted, as in the
// batch engine) it does nothing and returns nil.
func child(n *Node, rule string, o Outcome, source string) *Node {
	if n == nil {
		return nil
	}
	return n.add(node(rule, o, source))
}

// set changes a step's outcome (nil-safe).
func (n *Node) set(o Outcome) *Node {
	if n != nil {
		n.Outcome = o
	}
	return n
}

func passFail(ok bool) Outcome {
	if ok {
		return Pass
	}
	return Fail
}

func (n *Node) fact(name string, v any) *Node {
	if n == nil {
		return nil
	}
	var s string
	switch x := v.(type) {
	case money.Fen:
		s = x.String()
	case Yuan:
		s = money.Fen(x).String()
	case Ratio:
		s = x.String()
	default:
		s = fmt.Sprint(v)
	}
	n.Facts = append(n.Facts, Fact{name, s})
	return n
}

func node(rule string, o Outcome, source string) *Node {
	return &Node{Rule: rule, Outcome: o, Source: source}
}

// Walk calls f for n and every node under it, with its depth.
func (n *Node) Walk(f func(n *Node, depth int)) { n.walk(f, 0) }

func (n *Node) walk(f func(*Node, int), d int) {
	f(n, d)
	for _, c := range n.Children {
		c.walk(f, d+1)
	}
}

// Render writes the explanation as indented plain text in lang ("zh" or
// "en"): each step's sentence, its outcome, the parameters with their scope
// and date, and its source.
func (r *Result) Render(lang string) string {
	var b strings.Builder
	t := texts(lang)
	fmt.Fprintf(&b, "%s  %s  %s\n", t.program(r.Program), r.Region, r.Month)
	fmt.Fprintf(&b, "%s: %s   %s: %s %s", t.word("verdict"), t.verdict(r.Verdict), t.word("amount"), money.Fen(r.Amount), t.word("yuan"))
	if r.Route != "" {
		fmt.Fprintf(&b, "   %s: %s", t.word("route"), t.route(r.Route))
	}
	if r.NeedsReview {
		fmt.Fprintf(&b, "   (%s)", t.word("needs_review"))
	}
	b.WriteString("\n")
	for _, l := range r.Lines {
		fmt.Fprintf(&b, "  · %s: %s\n", l.Label, money.Fen(l.Amount))
	}
	if r.Explanation != nil {
		r.Explanation.Walk(func(n *Node, d int) {
			ind := strings.Repeat("  ", d)
			fmt.Fprintf(&b, "%s%s %s\n", ind, Mark(n.Outcome), t.Sentence(n))
			for _, p := range n.Params {
				scope := t.scope(p.Scope)
				if p.Region != "" {
					scope += " " + p.Region
				}
				fmt.Fprintf(&b, "%s    %s %s = %s  [%s, %s %s]  %s\n", ind, t.word("param"), p.Key, p.Display(lang),
					scope, t.word("from"), p.From, p.Source)
			}
			if n.Source != "" {
				fmt.Fprintf(&b, "%s    %s %s\n", ind, t.word("source"), n.Source)
			}
		})
	}
	return b.String()
}
