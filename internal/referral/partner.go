package referral

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/region"
)

// Need is a kind of help a household may need from outside civil affairs.
type Need string

// The needs a referral may carry.
const (
	NeedMedical        Need = "medical"         // 医疗保障与救助（医保、卫健）
	NeedEducation      Need = "education"       // 教育资助
	NeedHousing        Need = "housing"         // 住房救助
	NeedEmployment     Need = "employment"      // 就业援助
	NeedSocialSecurity Need = "social_security" // 社会保险（养老、失业、工伤）
	NeedDisability     Need = "disability"      // 残疾人服务（康复、辅具、补贴）
	NeedLegalAid       Need = "legal_aid"       // 法律援助
	NeedUnion          Need = "union_help"      // 工会帮扶（困难职工）
	NeedCharity        Need = "charity"         // 慈善帮扶
	NeedCare           Need = "care"            // 照料护理服务
)

// Needs lists every need, in the order forms show them.
var Needs = []Need{NeedMedical, NeedEducation, NeedHousing, NeedEmployment, NeedSocialSecurity, NeedDisability,
	NeedLegalAid, NeedUnion, NeedCharity, NeedCare}

// needZH are the needs' Chinese names, which the refusals of Check name.
var needZH = map[Need]string{
	NeedMedical: "医疗保障与救助", NeedEducation: "教育资助", NeedHousing: "住房救助", NeedEmployment: "就业援助",
	NeedSocialSecurity: "社会保险", NeedDisability: "残疾人服务", NeedLegalAid: "法律援助", NeedUnion: "工会帮扶",
	NeedCharity: "慈善帮扶", NeedCare: "照料护理服务",
}

// Valid reports whether n is a known need.
func (n Need) Valid() bool { return slices.Contains(Needs, n) }

// Name is the need's Chinese name with its code: "法律援助 (legal_aid)".
func (n Need) Name() string {
	if z, ok := needZH[n]; ok {
		return z + " (" + string(n) + ")"
	}
	return string(n)
}

// PartnerKind is the kind of organisation a partner is.
type PartnerKind string

// The kinds of partner (issue 6: the departments and charities a need is
// passed to).
const (
	KindHealth     PartnerKind = "health"       // 医疗保障和卫生健康部门
	KindEducation  PartnerKind = "education"    // 教育部门
	KindHousing    PartnerKind = "housing"      // 住房和城乡建设部门
	KindHRSS       PartnerKind = "hrss"         // 人力资源和社会保障部门
	KindDisabled   PartnerKind = "disabled_fed" // 残疾人联合会
	KindLegalAid   PartnerKind = "legal_aid"    // 司法行政（法律援助中心）
	KindTradeUnion PartnerKind = "trade_union"  // 工会
	KindCharity    PartnerKind = "charity"      // 慈善组织
)

// PartnerKinds lists every kind.
var PartnerKinds = []PartnerKind{KindHealth, KindEducation, KindHousing, KindHRSS, KindDisabled, KindLegalAid, KindTradeUnion, KindCharity}

// Partner is a department or charity in the directory (协作单位).
type Partner struct {
	ID   int64       `json:"id"`
	Name string      `json:"name"`
	Kind PartnerKind `json:"kind"`
	// Region is the region it serves: a region code prefix (a province,
	// city, county or township). A household is served when its region
	// code starts with it.
	Region  string `json:"region"`
	Needs   []Need `json:"needs"`
	Contact string `json:"contact,omitempty"`
	// Phone is the contact's phone: stored encrypted, shown masked to
	// those without the permission to see personal data.
	Phone     string    `json:"phone,omitempty"`
	Active    bool      `json:"active"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// maxText is the longest name, contact, note or reason kept, in characters.
const maxText = 2000

// Validate checks a partner's fields and normalises them (trimmed text,
// needs in the catalogue's order without repeats).
// Errors: Invalid naming the field (name, kind, region, needs, phone).
func (p *Partner) Validate() error {
	var l apperr.List
	p.Name, p.Contact, p.Phone = strings.TrimSpace(p.Name), strings.TrimSpace(p.Contact), strings.TrimSpace(p.Phone)
	switch n := utf8.RuneCountInString(p.Name); {
	case n == 0:
		l.Addf("name", "the partner's name is required")
	case n > 200:
		l.Addf("name", "the name is longer than %d characters", 200)
	}
	if !slices.Contains(PartnerKinds, p.Kind) {
		l.Addf("kind", "%q is not a kind of partner", string(p.Kind))
	}
	if _, ok := region.LevelOf(p.Region); !ok {
		l.Addf("region", "%q is not a region code: give the province, city, county or township the partner serves", p.Region)
	}
	if len(p.Needs) == 0 {
		l.Addf("needs", "say which needs the partner serves")
	}
	for i, n := range p.Needs {
		if !n.Valid() {
			l.Addf("needs["+strconv.Itoa(i)+"]", "%q is not a need", string(n))
		}
	}
	p.Needs = ordered(p.Needs)
	if utf8.RuneCountInString(p.Contact) > 200 {
		l.Addf("contact", "the name is longer than %d characters", 200)
	}
	if ph := strings.NewReplacer(" ", "", "-", "").Replace(p.Phone); ph != "" && (len(ph) < 7 || len(ph) > 15 || strings.Trim(ph, "0123456789") != "") {
		l.Addf("phone", "%q is not a phone number: 7 to 15 digits", p.Phone)
	}
	return l.Err()
}

// ordered returns the known needs of ns in the catalogue's order, once
// each (unknown ones are kept at the end for the message).
func ordered(ns []Need) []Need {
	out := []Need{}
	for _, n := range Needs {
		if slices.Contains(ns, n) {
			out = append(out, n)
		}
	}
	for _, n := range ns {
		if !n.Valid() && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Serves reports whether the partner serves a household registered in
// region (a region code).
func (p *Partner) Serves(region string) bool {
	return p.Region != "" && strings.HasPrefix(region, p.Region)
}

// Check refuses a referral of needs, for a household registered in
// householdRegion, to partner p: p inactive, p's region not covering the
// household's, or a need p does not serve; the message says which need or
// which regions. regionName names a region code in messages (nil: the
// code alone).
// Errors: Invalid, field partner_id (inactive, region) or needs.
func Check(p *Partner, householdRegion string, needs []Need, regionName func(string) string) error {
	name := func(c string) string {
		if regionName == nil {
			return c
		}
		if n := regionName(c); n != "" && n != c {
			return n + " (" + c + ")"
		}
		return c
	}
	if !p.Active {
		return apperr.Fieldf("partner_id", "%s no longer takes referrals (inactive in the directory): choose another partner", p.Name)
	}
	if !p.Serves(householdRegion) {
		return apperr.Fieldf("partner_id", "%s serves %s, and the household is registered in %s, outside it: choose a partner whose region covers the household",
			p.Name, name(p.Region), name(householdRegion))
	}
	var missing []string
	for _, n := range needs {
		if !slices.Contains(p.Needs, n) {
			missing = append(missing, n.Name())
		}
	}
	if len(missing) > 0 {
		var serves []string
		for _, n := range p.Needs {
			serves = append(serves, n.Name())
		}
		return apperr.Fieldf("needs", "%s does not serve %s: it serves %s; refer that need to another partner",
			p.Name, strings.Join(missing, "、"), strings.Join(serves, "、"))
	}
	return nil
}
