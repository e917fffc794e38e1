package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCSVCurrent regenerates holidays.csv from holidays.md, where the
// checkout has it beside the module, and compares it with the embedded one.
func TestCSVCurrent(t *testing.T) {
	md := "../../../../../shared/policy/holidays.md"
	if _, err := os.Stat(md); err != nil {
		t.Skipf("no %s here: %v", md, err)
	}
	out := filepath.Join(t.TempDir(), "holidays.csv")
	if err := run(md, out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("../../holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("internal/calendar/holidays.csv is not what holidays.md gives: regenerate it (see embed.go)")
	}
}
