package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"safetynet/internal/calendar"
	"safetynet/internal/civil"
	"safetynet/internal/region"
	"safetynet/internal/store"
)

// regionRunArgs reads what a run over a region (monitor, verify) is given:
// the --region, resolved, and the --as-of day (today when not given). verb
// names the run in the message when no region is given.
func regionRunArgs(fs *flag.FlagSet, code, asOf, verb string) (region.Region, civil.Date, error) {
	if code == "" || fs.NArg() != 0 {
		fs.Usage()
		return region.Region{}, civil.Date{}, errors.New("name the --region to " + verb)
	}
	r, ok := region.Embedded().Resolve(code)
	if !ok {
		return region.Region{}, civil.Date{}, fmt.Errorf("--region %s is not a known region code", code)
	}
	day := civil.Today()
	if asOf != "" {
		var err error
		if day, err = civil.ParseDate(asOf); err != nil {
			return region.Region{}, civil.Date{}, fmt.Errorf("--as-of: %v", err)
		}
	}
	return r, day, nil
}

// openKeyedApp opens the app as openApp does, and refuses without a key:
// a run over a region matches the departments' data by ID number.
func openKeyedApp(ctx context.Context, cfg config) (*app, error) {
	a, err := openApp(ctx, cfg, false)
	if err != nil {
		return nil, err
	}
	if a.keys == nil {
		a.Close()
		return nil, errors.New("a key file is needed to match the ID numbers (--key-file or SAFETYNET_KEY_FILE)")
	}
	return a, nil
}

// storeCalendar is the embedded calendar with the working days and
// holidays set in the store.
func storeCalendar(ctx context.Context, db *store.DB) (*calendar.Calendar, error) {
	days, err := db.CalendarDays(ctx)
	if err != nil {
		return nil, err
	}
	return calendar.Embedded().With(days)
}
