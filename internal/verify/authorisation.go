package verify

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Authorisation is a household's written authorisation for verification
// (核对授权书): SAIM Art. 58 lets the county check only "on the household's
// request or entrustment"; every member signs, a guardian for those
// without civil capacity (policy reference §6, Lianyungang form).
type Authorisation struct {
	ID          int64      `json:"id"`
	HouseholdID int64      `json:"household_id"`
	County      string     `json:"county_code"`
	SignedOn    civil.Date `json:"signed_on"`
	Signers     []Signer   `json:"signers"`
	// Scope lists the source codes authorised; empty means every source.
	Scope []string `json:"scope,omitempty"`
	// Scan is the scanned, signed form (JPEG, PNG or PDF, checked by
	// content); the store keeps its bytes.
	Scan Scan `json:"scan"`
	// ValidUntil is the last day it may be used: SignedOn plus
	// verify.authorisation.valid_months.
	ValidUntil civil.Date `json:"valid_until"`
	RecordedBy string     `json:"recorded_by"`
	RecordedAt time.Time  `json:"recorded_at"`
	// RevokedOn is the day the household withdrew it (zero: not revoked).
	RevokedOn    civil.Date `json:"revoked_on"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
}

// Scan is the scanned copy of a signed form.
type Scan struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Data        []byte `json:"-"`
}

// Signer is one signature: a member signing for themselves, and as
// guardian for the members in For.
type Signer struct {
	PersonID int64   `json:"person_id"`
	Name     string  `json:"name"`
	For      []int64 `json:"for,omitempty"`
}

// guardianAge is the age of full civil capacity (民法典第十八条: 18).
const guardianAge = 18

// Complete fills ValidUntil from the parameters and checks a new
// authorisation against the household as it stood on the day of signing:
// every member signed, or is a minor or a person with an intellectual or
// mental disability for whom another member signed as guardian; no
// signature from outside the household; a scan attached; a scope of
// known sources.
// Errors: Invalid naming the field (signers, signed_on, scope,
// attachment), or parameters.verify.authorisation.valid_months when it is
// not set for the county.
func (a *Authorisation) Complete(h *registry.Household, sources []Source, params *policy.Set, today civil.Date) error {
	var l apperr.List
	if a.SignedOn.IsZero() || !a.SignedOn.Valid() {
		l.Addf("signed_on", "the date of signing is required")
	} else if a.SignedOn.After(today) {
		l.Addf("signed_on", "the date of signing %s is in the future", a.SignedOn)
	}
	if a.Scan.SHA256 == "" {
		l.Addf("attachment", "attach the scanned, signed authorisation")
	}
	for i, c := range a.Scope {
		if !slices.ContainsFunc(sources, func(s Source) bool { return s.Code == c }) {
			l.Addf("scope["+strconv.Itoa(i)+"]", "%q is not a data source", c)
		}
	}
	members := map[int64]*registry.Member{}
	for i := range h.Members {
		if a.SignedOn.IsZero() || h.Members[i].Active(a.SignedOn) {
			members[h.Members[i].Person.ID] = &h.Members[i]
		}
	}
	covered := map[int64]bool{}
	for i, s := range a.Signers {
		m, ok := members[s.PersonID]
		if !ok {
			l.Addf("signers["+strconv.Itoa(i)+"]", "%s is not a member of the household on the day of signing", s.Name)
			continue
		}
		a.Signers[i].Name = m.Person.Name
		covered[s.PersonID] = true
		for _, w := range s.For {
			ward, ok := members[w]
			switch {
			case !ok:
				l.Addf("signers["+strconv.Itoa(i)+"].for", "a guardian can sign only for members of the household")
			case !NeedsGuardian(&ward.Person, a.SignedOn):
				l.Addf("signers["+strconv.Itoa(i)+"].for", "%s is an adult with full capacity and must sign in person", ward.Person.Name)
			default:
				covered[w] = true
			}
		}
	}
	var unsigned []string
	for _, m := range h.Members {
		if members[m.Person.ID] != nil && !covered[m.Person.ID] && m.Person.Death.IsZero() {
			unsigned = append(unsigned, m.Person.Name)
		}
	}
	if len(unsigned) > 0 {
		l.Addf("signers", "every member must sign, or a guardian for them; not signed: %s", strings.Join(unsigned, "、"))
	}
	if err := l.Err(); err != nil {
		return err
	}
	p, ok := params.Resolve("verify.authorisation.valid_months", h.CountyCode, a.SignedOn)
	if !ok {
		return policy.NotSet("verify.authorisation.valid_months", h.CountyCode, a.SignedOn)
	}
	a.ValidUntil = a.SignedOn.AddMonths(p.Value.Count).AddDays(-1)
	a.HouseholdID, a.County = h.ID, h.CountyCode
	return nil
}

// needsGuardian: a minor, or a person whose intellectual or mental
// disability may leave them without full civil capacity (民法典第二十二条).
func NeedsGuardian(p *registry.Person, on civil.Date) bool {
	return p.Birth.YearsAt(on) < guardianAge ||
		p.DisabilityCategory == registry.DisIntellectual || p.DisabilityCategory == registry.DisMental
}

// Revoke checks a household's withdrawal of a on day on, today being
// today: on the day of signing or later, not in the future, with a reason.
// Errors: Invalid (revoked_on, reason).
func (a *Authorisation) Revoke(on, today civil.Date, reason string) error {
	var l apperr.List
	switch {
	case on.IsZero():
		l.Addf("revoked_on", "the date of the withdrawal is required")
	case on.Before(a.SignedOn):
		l.Addf("revoked_on", "the withdrawal on %s is before the signing on %s", on, a.SignedOn)
	case on.After(today):
		l.Addf("revoked_on", "the date %s is in the future", on)
	}
	if strings.TrimSpace(reason) == "" {
		l.Addf("reason", "say how the household withdrew it (a signed statement, in person…)")
	}
	return l.Err()
}

// Valid reports whether a may be used on day d.
func (a *Authorisation) Valid(d civil.Date) bool {
	return !a.SignedOn.After(d) && !a.ValidUntil.Before(d) && (a.RevokedOn.IsZero() || a.RevokedOn.After(d))
}

// Covers reports whether a covers source code c.
func (a *Authorisation) Covers(c string) bool {
	return len(a.Scope) == 0 || slices.Contains(a.Scope, c)
}

// Authorised returns the authorisation that allows verifying household h on
// day d: valid on d and signed by (or for) every member on d. "No
// entrustment, no check" (无委托不核对, policy reference §6).
// Errors: Invalid (field "authorisation") saying why none does: none
// recorded, all expired or revoked, or a member who joined after signing.
func Authorised(auths []Authorisation, h *registry.Household, d civil.Date) (*Authorisation, error) {
	if len(auths) == 0 {
		return nil, apperr.Fieldf("authorisation", "household %s has no authorisation for verification on record: record the signed authorisation (授权书) first", h.Number)
	}
	var best *Authorisation
	for i := range auths {
		a := &auths[i]
		if a.Valid(d) && (best == nil || a.SignedOn.After(best.SignedOn)) {
			best = a
		}
	}
	if best == nil {
		last := &auths[0]
		for i := range auths {
			if auths[i].SignedOn.After(last.SignedOn) {
				last = &auths[i]
			}
		}
		if !last.RevokedOn.IsZero() {
			return nil, apperr.Fieldf("authorisation", "the household withdrew its authorisation on %s: a new signed authorisation is needed", last.RevokedOn)
		}
		return nil, apperr.Fieldf("authorisation", "the household's authorisation expired on %s: a new signed authorisation is needed", last.ValidUntil)
	}
	signed := map[int64]bool{}
	for _, s := range best.Signers {
		signed[s.PersonID] = true
		for _, w := range s.For {
			signed[w] = true
		}
	}
	var missing []string
	for _, m := range h.Members {
		if m.Active(d) && !signed[m.Person.ID] && m.Person.Death.IsZero() {
			missing = append(missing, m.Person.Name)
		}
	}
	if len(missing) > 0 {
		return nil, apperr.Fieldf("authorisation", "the authorisation signed on %s does not cover %s, who joined the household later: a new signed authorisation is needed", best.SignedOn, strings.Join(missing, "、"))
	}
	return best, nil
}
