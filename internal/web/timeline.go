package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/policy"
	"safetynet/internal/store"
)

// A household's timeline (一户一条救助链): the household page's section
// and GET /api/v1/households/{id}/timeline. The store reads the entries
// (store.HouseholdTimeline); this file decides which kinds the reader may
// see, and turns each entry into a sentence in the reader's language and
// a link to its page. Payments will be one more kind here (and one more
// reader in the store) once payrolls exist; until then the benefit
// entries show the amounts decided, not what was paid.

func init() {
	apiDocs["GET /api/v1/households/{id}/timeline"] = apiDoc{
		Summary: "The household's timeline, newest first: warnings, applications and decisions, verification reports, referrals and benefits, " +
			"each kind only for a role that reads it; ?kind= keeps some kinds (comma-separated: warning, application, verification, referral, benefit)",
		Query: []string{"kind"}, Response: timelineView{}}
}

// timelinePerms is the permission each kind of entry needs.
var timelinePerms = map[store.TimelineKind]auth.Permission{
	store.TimelineWarning:      auth.MonitorRead,
	store.TimelineApplication:  auth.CaseRead,
	store.TimelineVerification: auth.VerifyRead,
	store.TimelineReferral:     auth.ReferralRead,
	store.TimelineBenefit:      auth.CaseRead,
}

// timelineView is a household's timeline as the API and the page show it.
type timelineView struct {
	HouseholdID int64 `json:"household_id"`
	// Kinds are the kinds shown: those asked for, or every kind the
	// reader may see.
	Kinds []store.TimelineKind `json:"kinds"`
	Items []timelineItem       `json:"items"`
}

// timelineItem is one entry with its sentence and the page it links to.
type timelineItem struct {
	store.TimelineEntry
	KindLabel string `json:"kind_label"`
	Summary   string `json:"summary"`
	Detail    string `json:"detail,omitempty"`
	Link      string `json:"link"`
}

// timelineKinds returns the kinds p may see, narrowed to those asked for
// (a comma-separated list; empty for all).
// Errors: Invalid (field kind: not a kind, or one the role does not read).
func timelineKinds(p *auth.Principal, asked string) ([]store.TimelineKind, error) {
	var may []store.TimelineKind
	for _, k := range store.TimelineKinds {
		if p.Can(timelinePerms[k]) {
			may = append(may, k)
		}
	}
	if strings.TrimSpace(asked) == "" {
		return may, nil
	}
	var out []store.TimelineKind
	for _, a := range strings.Split(asked, ",") {
		k := store.TimelineKind(strings.TrimSpace(a))
		if !slices.Contains(may, k) {
			return nil, apperr.Fieldf("kind", "%q is not a kind of entry you may read: use %s", string(k), strings.Join(strs(may), ", "))
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// timeline reads household id's timeline for the request's principal.
// Errors: NotFound (the household is not in the jurisdiction), Invalid
// (kind).
func (s *Server) timeline(r *http.Request, id int64, asked string) (*timelineView, error) {
	kinds, err := timelineKinds(principalOf(r), asked)
	if err != nil {
		return nil, err
	}
	entries, err := s.DB.HouseholdTimeline(r.Context(), scopeOf(r), id, kinds)
	if err != nil {
		return nil, err
	}
	out := &timelineView{HouseholdID: id, Kinds: kinds, Items: make([]timelineItem, 0, len(entries))}
	if out.Kinds == nil {
		out.Kinds = []store.TimelineKind{}
	}
	l := langOf(r)
	for _, e := range entries {
		out.Items = append(out.Items, timelineItemOf(l, id, e))
	}
	return out, nil
}

func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) {
		return s.timeline(r, id, r.URL.Query().Get("kind"))
	})
}

// timelineItemOf words one entry of household's timeline in l.
func timelineItemOf(l lang, household int64, e store.TimelineEntry) timelineItem {
	it := timelineItem{TimelineEntry: e, KindLabel: l.enumLabel("timeline_kind", string(e.Kind))}
	id := strconv.FormatInt(e.ID, 10)
	program := policy.ProgramName(e.Program, string(l))
	if k := l.enumLabel("case_kind", e.ProgramKind); k != "" {
		program += " · " + k
	}
	amount := yuan(e.Amount)
	name := e.Name
	if l == langEN && e.NameEN != "" {
		name = e.NameEN
	}
	switch e.Kind {
	case store.TimelineWarning:
		it.Link = "/monitor/warnings/" + id
		switch e.Event {
		case store.EventRaised:
			it.Summary = l.T("Warning raised: %s, about %s", name, e.Person)
		case store.EventVisited:
			it.Summary, it.Detail = l.T("Home visit for the warning: %s", name), e.Note
		case store.EventClosed:
			it.Summary, it.Detail = l.T("Warning closed (%s): %s", name, l.enumLabel("warning_outcome", e.Code)), e.Note
		}
	case store.TimelineApplication:
		it.Link = "/applications/" + id
		switch e.Event {
		case store.EventFiled:
			it.Summary, it.Detail = l.T("Application filed: %s", program), l.T("Now: %s", l.enumLabel("case_state", e.Code))
		case store.EventReviewOpened:
			it.Summary, it.Detail = l.T("Review of the benefit opened: %s", program), l.T("Now: %s", l.enumLabel("case_state", e.Code))
		case store.EventApproved:
			if !e.To.IsZero() && e.To == e.From {
				it.Summary = l.T("Approved: %s, %s yuan once (%s)", program, amount, e.From.String())
			} else {
				it.Summary = l.T("Approved: %s, %s yuan a month from %s", program, amount, e.From.String())
			}
		case store.EventRejected:
			it.Summary, it.Detail = l.T("Not approved: %s", program), e.Note
		case store.EventReviewDecided:
			outcome := l.enumLabel("review_outcome", e.Code)
			if e.Code == casework.Adjust || e.Code == casework.GradualExit {
				it.Summary = l.T("Review decided: %s, %s: %s yuan a month from %s", program, outcome, amount, e.From.String())
			} else {
				it.Summary = l.T("Review decided: %s, %s from %s", program, outcome, e.From.String())
			}
			it.Detail = e.Note
		}
	case store.TimelineVerification:
		it.Link = "/verification/reports/" + id
		it.Summary = l.T("Verification report %s issued: %d discrepancies", e.Code, e.Count)
		if e.Changed {
			it.Detail = l.T("The verified values change a benefit's eligibility or amount.")
		}
	case store.TimelineReferral:
		it.Link = "/referrals/" + id
		switch e.Event {
		case store.EventSent:
			needs := make([]string, len(e.Needs))
			for i, n := range e.Needs {
				needs[i] = l.enumLabel("need", string(n))
			}
			it.Summary, it.Detail = l.T("Referred to %s: %s", name, strings.Join(needs, l.T(", "))), e.Note
		case store.EventAccepted:
			it.Summary = l.T("%s accepted the referral", name)
		case store.EventDeclined:
			it.Summary, it.Detail = l.T("%s declined the referral", name), e.Note
		case store.EventDone:
			it.Summary, it.Detail = l.T("%s reported the referral's result", name), e.Note
		}
	case store.TimelineBenefit:
		it.Link = "/households/" + strconv.FormatInt(household, 10) + "#enrollment-" + id
		switch e.Event {
		case store.EventStarted:
			if e.To == e.From {
				it.Summary = l.T("%s: a one-off %s yuan (%s)", program, amount, e.From.String())
			} else {
				it.Summary = l.T("%s from %s: %s yuan a month", program, e.From.String(), amount)
			}
		case store.EventChanged:
			it.Summary = l.T("%s from %s: changed to %s yuan a month", program, e.From.String(), amount)
		case store.EventSuspended:
			it.Summary = l.T("%s suspended from %s (%s yuan a month)", program, e.From.String(), amount)
		case store.EventResumed:
			it.Summary = l.T("%s resumed from %s: %s yuan a month", program, e.From.String(), amount)
		case store.EventEnded:
			it.Summary = l.T("%s ended: its last month was %s", program, e.To.String())
		}
	}
	return it
}

// timelineSection is the household page's timeline with its filter.
type timelineSection struct {
	*timelineView
	// Kind is the filter's choice ("" for all); Kinds the choices.
	Kind    string
	Choices []option
	Error   string
}

// timelineSection reads the household page's timeline, filtered by the
// page's ?kind=; a kind the reader may not choose is shown beside the
// filter instead of the entries.
func (s *Server) timelineSection(r *http.Request, id int64) (*timelineSection, error) {
	l := langOf(r)
	sec := &timelineSection{Kind: strings.TrimSpace(r.URL.Query().Get("kind"))}
	all, _ := timelineKinds(principalOf(r), "")
	sec.Choices = []option{{"", l.T("All kinds")}}
	for _, k := range all {
		sec.Choices = append(sec.Choices, option{string(k), l.enumLabel("timeline_kind", string(k))})
	}
	tv, err := s.timeline(r, id, sec.Kind)
	switch {
	case apperr.CodeOf(err) == apperr.Invalid:
		sec.Error = errorsOf(l, err).take("kind")
		tv = &timelineView{HouseholdID: id}
	case err != nil:
		return nil, err
	}
	sec.timelineView = tv
	return sec, nil
}
