package web

import (
	"fmt"
	"net/http"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

// calcRequest asks for one or more programs' verdicts for registered
// households (household_id) or households described inline.
type calcRequest struct {
	// Programs to calculate; empty means every program.
	Programs []string    `json:"programs,omitempty"`
	Month    civil.Month `json:"month"`
	// HouseholdID calculates a registered household as it stood at the end
	// of the month (within the caller's jurisdiction).
	HouseholdID int64              `json:"household_id,omitempty"`
	Household   *policy.Household  `json:"household,omitempty"`
	Households  []policy.Household `json:"households,omitempty"`
}

type calcItem struct {
	Index   int            `json:"index"`
	Program policy.Program `json:"program"`
	Result  *policy.Result `json:"result,omitempty"`
	Error   *errorJSON     `json:"error,omitempty"`
}

type calcResponse struct {
	Results []calcItem `json:"results"`
}

// maxCalcHouseholds bounds one request; larger runs are batch jobs.
const maxCalcHouseholds = 1000

// apiCalculate runs the calculators. Each household and program gets its own
// result or error (a missing parameter of one program does not hide the
// others' results).
func (s *Server) apiCalculate(w http.ResponseWriter, r *http.Request) {
	var req calcRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.calculate(r, &req)
	s.answer(w, r, http.StatusOK, res, err)
}

func (s *Server) calculate(r *http.Request, req *calcRequest) (*calcResponse, error) {
	if req.Month.IsZero() {
		req.Month = civil.Today().MonthOf()
	}
	programs := policy.Programs
	if len(req.Programs) > 0 {
		programs = nil
		for i, p := range req.Programs {
			prog, err := policy.ParseProgram(p)
			if err != nil {
				return nil, apperr.Prefix(fmt.Sprintf("programs[%d]", i), err)
			}
			programs = append(programs, prog)
		}
	}
	hs := req.Households
	if req.Household != nil {
		hs = append([]policy.Household{*req.Household}, hs...)
	}
	if req.HouseholdID != 0 {
		snap, err := s.Registry.HouseholdAt(r.Context(), scopeOf(r), req.HouseholdID, req.Month.Last())
		if err != nil {
			return nil, err
		}
		hs = append([]policy.Household{*policy.FromSnapshot(snap, req.Month)}, hs...)
	}
	if len(hs) == 0 {
		return nil, apperr.Fieldf("households", "give household_id, household or households")
	}
	if len(hs) > maxCalcHouseholds {
		return nil, apperr.Fieldf("households", "at most %d households per request; run larger sets as a batch", maxCalcHouseholds)
	}
	set, err := s.paramSet(r.Context())
	if err != nil {
		return nil, err
	}
	out := &calcResponse{Results: []calcItem{}}
	for i := range hs {
		for _, p := range programs {
			h := hs[i]
			h.Members = append([]policy.Member(nil), hs[i].Members...)
			item := calcItem{Index: i, Program: p}
			res, err := policy.Calculate(set, p, &h, req.Month)
			if err != nil {
				e := apperr.As(err)
				if e == nil {
					return nil, err
				}
				_, body := s.publicError(r, e)
				item.Error = &body
			} else {
				item.Result = res
			}
			out.Results = append(out.Results, item)
		}
	}
	return out, nil
}
