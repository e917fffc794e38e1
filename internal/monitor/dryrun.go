package monitor

// ConfirmShare is the share of the monitored population above which a
// rule's activation asks for explicit confirmation (issue 6: a rule that
// would flag more than 20% is more likely a mistake than a finding).
const ConfirmShare = 0.20

// DryRun is what a rule would raise on current data.
type DryRun struct {
	Subjects int `json:"subjects"`
	Hits     int `json:"hits"`
	// Errors counts subjects on which the expression failed at run time.
	Errors int `json:"errors"`
	// Examples are the first few subjects it would warn about.
	Examples []int `json:"examples,omitempty"`
}

// Share is Hits over Subjects.
func (d DryRun) Share() float64 {
	if d.Subjects == 0 {
		return 0
	}
	return float64(d.Hits) / float64(d.Subjects)
}

// NeedsConfirmation reports whether activating the rule asks for explicit
// confirmation.
func (d DryRun) NeedsConfirmation() bool { return d.Share() > ConfirmShare }

// Try runs p on every subject and counts what it would raise; examples
// holds up to n indexes of subjects it matches.
func Try(p *Program, subjects []Subject, n int) DryRun {
	out := DryRun{Subjects: len(subjects)}
	for i := range subjects {
		ok, err := p.Match(&subjects[i])
		switch {
		case err != nil:
			out.Errors++
		case ok:
			out.Hits++
			if len(out.Examples) < n {
				out.Examples = append(out.Examples, i)
			}
		}
	}
	return out
}
