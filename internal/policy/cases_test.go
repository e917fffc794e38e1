package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCases runs every case under testdata/cases against the shipped
// parameters.
func TestCases(t *testing.T) {
	base, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/cases/*.yaml")
	total := 0
	programs := map[Program]int{}
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
			total++
			programs[c.Program]++
			t.Run(filepath.Base(file)+"/"+c.Name, func(t *testing.T) {
				for _, d := range c.Run(base) {
					t.Error(d)
				}
			})
		}
	}
	if total < 80 {
		t.Errorf("%d cases, want at least 80", total)
	}
	for _, p := range Programs {
		if programs[p] == 0 {
			t.Errorf("no case for %s", p)
		}
	}
}
