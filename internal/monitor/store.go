package monitor

import "context"

// RuleFilter selects rules. Zero fields do not filter.
type RuleFilter struct {
	// Region is a jurisdiction: rules whose scope covers it or lies inside
	// it.
	Region string
	Active *bool
}

// Store keeps the risk rules. Every change is audited.
type Store interface {
	// Rules lists rules by code and region.
	Rules(ctx context.Context, f RuleFilter) ([]Rule, error)
	// Rule returns one rule. Errors: NotFound.
	Rule(ctx context.Context, id int64) (*Rule, error)
	// SaveRule adds a rule (ID 0) or changes one, with the version the
	// caller read; it stores what Rule.Validate accepted.
	// Errors: Invalid (Validate), Conflict (a stale version, or the code
	// taken in the region), NotFound.
	SaveRule(ctx context.Context, r *Rule) error
}
