package monitor

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"safetynet/internal/apperr"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// Severity is how urgent a rule's warnings are.
type Severity string

const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Severities lists every Severity.
var Severities = []Severity{High, Medium, Low}

// Side says whether a rule finds people who may need help or people who
// may no longer qualify.
type Side string

const (
	NeedSide Side = "need" // 发现需救助
	ExitSide Side = "exit" // 可能不再符合条件
)

// Actions are the suggested actions a rule may name.
var Actions = []string{"visit", "apply", "review", "refer"}

// Rule is a risk rule (预警规则): an expression that is true for a
// subject the rule warns about.
type Rule struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	// Expression is expr over Subject, true to warn.
	Expression string `json:"expression"`
	// Region is the scope: a region code prefix ("" for everywhere).
	Region   string         `json:"region"`
	Severity Severity       `json:"severity"`
	Side     Side           `json:"side"`
	Program  policy.Program `json:"program,omitempty"`
	Action   string         `json:"action"`
	// Source cites the document the rule follows.
	Source  string `json:"source"`
	Active  bool   `json:"active"`
	Version int    `json:"version"`
}

var ruleCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// Program is a compiled rule expression.
type Program struct{ p *vm.Program }

// Compile type-checks an expression against Subject; it must be true or
// false.
// Errors: Invalid with field "expression" and a message naming the line
// and column, and what is wrong there ("unknown name household.incom").
func Compile(expression string) (*Program, error) {
	if strings.TrimSpace(expression) == "" {
		return nil, apperr.Fieldf("expression", "the expression is empty: write a condition such as household.medical_oop_3m > 2 * household.standard")
	}
	if utf8.RuneCountInString(expression) > 2000 {
		return nil, apperr.Fieldf("expression", "the expression is longer than 2000 characters")
	}
	p, err := expr.Compile(expression, expr.Env(Subject{}), expr.AsBool())
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, apperr.Fieldf("expression", "line %d, column %d: %s", fe.Line, fe.Column+1, plainMessage(fe.Message))
		}
		return nil, apperr.Fieldf("expression", "%s", err.Error())
	}
	return &Program{p}, nil
}

// noField is expr's message for a name a facts struct lacks.
var noField = regexp.MustCompile(`type monitor\.(Person|Household|Param)Facts has no field (\w+)`)

// plainMessage says expr's messages in the names rules use: "unknown name
// household.sise", not the Go type's field.
func plainMessage(m string) string {
	return noField.ReplaceAllStringFunc(m, func(s string) string {
		g := noField.FindStringSubmatch(s)
		group := map[string]string{"Person": "person", "Household": "household", "Param": "params"}[g[1]]
		return "unknown name " + group + "." + g[2]
	})
}

// Match runs the program on s.
// Errors: a run-time fault of the expression (an index out of range),
// as Invalid.
func (p *Program) Match(s *Subject) (bool, error) {
	out, err := expr.Run(p.p, s)
	if err != nil {
		return false, apperr.Fieldf("expression", "%s", err.Error())
	}
	b, _ := out.(bool)
	return b, nil
}

// Validate checks a rule as someone enters it and compiles it.
// Errors: Invalid, every fault with its field.
func (r *Rule) Validate() (*Program, error) {
	var l apperr.List
	if !ruleCode.MatchString(r.Code) {
		l.Addf("code", "the code must be 2 to 40 lower-case letters, digits or underscores, starting with a letter")
	}
	if strings.TrimSpace(r.ZH) == "" {
		l.Addf("zh", "the Chinese name is required")
	}
	if _, ok := region.LevelOf(r.Region); r.Region != "" && !ok {
		l.Addf("region", "%q is not a region code", r.Region)
	}
	if !slices.Contains(Severities, r.Severity) {
		l.Addf("severity", "the severity must be high, medium or low")
	}
	if r.Side != NeedSide && r.Side != ExitSide {
		l.Addf("side", "say whether the rule finds need or a possible exit")
	}
	if r.Program != "" {
		if _, err := policy.ParseProgram(string(r.Program)); err != nil {
			l.Add("", err) // its field is "program" already
		}
	}
	if !slices.Contains(Actions, r.Action) {
		l.Addf("action", "the suggested action must be one of %s", strings.Join(Actions, ", "))
	}
	p, err := Compile(r.Expression)
	l.Add("", err)
	if err := l.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// Applies reports whether the rule's scope covers a household's region.
func (r *Rule) Applies(region string) bool { return strings.HasPrefix(region, r.Region) }
