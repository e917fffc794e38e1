package monitor

import (
	"encoding/json"
	"math"
	"strconv"
)

// Subject is what a rule sees about one monitored person: the person, their
// household, and the parameters in force in the household's region. The
// expr tags are the names used in expressions: person.age,
// household.medical_oop_3m, params.medical_multiple.
//
// Amounts are in yuan (float64), as people write them in rules; months are
// counted back from the month of the run.
type Subject struct {
	Person    PersonFacts    `expr:"person" json:"person"`
	Household HouseholdFacts `expr:"household" json:"household"`
	Params    ParamFacts     `expr:"params" json:"params"`
}

// PersonFacts are one person's facts.
type PersonFacts struct {
	// ID is the person's registry id: a warning names whom it is about.
	ID int64 `expr:"id" json:"id"`
	// Head: the head of the household. Household-wide rules test it, so
	// that a household's signal is raised once, for its head.
	Head     bool `expr:"head" json:"head"`
	Age      int  `expr:"age" json:"age"`
	Deceased bool `expr:"deceased" json:"deceased"` // died (departments' data or the registry)
	// DisabilityGrade is 1 (most severe) to 4, 0 for none.
	DisabilityGrade int `expr:"disability_grade" json:"disability_grade"`
	// NewSevereDisability: a grade 1 or 2 certificate issued in the last
	// three months (残联).
	NewSevereDisability bool `expr:"new_severe_disability" json:"new_severe_disability"`
	SeriousIllness      bool `expr:"serious_illness" json:"serious_illness"`
	InSchool            bool `expr:"in_school" json:"in_school"`
	// LeftSchool: a minor the school data show as having left school.
	LeftSchool bool `expr:"left_school" json:"left_school"`
	// Earner: had wage or business income in the last three months.
	Earner bool `expr:"earner" json:"earner"`
	// UnemploymentStarted: unemployment insurance paid in the last three
	// months and not in the three before.
	UnemploymentStarted bool `expr:"unemployment_started" json:"unemployment_started"`
	// ContributionsStopped: social-insurance contributions in the three
	// months before the last three, none in the last three.
	ContributionsStopped bool `expr:"contributions_stopped" json:"contributions_stopped"`
	// MedicalOOP3m is what the person paid for medical care in the last
	// three months, in yuan.
	MedicalOOP3m float64 `expr:"medical_oop_3m" json:"medical_oop_3m"`
}

// HouseholdFacts are the facts of the person's household.
type HouseholdFacts struct {
	Region string `expr:"region" json:"region"` // the household's region code
	Size   int    `expr:"size" json:"size"`
	// Categories are the monitored-population categories the household
	// falls in (Category values).
	Categories []string `expr:"categories" json:"categories"`
	// Programs are the programs the household receives now.
	Programs []string `expr:"programs" json:"programs"`
	// Standard is the monthly Dibao standard per person that applies to the
	// household, in yuan.
	Standard float64 `expr:"standard" json:"standard"`
	// IncomePerCapita is the monthly income per person, verified where the
	// departments' data have it, in yuan.
	IncomePerCapita float64 `expr:"income_per_capita" json:"income_per_capita"`
	MedicalOOP3m    float64 `expr:"medical_oop_3m" json:"medical_oop_3m"`
	Vehicles        int     `expr:"vehicles" json:"vehicles"`
	// NewVehicle and NewBusiness: registered in the last three months.
	NewVehicle  bool `expr:"new_vehicle" json:"new_vehicle"`
	Businesses  int  `expr:"businesses" json:"businesses"`
	NewBusiness bool `expr:"new_business" json:"new_business"`
	Homes       int  `expr:"homes" json:"homes"`
	// EarnerDied: a member who had earned in the last year died in the
	// last three months.
	EarnerDied bool `expr:"earner_died" json:"earner_died"`
	// RecipientDied: a member of a household receiving a benefit died and
	// the registry does not know it yet.
	RecipientDied bool `expr:"recipient_died" json:"recipient_died"`
	// Disaster: a member was hit by a natural disaster or an accident in
	// the recent period, by emergency management's data (source disaster).
	Disaster bool `expr:"disaster" json:"disaster"`
}

// ParamFacts are the parameters rules may use, resolved for the
// household's region; a parameter not set there is NaN, which makes every
// comparison with it false (and the dry run says which is missing).
type ParamFacts struct {
	// MedicalMultiple is monitor.medical.multiple: medical spending over
	// this many months of the standard in three months raises a warning.
	MedicalMultiple float64 `expr:"medical_multiple" json:"medical_multiple"`
	// MarginalRatio is marginal.ratio (1.5 nationally): income per person
	// above this multiple of the standard is an exit-side signal.
	MarginalRatio float64 `expr:"marginal_ratio" json:"marginal_ratio"`
}

// MarshalJSON writes the subject as a warning keeps it (what the rule saw):
// each fact under its expression name, a number not known (a parameter
// not set: NaN) as null. The numbers that may be NaN are written through
// jsonFloat; TestSubjectJSON fails if a new one is not.
func (s Subject) MarshalJSON() ([]byte, error) {
	type person struct {
		PersonFacts
		MedicalOOP3m jsonFloat `json:"medical_oop_3m"`
	}
	type household struct {
		HouseholdFacts
		Standard        jsonFloat `json:"standard"`
		IncomePerCapita jsonFloat `json:"income_per_capita"`
		MedicalOOP3m    jsonFloat `json:"medical_oop_3m"`
	}
	type params struct {
		ParamFacts
		MedicalMultiple jsonFloat `json:"medical_multiple"`
		MarginalRatio   jsonFloat `json:"marginal_ratio"`
	}
	h, p := s.Household, s.Params
	return json.Marshal(struct {
		Person    person    `json:"person"`
		Household household `json:"household"`
		Params    params    `json:"params"`
	}{person{s.Person, jsonFloat(s.Person.MedicalOOP3m)},
		household{h, jsonFloat(h.Standard), jsonFloat(h.IncomePerCapita), jsonFloat(h.MedicalOOP3m)},
		params{p, jsonFloat(p.MedicalMultiple), jsonFloat(p.MarginalRatio)}})
}

// jsonFloat is a number written as null when it is NaN or infinite.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(f), 'g', -1, 64), nil
}
