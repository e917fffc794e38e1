package web

import (
	"net/http"
	"strings"
	"time"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// paramGroups are the groups of parameters (the first part of a key), in
// the order pages show them; a group not listed here follows them.
var paramGroups = []string{"dibao", "marginal", "rigid", "tekun", "linshi", "price", "disability", "orphan", "region", "workflow"}

func paramGroupOf(key string) string {
	g, _, _ := strings.Cut(key, ".")
	return g
}

// paramTree is what GET /api/v1/parameters returns: every parameter with
// the value in force in a region on a date, and with ?key= the history of
// one parameter there.
type paramTree struct {
	Region     string       `json:"region"`
	RegionName string       `json:"region_name"`
	Date       civil.Date   `json:"date"`
	Items      []paramEntry `json:"items"`
	// History lists, for ?key=, every value whose scope covers the region,
	// the most specific scope first, then the latest first.
	History []paramValue `json:"history,omitempty"`
}

// paramEntry is one parameter and its value in force.
type paramEntry struct {
	Key      string      `json:"key"`
	Group    string      `json:"group"`
	Name     string      `json:"name"`
	Kind     policy.Kind `json:"kind"`
	Unit     string      `json:"unit,omitempty"`
	Options  []string    `json:"options,omitempty"`
	Required bool        `json:"required"`
	// Missing is true for a required parameter with no value in force: a
	// calculator that needs it cannot run in the region on the date.
	Missing bool        `json:"missing"`
	InForce *paramValue `json:"in_force"`
}

// paramValue is one dated value of a parameter in a scope.
type paramValue struct {
	Value      string     `json:"value"`   // as written: "1395", "1.5", "60%"
	Display    string     `json:"display"` // for people, in the request's language: "1395.00 元", "1395.00 yuan"
	Scope      string     `json:"scope"`   // national, province, city or county
	Region     string     `json:"region"`  // the scope's code, "" for national
	RegionName string     `json:"region_name"`
	ValidFrom  civil.Date `json:"valid_from"`
	Source     string     `json:"source"`
	Note       string     `json:"note,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	// Shipped is true for a value SafetyNet ships; By and RecordedAt say
	// who added any other, and when.
	Shipped    bool      `json:"shipped"`
	By         string    `json:"by,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
	// Applies marks, in a history, the value in force on the date.
	Applies bool `json:"applies,omitempty"`
}

// paramRequest is the body of POST /api/v1/parameters and the fields of
// the page's form.
type paramRequest struct {
	Key       string `json:"key"`
	Region    string `json:"region"`     // "" national, or a 2-, 4- or 6-digit code
	ValidFrom string `json:"valid_from"` // YYYY-MM-DD; a past date needs a reason
	Value     string `json:"value"`
	Source    string `json:"source"`
	Note      string `json:"note"`
	Reason    string `json:"reason"`
}

// paramQuery reads the region (default: the user's jurisdiction, cut to
// its county, for parameters have no finer scope) and the date (default:
// today) of a parameter listing.
func (s *Server) paramQuery(r *http.Request) (code string, at civil.Date, err error) {
	q := r.URL.Query()
	var l apperr.List
	code = strings.TrimSpace(q.Get("region"))
	if code == "" {
		code = principalOf(r).Region
		if len(code) > 6 {
			code = region.CountyOf(code)
		}
	} else {
		code = shortCode(code)
		if lv, ok := region.LevelOf(code); !ok || lv > region.County {
			l.Addf("region", "give a province, city or county code (2, 4 or 6 digits), such as 44, 4401 or 440103")
		} else if _, ok := s.Regions.Get(code); !ok {
			l.Addf("region", "no region %s", code)
		}
	}
	at = civil.Today()
	if v := strings.TrimSpace(q.Get("date")); v != "" {
		if at, err = civil.ParseDate(v); err != nil {
			l.Addf("date", "enter the date as YYYY-MM-DD")
		}
	}
	return code, at, l.Err()
}

// paramValueOf describes p, a value of the parameter d, for readers of l.
func (s *Server) paramValueOf(l lang, d *policy.Definition, p policy.Param) *paramValue {
	return &paramValue{Value: p.Text, Display: d.Display(p.Value, string(l)), Scope: policy.Scope(p.Region), Region: p.Region,
		RegionName: s.regionName(p.Region), ValidFrom: p.From, Source: p.Source, Note: p.Note, Reason: p.Reason,
		Shipped: p.RecordedAt.IsZero(), By: p.By, RecordedAt: p.RecordedAt}
}

// paramName is a definition's name in l.
func paramName(l lang, d *policy.Definition) string {
	if l == langEN {
		return d.EN
	}
	return d.ZH
}

// paramTreeOf resolves every parameter (or only key, with its history) in
// code on at.
func (s *Server) paramTreeOf(l lang, set *policy.Set, code string, at civil.Date, key string) *paramTree {
	t := &paramTree{Region: code, RegionName: s.regionName(code), Date: at, Items: []paramEntry{}}
	for _, d := range policy.Definitions() {
		if key != "" && d.Key != key {
			continue
		}
		e := paramEntry{Key: d.Key, Group: paramGroupOf(d.Key), Name: paramName(l, &d), Kind: d.Kind, Unit: d.Unit,
			Options: d.Options, Required: d.Required}
		p, ok := set.Resolve(d.Key, code, at)
		if ok {
			e.InForce = s.paramValueOf(l, &d, p)
		}
		e.Missing = d.Required && !ok
		t.Items = append(t.Items, e)
		if key != "" {
			for _, h := range set.All() {
				if h.Key == key && strings.HasPrefix(code, h.Region) {
					v := s.paramValueOf(l, &d, h)
					v.Applies = ok && h.Region == p.Region && h.From == p.From
					t.History = append(t.History, *v)
				}
			}
		}
	}
	return t
}

func (s *Server) apiParams(w http.ResponseWriter, r *http.Request) {
	code, at, err := s.paramQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	key := strings.TrimSpace(r.URL.Query().Get("key"))
	if _, ok := policy.Lookup(key); key != "" && !ok {
		s.writeError(w, r, apperr.Errorf(apperr.NotFound, "there is no parameter %s", key))
		return
	}
	set, err := s.paramSet(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.paramTreeOf(langOf(r), set, code, at, key))
}

func (s *Server) apiAddParam(w http.ResponseWriter, r *http.Request) {
	var req paramRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.addParam(r, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// addParam checks a value the user adds and stores it: the scope must lie
// inside the user's jurisdiction (auth.Principal.MaySetParam), and the
// value must pass policy.CheckNew, which tries it with Set.Add. The value
// is in force for the next reader at once.
//
// Errors: Invalid naming the field (key, region, valid_from, value, source,
// note, reason).
func (s *Server) addParam(r *http.Request, req paramRequest) (*policy.Param, error) {
	var pre apperr.List
	p := policy.Param{Key: strings.TrimSpace(req.Key), Region: strings.TrimSpace(req.Region), Text: strings.TrimSpace(req.Value),
		Source: strings.TrimSpace(req.Source), Note: strings.TrimSpace(req.Note), Reason: strings.TrimSpace(req.Reason)}
	if p.Region != "" {
		p.Region = shortCode(p.Region)
	}
	if v := strings.TrimSpace(req.ValidFrom); v != "" {
		d, err := civil.ParseDate(v)
		if err != nil {
			pre.Addf("valid_from", "enter the date as YYYY-MM-DD")
		}
		p.From = d
	}
	user := principalOf(r)
	switch lv, ok := region.LevelOf(p.Region); {
	case p.Region == "" && !user.MaySetParam(""):
		pre.Addf("region", "only a user whose jurisdiction is the whole country may set a national value")
	case !ok || lv > region.County:
		// policy.CheckNew words it.
	case !user.MaySetParam(p.Region):
		pre.Addf("region", "region %s is outside your jurisdiction", p.Region)
	default:
		if _, known := s.Regions.Get(p.Region); !known {
			pre.Addf("region", "no region %s", p.Region)
		}
	}
	// One message per field: the first found.
	var l apperr.List
	seen := map[string]bool{}
	for _, err := range []error{pre.Err(), policy.CheckNew(p, civil.Today())} {
		e := apperr.As(err)
		if e == nil {
			continue
		}
		all := e.Details
		if len(all) == 0 {
			all = []*apperr.Error{e}
		}
		for _, d := range all {
			if !seen[d.Field] {
				seen[d.Field] = true
				l.Add("", d)
			}
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	if err := s.Params.AddParam(r.Context(), &p); err != nil {
		return nil, err
	}
	s.paramsChanged()
	return &p, nil
}
