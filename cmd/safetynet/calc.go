package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// runCalc is `safetynet calc`: one program's verdict, amount and explanation
// for a household described in a JSON or YAML file (docs/rules.md).
func runCalc(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("calc", flag.ContinueOnError)
	program := fs.String("program", "dibao", "the program: dibao, tekun, marginal, rigid_expense, linshi, price_subsidy, disability_subsidy, orphan_allowance")
	regionCode := fs.String("region", "", "the household's county or lower region code (overrides the file's region)")
	month := fs.String("month", civil.Today().MonthOf().String(), "the month calculated, YYYY-MM")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	lang := fs.String("lang", "zh", "language of the explanation: zh or en")
	paramsFile := fs.String("params", "", "a parameter file (YAML, as internal/policy/params) whose values are added to the shipped ones")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("give one household file: safetynet calc --program dibao --region 110101 --month 2025-06 household.json")
	}
	p, err := policy.ParseProgram(*program)
	if err != nil {
		return err
	}
	m, err := civil.ParseMonth(*month)
	if err != nil {
		return fmt.Errorf("--month: %v", err)
	}
	set, err := policy.Shipped()
	if err != nil {
		return err
	}
	if *paramsFile != "" {
		f, err := os.Open(*paramsFile)
		if err != nil {
			return err
		}
		ps, err := policy.ReadParams(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *paramsFile, err)
		}
		set = set.Clone()
		for i, q := range ps {
			if err := set.Add(q); err != nil {
				return fmt.Errorf("%s: value %d: %w", *paramsFile, i+1, err)
			}
		}
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	var hs []policy.Household
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' || bytes.HasPrefix(t, []byte("- ")) {
		err = policy.ReadYAML(bytes.NewReader(b), &hs)
	} else {
		var h policy.Household
		err = policy.ReadYAML(bytes.NewReader(b), &h)
		hs = []policy.Household{h}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	var results []*policy.Result
	for i := range hs {
		h := &hs[i]
		if *regionCode != "" {
			h.Region = *regionCode
		}
		if _, ok := region.Embedded().Resolve(h.Region); !ok && h.Region != "" {
			return fmt.Errorf("region %s is not a known region code", h.Region)
		}
		res, err := policy.Calculate(set, p, h, m)
		if err != nil {
			if e := apperr.As(err); e != nil && len(hs) > 1 {
				return fmt.Errorf("household %d: %w", i+1, e)
			}
			return err
		}
		results = append(results, res)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if len(results) == 1 {
			return enc.Encode(results[0])
		}
		return enc.Encode(results)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Println()
		}
		fmt.Print(r.Render(*lang))
	}
	return nil
}
