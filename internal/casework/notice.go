package casework

import (
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// A public notice (公示) lists, per township and period, the applications
// the township proposes to approve: the applicant's name partly masked, the
// household's size, the program and the proposed amount (policy reference
// §10: name, number of household members and amount; Zibo adds the
// complaint phone number and the publication date, stamped). Nothing else
// is published: no ID number, address or health detail (SAIM Art. 61,
// Chongqing 条例 Art. 18(5)), and never a minor (§2.4, Zhejiang 条例 Art. 55).

// MaxNoticeDays is the longest period one notice query covers.
const MaxNoticeDays = 366

// NoticeEntry is one line of a public notice.
type NoticeEntry struct {
	// ApplicationID lets staff find the case; it is not printed.
	ApplicationID int64 `json:"application_id"`
	// Name is the applicant's name, masked (MaskName).
	Name          string         `json:"name"`
	HouseholdSize int            `json:"household_size"`
	Program       policy.Program `json:"program"`
	Kind          string         `json:"kind,omitempty"`
	// Amount is the amount the township proposes (Application.Proposed):
	// per month, or the one-off amount for Linshi; 0 when none was set.
	Amount money.Fen `json:"amount"`
	// From and To are the notice's first and last day.
	From civil.Date `json:"notice_from"`
	To   civil.Date `json:"notice_to"`
	// Notice numbers the notice: 1, then 2 and on for a new notice after
	// an objection.
	Notice int `json:"notice"`
}

// NoticeGroup is a program's lines of a notice.
type NoticeGroup struct {
	Program policy.Program `json:"program"`
	Entries []NoticeEntry  `json:"entries"`
}

// MaskName masks a name for publication: the first and last character
// stay, those between become *: 张三 → 张*, 张三丰 → 张*丰, 欧阳小明 →
// 欧**明. A one-character name is * alone. It counts characters (runes),
// not bytes.
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	switch n {
	case 0:
		return ""
	case 1:
		return "*"
	}
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	if n == 2 {
		return string(first) + "*"
	}
	return string(first) + strings.Repeat("*", n-2) + string(last)
}

// Publicised reports whether a's notice may be published: an application
// (not a review) the township proposes to approve, in a program that is
// ever noticed, whose applicant is not a minor, and that has not been
// withdrawn.
func Publicised(a *Application) bool {
	f, ok := FlowOf(a.Program)
	// Not the current opinion: a notice posted stays on record when a
	// later opinion (after an objection) is against.
	return ok && f.Notice != NoticeNever && !a.Minor && a.Purpose == "" &&
		a.State != Withdrawn && !a.NoticeFrom.IsZero()
}

// NoticeOf is a's line on a public notice, with its applicant's name (which
// it masks) and the number of the household's current members; ok is false
// when a may not be published (Publicised).
func NoticeOf(a *Application, applicantName string, householdSize int) (e NoticeEntry, ok bool) {
	if !Publicised(a) {
		return NoticeEntry{}, false
	}
	return NoticeEntry{ApplicationID: a.ID, Name: MaskName(applicantName), HouseholdSize: householdSize,
		Program: a.Program, Kind: a.Kind, Amount: a.Proposed, From: a.NoticeFrom, To: a.NoticeTo, Notice: max(a.Notices, 1)}, true
}

// GroupNotice groups a notice's lines by program, in the order of
// policy.Programs, each group in the order given.
func GroupNotice(entries []NoticeEntry) []NoticeGroup {
	var out []NoticeGroup
	for _, p := range policy.Programs {
		var g []NoticeEntry
		for _, e := range entries {
			if e.Program == p {
				g = append(g, e)
			}
		}
		if len(g) > 0 {
			out = append(out, NoticeGroup{Program: p, Entries: g})
		}
	}
	return out
}

// CheckNoticeQuery checks a request for the notice of place (a township, or
// a village) from one day to another.
//
// Errors: Invalid, naming township, from or to.
func CheckNoticeQuery(place string, from, to civil.Date) error {
	var l apperr.List
	if lv, ok := region.LevelOf(place); !ok || lv < region.Township {
		l.Addf("township", "choose a township (a 9-digit code) or a village (12 digits)")
	}
	switch {
	case from.IsZero():
		l.Addf("from", "give the period's first day")
	case to.IsZero():
		l.Addf("to", "give the period's last day")
	case to.Before(from):
		l.Addf("to", "the period's last day %s is before its first day %s", to, from)
	case !to.Before(from.AddDays(MaxNoticeDays)):
		l.Addf("to", "a notice covers at most %d days", MaxNoticeDays)
	}
	return l.Err()
}
