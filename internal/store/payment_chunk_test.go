package store

import (
	"encoding/json"
	"testing"

	"safetynet/internal/civil"
	"safetynet/internal/money"
	"safetynet/internal/payment"
)

// TestAppendExplanation checks the payroll lines' explanation encoder
// against encoding/json.
func TestAppendExplanation(t *testing.T) {
	d := civil.Date{Year: 2024, Month: 12, Day: 20}
	m, m2 := civil.Month{Year: 2025, Month: 1}, civil.Month{Year: 2025, Month: 6}
	for _, ex := range []payment.Explanation{
		{},
		{Reason: payment.BecauseDecided, DecisionID: 12345, DecidedOn: d, Since: m},
		{Reason: payment.BecauseDecided, DecidedOn: civil.Date{Year: 2025, Month: 3, Day: 5}},
		{Reason: payment.BecauseBackPay, DecisionID: 7, DecidedOn: d, Since: m, From: m, To: m2, Monthly: 30000},
		{Reason: payment.BecauseRecomputed, Since: m, Monthly: 29000, Decided: -30000},
		{Reason: payment.BecauseRecomputed, Monthly: 1, Rules: json.RawMessage(`{"verdict": "eligible"}`)},
		{Reason: payment.BecauseAdjustment, Note: "多付 <退回> \"x\" & y\n", From: m},
		{Reason: "a<b", DecisionID: -1},
		{Reason: payment.BecauseDecided, Since: civil.Month{Year: 12025, Month: 1}},
		{Reason: payment.BecauseDecided, Monthly: money.Fen(-5)},
	} {
		want, err := json.Marshal(&ex)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendExplanation([]byte("x"), &ex)
		if err != nil || string(got) != "x"+string(want) {
			t.Errorf("%+v:\n got %s, %v\nwant x%s", ex, got, err, want)
		}
	}
}
