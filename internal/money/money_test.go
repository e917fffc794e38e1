package money

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Fen
		ok   bool
	}{
		{"OK whole", "1234", 123400, true},
		{"OK one decimal", "1234.5", 123450, true},
		{"OK two decimals", "0.05", 5, true},
		{"OK thousands separators", "1,234.50", 123450, true},
		{"OK yuan sign and spaces", " ¥12.30 ", 1230, true},
		{"OK negative", "-3.2", -320, true},
		{"OK leading dot", ".5", 50, true},
		{"ErrThreeDecimals", "1.234", 0, false},
		{"ErrEmpty", "", 0, false},
		{"ErrLetters", "12a", 0, false},
		{"ErrOnlyDot", ".", 0, false},
		{"ErrTooLarge", "1234567890123456", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("Parse(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestString(t *testing.T) {
	for in, want := range map[Fen]string{0: "0.00", 5: "0.05", -5: "-0.05", 123450: "1234.50", Yuan(7): "7.00"} {
		if got := in.String(); got != want {
			t.Errorf("Fen(%d).String() = %q, want %q", int64(in), got, want)
		}
	}
}
