package web

import (
	"context"
	"net/http"

	"safetynet/internal/apperr"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
)

// What the runs over a region (verification runs, monitoring runs) share:
// they go on in the background, tracked with the imports so that a server
// stopping waits for them, and the API starts them the same way.

// startInBackground runs job in the background, with ctx's values but not
// its cancellation (the request ends before the job does), and returns the
// job once begun: what job passes to started, or the error it ends with
// before that. An unexpected error after the start is logged as what, with
// attrs.
func startInBackground[R any](s *Server, ctx context.Context, what string, attrs []any, job func(ctx context.Context, started func(*R)) error) (*R, error) {
	started := make(chan R, 1)
	failed := make(chan error, 1)
	bg := context.WithoutCancel(ctx)
	s.imports.wg.Add(1)
	go func() {
		defer s.imports.wg.Done()
		if err := job(bg, func(run *R) { started <- *run }); err != nil {
			select {
			case failed <- err:
			default:
			}
			if apperr.As(err) == nil {
				s.Log.Error(what, append(attrs, "err", err)...)
			}
		}
	}()
	select {
	case run := <-started:
		return &run, nil
	case err := <-failed:
		return nil, err
	}
}

// apiStartRegionRun answers a POST that starts a run over a region: it
// reads a runRequest (the day defaults to today), starts the run and
// answers with its view, 202 while it goes on, 200 when it was done
// already (view's again).
func apiStartRegionRun[R any](s *Server, w http.ResponseWriter, r *http.Request,
	start func(r *http.Request, code string, day civil.Date) (*R, error), view func(*R) (v any, again bool)) {
	var req runRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.AsOf.IsZero() {
		req.AsOf = s.today()
	}
	run, err := start(r, req.Region, req.AsOf)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, again := view(run)
	status := http.StatusAccepted
	if again {
		status = http.StatusOK
	}
	writeJSON(w, status, v)
}

// regionRunFields are the fields of the form that starts a run over a
// region: the region, a list of the user's where runRegionOptions gives
// one, and the day, labelled dayLabel. Without vals they show the user's
// region and today.
func (s *Server) regionRunFields(l lang, p *auth.Principal, vals map[string]string, errs formErrors, dayLabel string) (reg, day formField) {
	if vals == nil {
		vals = map[string]string{"region": p.Region, "as_of": s.today().String()}
	}
	reg = formField{Name: "region", Label: l.T("Region"), Value: vals["region"], Required: true, Error: errs.take("region"),
		Hint: l.T("A county, or one of its townships")}
	if opts := s.runRegionOptions(p); len(opts) > 0 {
		reg.Kind, reg.Groups = "select", []optGroup{{Options: opts}}
	}
	day = formField{Name: "as_of", Label: dayLabel, Kind: "date", Value: vals["as_of"], Required: true, Error: errs.take("as_of")}
	return reg, day
}
