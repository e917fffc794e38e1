package casework

import (
	"safetynet/internal/policy"
)

// NoticeRule says whether a program's applications are publicly noticed.
type NoticeRule int

const (
	// NoticeAlways: the law requires a notice, so its length must be set
	// (Dibao: DB57; Tekun: §2.4; Linshi: SAIM Art. 48).
	NoticeAlways NoticeRule = iota
	// NoticeIfSet: the reference sets no notice; there is one where the
	// region's parameter sets its length.
	NoticeIfSet
	// NoticeNever: never publicised (orphans are minors: Zhejiang 条例
	// Art. 55; the reference's §10).
	NoticeNever
)

// Flow is one program's workflow: which optional steps it has and which
// parameters time them. An empty key means the step has no deadline of its
// own (its task shows the overall limit).
type Flow struct {
	Program policy.Program
	// Kinds are the sub-types an application must name (Linshi: urgent or
	// expenditure type; disability subsidies: living or care).
	Kinds  []string
	Notice NoticeRule
	// FederationReview: the disabled persons' federation (残联) reviews
	// between the township and the county (§8, Nan'an guide).
	FederationReview bool
	// AssistFirst: emergencies may be paid before the paperwork (先行救助,
	// §4).
	AssistFirst bool
	// OneOff: the decision is a single payment, not a monthly enrollment.
	OneOff bool

	InvestigationKey string // working days from acceptance to the township's findings
	ReviewKey        string // working days for the township's opinion
	NoticeKey        string // calendar days of the public notice
	RenoticeKey      string // days of a new notice after an objection (default: NoticeKey)
	ConfirmKey       string // working days for the county from receiving the materials
	RejectNoticeKey  string // working days to deliver a written rejection
	TotalKey         string // working days overall, from acceptance
	TotalExtendedKey string // the same in special cases, with a recorded reason
}

func keys(p string) Flow {
	w := "workflow." + p + "."
	return Flow{Program: policy.Program(p), InvestigationKey: w + "investigation_wd", NoticeKey: w + "notice_days",
		ConfirmKey: w + "confirm_wd", RejectNoticeKey: w + "reject_notice_wd", TotalKey: w + "total_wd", TotalExtendedKey: w + "total_extended_wd"}
}

// Flows are the programs one applies for. Price subsidies are paid from
// rosters without an application (payment package).
var Flows = func() map[policy.Program]*Flow {
	dibao := keys("dibao")
	dibao.InvestigationKey = "workflow.dibao.township_wd" // Zhejiang 条例 Art. 11: township 15 wd
	dibao.RenoticeKey = "workflow.dibao.renotice_days"    // Chongqing: 3 days

	tekun := keys("tekun")

	linshi := keys("linshi")
	linshi.ReviewKey = "workflow.linshi.review_wd"
	linshi.ConfirmKey = "workflow.linshi.approve_wd"
	linshi.Kinds = []string{"urgent", "expenditure"}
	linshi.AssistFirst, linshi.OneOff = true, true

	marginal, rigid := keys("marginal"), keys("rigid_expense")
	marginal.Notice, rigid.Notice = NoticeIfSet, NoticeIfSet

	disability := keys("disability_subsidy")
	disability.Notice = NoticeIfSet
	disability.Kinds = []string{"living", "care"}
	disability.FederationReview = true

	orphan := keys("orphan_allowance")
	orphan.Notice = NoticeNever

	m := map[policy.Program]*Flow{}
	for _, f := range []Flow{dibao, tekun, linshi, marginal, rigid, disability, orphan} {
		m[f.Program] = &f // Go 1.22+: f is a new variable each iteration
	}
	return m
}()

// FlowOf returns the workflow of program p.
func FlowOf(p policy.Program) (*Flow, bool) {
	f, ok := Flows[p]
	return f, ok
}
