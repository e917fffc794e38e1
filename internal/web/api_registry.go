package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/pii"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// scopeOf is the principal's jurisdiction as a store scope.
func scopeOf(r *http.Request) registry.Scope {
	return registry.Scope{Region: principalOf(r).Region}
}

// pathID reads a positive integer path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Errorf(apperr.NotFound, "no such record")
	}
	return id, nil
}

// decode reads a JSON body into v, naming the field of a type error.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return err
		case errors.As(err, &te):
			return apperr.Fieldf(te.Field, "want a %s here", te.Type.String())
		case errors.Is(err, io.EOF):
			return apperr.Fieldf("", "the request body is empty: send a JSON object")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return apperr.Fieldf(f, "unknown field %q", f)
		}
		return apperr.Fieldf("", "the request body is not valid JSON: %s", err.Error())
	}
	return nil
}

// reveal reports whether the caller asked to see personal data in full,
// refusing if the role lacks the permission.
func reveal(r *http.Request) (bool, error) {
	if r.URL.Query().Get("reveal") != "true" && r.URL.Query().Get("reveal") != "1" {
		return false, nil
	}
	if !principalOf(r).Can(auth.PIIView) {
		return false, apperr.Errorf(apperr.Forbidden, "your role may not see personal data in full")
	}
	return true, nil
}

// maskHousehold masks personal data in h for display.
func maskHousehold(h *registry.Household) {
	h.BankAccount = pii.Mask(pii.BankAccount, h.BankAccount)
	for i := range h.Members {
		maskPerson(&h.Members[i].Person)
	}
}

func maskPerson(p *registry.Person) {
	p.IDNumber = pii.Mask(pii.IDNumber, p.IDNumber)
	p.Phone = pii.Mask(pii.Phone, p.Phone)
}

// auditReveal records an unmasked view.
func (s *Server) auditReveal(r *http.Request, entity string, id int64, regionCode string) error {
	return s.DB.Audit(r.Context(), entity, id, regionCode, "view_unmasked", map[string]any{"path": r.URL.Path})
}

// page is a keyset-paginated list.
type page[T any] struct {
	Items []T    `json:"items"`
	Next  *int64 `json:"next,omitempty"` // pass as ?after= for the next page
}

func intParam(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.Fieldf(name, "%s must be a non-negative whole number", name)
	}
	return n, nil
}

// pageParams reads a keyset cursor (named cursor) and ?limit=.
func pageParams(r *http.Request, cursor string) (int64, int, error) {
	c, err := intParam(r, cursor)
	if err != nil {
		return 0, 0, err
	}
	lim, err := intParam(r, "limit")
	return c, int(lim), err
}

func householdFilter(r *http.Request) (f registry.HouseholdFilter, err error) {
	q := r.URL.Query()
	f = registry.HouseholdFilter{Region: shortCode(q.Get("region")), Number: strings.TrimSpace(q.Get("number")),
		Name: strings.TrimSpace(q.Get("name")), IDNumber: strings.TrimSpace(q.Get("id_number"))}
	f.After, f.Limit, err = pageParams(r, "after")
	return f, err
}

func (s *Server) apiHouseholds(w http.ResponseWriter, r *http.Request) {
	f, err := householdFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	items, err := s.Registry.FindHouseholds(r.Context(), scopeOf(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[registry.HouseholdSummary]{Items: items}
	if n := len(items); n > 0 && n == limitOf(f.Limit, 50, 500) {
		out.Next = &items[n-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

func limitOf(n, def, max int) int {
	switch {
	case n <= 0:
		return def
	case n > max:
		return max
	}
	return n
}

func (s *Server) apiHousehold(w http.ResponseWriter, r *http.Request) {
	h, err := s.household(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h)
}

// household reads the household of the {id} path value, masked unless
// revealed (and then audited).
func (s *Server) household(r *http.Request) (*registry.Household, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	show, err := reveal(r)
	if err != nil {
		return nil, err
	}
	h, err := s.Registry.Household(r.Context(), scopeOf(r), id)
	if err != nil {
		return nil, err
	}
	if show {
		return h, s.auditReveal(r, "household", h.ID, h.RegionCode)
	}
	maskHousehold(h)
	return h, nil
}

func (s *Server) apiCreateHousehold(w http.ResponseWriter, r *http.Request) {
	var h registry.Household
	if err := decode(r, &h); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Registry.CreateHousehold(r.Context(), scopeOf(r), &h); err != nil {
		s.writeError(w, r, err)
		return
	}
	maskHousehold(&h)
	w.Header().Set("Location", fmt.Sprintf("/api/v1/households/%d", h.ID))
	writeJSON(w, http.StatusCreated, h)
}

func (s *Server) apiUpdateHousehold(w http.ResponseWriter, r *http.Request) {
	withBody(s, w, r, http.StatusOK, func(id int64, h *registry.Household) (any, error) {
		h.ID = id
		if h.Version == 0 {
			return nil, apperr.Fieldf("version", "send the version you read, so a concurrent change is not overwritten")
		}
		if err := s.Registry.UpdateHousehold(r.Context(), scopeOf(r), h); err != nil {
			return nil, err
		}
		maskHousehold(h)
		return h, nil
	})
}

func (s *Server) apiHouseholdAt(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	at := civil.Today()
	if v := r.URL.Query().Get("at"); v != "" {
		if at, err = civil.ParseDate(v); err != nil {
			s.writeError(w, r, apperr.Fieldf("at", "%s", err.Error()))
			return
		}
	}
	snap, err := s.Registry.HouseholdAt(r.Context(), scopeOf(r), id, at)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	maskHousehold(&snap.Household)
	writeJSON(w, http.StatusOK, snap)
}

// answer writes v with status, or err.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// byID answers with what fn returns for the {id} path value.
func (s *Server) byID(w http.ResponseWriter, r *http.Request, fn func(id int64) (any, error)) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := fn(id)
	s.answer(w, r, http.StatusOK, v, err)
}

// withBody decodes the JSON body into a T and answers with status and what
// fn returns for the {id} path value and the body.
func withBody[T any](s *Server, w http.ResponseWriter, r *http.Request, status int, fn func(id int64, v *T) (any, error)) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var v T
	if err := decode(r, &v); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := fn(id, &v)
	s.answer(w, r, status, out, err)
}

// items wraps a list as {"items": [...]}.
func items[T any](list []T, err error) (any, error) {
	return map[string]any{"items": list}, err
}

func (s *Server) apiHouseholdHistory(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) { return items(s.Registry.Versions(r.Context(), scopeOf(r), id)) })
}

func (s *Server) apiAddMember(w http.ResponseWriter, r *http.Request) {
	withBody(s, w, r, http.StatusCreated, func(id int64, m *registry.Member) (any, error) {
		err := s.Registry.AddMember(r.Context(), scopeOf(r), id, m)
		maskPerson(&m.Person)
		return m, err
	})
}

// endRequest ends a membership or an asset.
type endRequest struct {
	On     civil.Date `json:"on"`
	Reason string     `json:"reason"`
}

func (s *Server) apiEndMember(w http.ResponseWriter, r *http.Request) {
	withBody(s, w, r, http.StatusOK, func(id int64, req *endRequest) (any, error) {
		if strings.TrimSpace(req.Reason) == "" {
			return nil, apperr.Fieldf("reason", "say why the member left")
		}
		err := s.Registry.EndMember(r.Context(), scopeOf(r), id, req.On, req.Reason)
		return map[string]any{"id": id, "left_on": req.On}, err
	})
}

func (s *Server) apiIncomes(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) { return items(s.Registry.Incomes(r.Context(), scopeOf(r), id)) })
}

func (s *Server) apiAddIncome(w http.ResponseWriter, r *http.Request) {
	withBody(s, w, r, http.StatusCreated, func(id int64, in *registry.Income) (any, error) {
		in.HouseholdID = id
		return in, s.Registry.AddIncome(r.Context(), scopeOf(r), in)
	})
}

func (s *Server) apiAssets(w http.ResponseWriter, r *http.Request) {
	s.byID(w, r, func(id int64) (any, error) { return items(s.Registry.Assets(r.Context(), scopeOf(r), id)) })
}

func (s *Server) apiAddAsset(w http.ResponseWriter, r *http.Request) {
	withBody(s, w, r, http.StatusCreated, func(id int64, a *registry.Asset) (any, error) {
		a.HouseholdID = id
		return a, s.Registry.AddAsset(r.Context(), scopeOf(r), a)
	})
}

func (s *Server) apiEndAsset(w http.ResponseWriter, r *http.Request) {
	withBody(s, w, r, http.StatusOK, func(id int64, req *endRequest) (any, error) {
		err := s.Registry.EndAsset(r.Context(), scopeOf(r), id, req.On)
		return map[string]any{"id": id, "valid_to": req.On}, err
	})
}

func (s *Server) apiPersons(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := registry.PersonFilter{Region: shortCode(q.Get("region")), Name: strings.TrimSpace(q.Get("name")), IDNumber: strings.TrimSpace(q.Get("id_number"))}
	after, lim, err := pageParams(r, "after")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f.After, f.Limit = after, lim
	items, err := s.Registry.FindPersons(r.Context(), scopeOf(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for i := range items {
		maskPerson(&items[i].Person)
	}
	out := page[registry.PersonSummary]{Items: items}
	if n := len(items); n > 0 && n == limitOf(f.Limit, 50, 500) {
		out.Next = &items[n-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	show, err := reveal(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.Registry.Person(r.Context(), scopeOf(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if show {
		if err := s.auditReveal(r, "person", p.ID, principalOf(r).Region); err != nil {
			s.writeError(w, r, err)
			return
		}
	} else {
		maskPerson(p)
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiUpdatePerson(w http.ResponseWriter, r *http.Request) {
	withBody(s, w, r, http.StatusOK, func(id int64, p *registry.Person) (any, error) {
		p.ID = id
		if p.Version == 0 {
			return nil, apperr.Fieldf("version", "send the version you read, so a concurrent change is not overwritten")
		}
		if err := s.Registry.UpdatePerson(r.Context(), scopeOf(r), p); err != nil {
			return nil, err
		}
		maskPerson(p)
		return p, nil
	})
}

// shortCode turns a padded region code ("440100") into the table's short
// form ("4401"); unknown codes pass through and match nothing.
func shortCode(code string) string {
	if r, ok := region.Embedded().Resolve(code); ok {
		return r.Code
	}
	return code
}
