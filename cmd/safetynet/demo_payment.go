package main

import (
	"context"
	"fmt"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
	"safetynet/internal/store"
)

// loadDemoPayroll generates last month's Dibao payroll of the demo county,
// prepared by county and left unapproved, so that county2 (another county
// approver) can approve it: the maker may not be the checker.
func loadDemoPayroll(ctx context.Context, db *store.DB) error {
	u, err := db.UserByUsername(ctx, "county")
	if err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: u.ID, Username: u.Username, Role: string(auth.CountyApprover), RequestID: "demo"})
	set, err := db.ParamSet(ctx)
	if err != nil {
		return err
	}
	month := civil.Today().MonthOf().Add(-1)
	p, _, err := payment.Generate(ctx, db, payment.Options{County: demoCounty, Program: policy.Dibao, Month: month, Params: set})
	if err != nil {
		return err
	}
	fmt.Printf("Demo payroll: %s Dibao for %d households, %s yuan, prepared by county (sign in as county2 to approve it).\n",
		month, p.Households, p.Total)
	return nil
}
