package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/civil"
)

// TestTextsComplete: every sentence has both languages, naming the same
// facts, and every code an input may carry in a fact that a sentence shows
// has a word in both languages.
func TestTextsComplete(t *testing.T) {
	for rule, tpl := range sentences {
		if tpl[0] == "" || tpl[1] == "" {
			t.Errorf("%s: a language is missing: %q", rule, tpl)
			continue
		}
		zh, en := placeholder.FindAllString(tpl[0], -1), placeholder.FindAllString(tpl[1], -1)
		slices.Sort(zh)
		slices.Sort(en)
		if !slices.Equal(slices.Compact(zh), slices.Compact(en)) {
			t.Errorf("%s: the Chinese sentence names %v, the English %v", rule, zh, en)
		}
	}
	for _, r := range []string{"orphan_allowance", "assistance_agency", "assist_first"} {
		if RouteName(r, "zh") == r || RouteName(r, "en") == r {
			t.Errorf("route %s has no name", r)
		}
	}
	for fact, codes := range map[string][]string{
		"hukou":      {"urban", "rural"},
		"kind":       incomeKinds,
		"category":   disCats[1:],
		"disability": disCats[1:],
		"parent1":    parentSits,
		"parent2":    parentSits,
		"residence":  residences,
		"group":      append(append([]string{""}, priceGroups...), enrolments...),
		"asset":      {"financial", "vehicles", "vehicle_value", "homes", "business"},
		"form":       {"dispersed", "centralised"},
		"level":      selfCares[1:],
	} {
		for _, c := range codes {
			w, ok := codeWords[fact][c]
			if !ok || w[0] == "" || w[1] == "" {
				t.Errorf("fact %s: code %q has no word in both languages: %q", fact, c, w)
			}
		}
	}
}

// TestSentenceMissingFact: a fact a step did not record is reported and
// shown as "?", never as a made-up 0; a code with no word is reported.
func TestSentenceMissingFact(t *testing.T) {
	n := node("standard", Info, "").fact("standard", "1120.00")
	for lang, want := range map[string]string{"zh": "适用低保标准 1120.00 元/人·月（?）", "en": "Dibao standard 1120.00 yuan per person per month (?)"} {
		s, faults := texts(lang).render(n)
		if s != want || !slices.Equal(faults, []string{"no fact hukou"}) {
			t.Errorf("%s: got %q, faults %q; want %q and the missing fact reported", lang, s, faults, want)
		}
		if got := Sentence(n, lang); got != want {
			t.Errorf("%s: Sentence got %q, want %q", lang, got, want)
		}
	}
	n.fact("hukou", "suburban")
	if s, faults := texts("zh").render(n); s != "适用低保标准 1120.00 元/人·月（suburban）" || len(faults) != 1 || !strings.Contains(faults[0], "suburban") {
		t.Errorf("unknown code: got %q, faults %q", s, faults)
	}
	n = node("standard", Info, "").fact("standard", "1120.00").fact("hukou", "rural")
	for lang, want := range map[string]string{"zh": "适用低保标准 1120.00 元/人·月（农村）", "en": "Dibao standard 1120.00 yuan per person per month (rural)"} {
		if s, faults := texts(lang).render(n); s != want || len(faults) > 0 {
			t.Errorf("%s: got %q, faults %q; want %q", lang, s, faults, want)
		}
	}
}

// TestSentenceByOutcome: a rule may say its result in its own words for
// each outcome, as the Dibao income test does.
func TestSentenceByOutcome(t *testing.T) {
	facts := func(n *Node) *Node {
		return n.fact("income", "2240.00").fact("members", 2).fact("per_capita", "1120.00").fact("standard", "1120.00").fact("line", "2240.00")
	}
	for _, c := range []struct {
		o        Outcome
		zh, en   string
		notZH    string
		notEN    string
		question bool
	}{
		{Pass, "低于低保标准 1120.00 元（合计 2240.00 元），符合收入条件", "is below the standard 1120.00 (total 2240.00): the income test is met", "不低于", "not below", false},
		{Fail, "不低于低保标准 1120.00 元（合计 2240.00 元），不符合收入条件", "is not below the standard 1120.00 (total 2240.00): the income test is not met", "，符合", "test is met", false},
	} {
		n := facts(node("below_standard", c.o, ""))
		zh, zf := texts("zh").render(n)
		en, ef := texts("en").render(n)
		if len(zf)+len(ef) > 0 {
			t.Errorf("%s: faults %q %q", c.o, zf, ef)
		}
		if !strings.Contains(zh, c.zh) || strings.Contains(zh, c.notZH) || strings.ContainsAny(zh, "?？") {
			t.Errorf("%s: Chinese %q, want a statement with %q", c.o, zh, c.zh)
		}
		if !strings.Contains(en, c.en) || strings.Contains(en, c.notEN) || strings.ContainsAny(en, "?？") {
			t.Errorf("%s: English %q, want a statement with %q", c.o, en, c.en)
		}
	}
}

// TestExplanationSentences renders every step of every case's explanation
// in both languages: each sentence must have all its facts (no "(0)" for a
// fact the step lacks) and words, not codes, for coded facts ("城市", not
// "urban").
func TestExplanationSentences(t *testing.T) {
	base, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/cases/*.yaml")
	rendered := map[string]int{}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		var cases []Case
		err = ReadYAML(f, &cases)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, c := range cases {
			res, err := calculateCase(&c, base)
			if err != nil {
				continue // errors.yaml and cases whose region lacks a parameter
			}
			res.Explanation.Walk(func(n *Node, _ int) {
				for _, lang := range []string{"zh", "en"} {
					s, faults := texts(lang).render(n)
					rendered[n.Rule]++
					for _, f := range faults {
						t.Errorf("%s/%s, %s, %s: %s: %q", filepath.Base(file), c.Name, lang, n.Rule, f, s)
					}
					for _, bad := range []string{"(0)", "（0）", "(?)", "（?）"} {
						if strings.Contains(s, bad) {
							t.Errorf("%s/%s, %s: %s shows %s: %q", filepath.Base(file), c.Name, lang, n.Rule, bad, s)
						}
					}
					if lang == "zh" && (strings.Contains(s, "urban") || strings.Contains(s, "rural")) {
						t.Errorf("%s/%s: %s names the hukou type by its code: %q", filepath.Base(file), c.Name, n.Rule, s)
					}
				}
			})
		}
	}
	// The steps the reported faults were found in are among those checked.
	for _, rule := range []string{"standard", "income.wage", "income.counted", "below_standard", "disability.member", "orphan.de_facto", "marginal", "rigid"} {
		if rendered[rule] == 0 {
			t.Errorf("no case explains %s", rule)
		}
	}
}

// calculateCase calculates c as Case.Run does, returning the result.
func calculateCase(c *Case, base *Set) (*Result, error) {
	set := base
	if len(c.Parameters) > 0 {
		set = base.Clone()
		county := c.Household.Region
		if len(county) > 6 {
			county = county[:6]
		}
		for k, v := range c.Parameters {
			if err := set.Add(Param{Key: k, Region: county, From: civil.D(1900, 1, 1), Text: v, Source: "case " + c.Name}); err != nil {
				return nil, err
			}
		}
	}
	h := c.Household
	h.Members = append([]Member(nil), c.Household.Members...)
	return Calculate(set, c.Program, &h, c.Month)
}

// TestDisplayUnit: a value's unit is said in the reader's language, by
// Definition.Display for the parameter pages and ParamUse.Display for the
// explanations; Format has no unit.
func TestDisplayUnit(t *testing.T) {
	d, _ := Lookup("dibao.standard.urban")
	v, err := d.ParseValue("1120")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Format(v); got != "1120.00" {
		t.Errorf("Format: got %q", got)
	}
	for lang, want := range map[string]string{"zh": "1120.00 元", "en": "1120.00 yuan"} {
		if got := d.Display(v, lang); got != want {
			t.Errorf("Display %s: got %q, want %q", lang, got, want)
		}
		if got := (ParamUse{Key: d.Key, Value: d.Format(v)}).Display(lang); got != want {
			t.Errorf("ParamUse.Display %s: got %q, want %q", lang, got, want)
		}
	}
	r, _ := Lookup("marginal.ratio")
	rv, err := r.ParseValue("1.5")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Display(rv, "en"); got != r.Format(rv) {
		t.Errorf("a ratio has no unit: got %q", got)
	}
	// An explanation rendered in English says yuan throughout (the sources
	// quoted stay as written).
	base, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	age := 40
	h := &Household{Region: "440103001", Hukou: "urban", Members: []Member{{ID: "a", Relationship: "applicant", Age: &age}}}
	res, err := Calculate(base, Dibao, h, civil.Month{Year: 2025, Month: 6})
	if err != nil {
		t.Fatal(err)
	}
	en, zh := res.Render("en"), res.Render("zh")
	if strings.Contains(en, ".00 元") || !strings.Contains(en, "dibao.standard.urban = 1120.00 yuan") {
		t.Errorf("English explanation:\n%s", en)
	}
	if !strings.Contains(zh, "dibao.standard.urban = 1120.00 元") || !strings.Contains(zh, "适用低保标准 1120.00 元/人·月（城市）") {
		t.Errorf("Chinese explanation:\n%s", zh)
	}
}
