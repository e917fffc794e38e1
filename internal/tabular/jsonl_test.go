package tabular

import (
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestJSONL(t *testing.T) {
	cols := []string{"name", "amount", "ok", "note"}
	tests := []struct {
		name, in string
		want     []row
	}{
		{"Values", `{"name":"张伟","amount":1234.5,"ok":true,"note":null}` + "\n",
			[]row{{1, []string{"张伟", "1234.5", "true", ""}}}},
		{"MissingKeys", `{"name":"a"}` + "\n" + `{"ok":false}` + "\n",
			[]row{{1, []string{"a", "", "", ""}}, {2, []string{"", "", "false", ""}}}},
		{"NumbersAsWritten", `{"amount":1e3}` + "\n" + `{"amount":-0.10}` + "\n" + `{"amount":440103197003050131}`,
			[]row{{1, []string{"", "1e3", "", ""}}, {2, []string{"", "-0.10", "", ""}}, {3, []string{"", "440103197003050131", "", ""}}}},
		{"Escapes", `{"name":"a\"b\\c\u5f20","n\u006fte":"x\ny"}`,
			[]row{{1, []string{"a\"b\\c张", "", "", "x\ny"}}}},
		{"Nested", `{"note":{"a":[1,"]}"],"b":{}},"name":[1, 2],"amount":"}"}`,
			[]row{{1, []string{"[1, 2]", "}", "", `{"a":[1,"]}"],"b":{}}`}}}},
		{"OtherKeysAndSpace", ` { "x" : 1 , "name" : "a" , "y" : [ ] } `,
			[]row{{1, []string{"a", "", "", ""}}}},
		{"LastOfTwice", `{"name":"a","name":"b"}`, []row{{1, []string{"b", "", "", ""}}}},
		{"BlankLinesCount", "\n" + `{"name":"a"}` + "\r\n  \r\n\n" + `{"name":"b"}` + "\n\n",
			[]row{{2, []string{"a", "", "", ""}}, {5, []string{"b", "", "", ""}}}},
		{"BOM", "\ufeff" + `{"name":"a"}`, []row{{1, []string{"a", "", "", ""}}}},
		{"Empty", "", nil},
		{"OnlyBlank", "\n \n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewJSONL(strings.NewReader(tt.in), cols)
			got, err := readAll(s)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !slices.EqualFunc(got, tt.want, rowEqual) {
				t.Errorf("rows: got %v, want %v", got, tt.want)
			}
			if h := s.Header(); !slices.Equal(h, cols) {
				t.Errorf("header: got %q, want %q", h, cols)
			}
		})
	}
}

func TestJSONLBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"a":"1"}`,
		`{"a":"2"`, // cut off
		``,
		`[1,2]`, // not an object
		`{"a":"5"} {"a":"x"}`,
		`"a"`,
		`{"a":"7"}`,
	}, "\n")
	s := NewJSONL(strings.NewReader(in), []string{"a"})
	type result struct {
		row  int
		a    string
		line int // of a *SyntaxError
	}
	var got []result
	for {
		n, cells, err := s.Next()
		if err == io.EOF {
			break
		}
		var se *SyntaxError
		switch {
		case errors.As(err, &se):
			got = append(got, result{line: se.Line})
		case err != nil:
			t.Fatalf("got error %v, want only syntax errors", err)
		default:
			got = append(got, result{row: n, a: cells[0]})
		}
	}
	want := []result{{1, "1", 0}, {0, "", 2}, {0, "", 4}, {0, "", 5}, {0, "", 6}, {7, "7", 0}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestJSONLSyntaxErrorText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{}\n[1]", "line 2: " + ErrNotObject.Error()},
		{"{\"a\":}", "line 1: invalid character '}' looking for beginning of value"},
	}
	for _, tt := range tests {
		s := NewJSONL(strings.NewReader(tt.in), nil)
		var err error
		for err == nil {
			_, _, err = s.Next()
		}
		if err.Error() != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, err, tt.want)
		}
	}
}

func TestJSONLLongLine(t *testing.T) {
	long := strings.Repeat("长", 100<<10/3) // 100 KiB
	in := `{"a":"x"}` + "\n" + `{"b":1,"a":"` + long + `"}` + "\n" + `{"a":"y"}`
	got, err := readAll(NewJSONL(strings.NewReader(in), []string{"a"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{1, []string{"x"}}, {2, []string{long}}, {3, []string{"y"}}}
	if !slices.EqualFunc(got, want, rowEqual) {
		t.Errorf("rows: got %d, want %d (the long one of %d bytes)", len(got), len(want), len(long))
	}
	// A long line without a line end, last.
	got, err = readAll(NewJSONL(strings.NewReader(`{"a":"`+long+`"}`), []string{"a"}))
	if err != nil || len(got) != 1 || got[0].cells[0] != long {
		t.Errorf("last long line: got %d rows (%v), want 1", len(got), err)
	}
}

func TestJSONLAuto(t *testing.T) {
	in := "\n" + `{"z":1,"a":"x","m":null,"a":"y"}` + "\n" + `{"m":"3","a":"b","new":1}`
	s, err := NewJSONLAuto(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Header(), []string{"z", "a", "m"}; !slices.Equal(got, want) {
		t.Errorf("header: got %q, want %q", got, want)
	}
	got, err := readAll(s)
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{2, []string{"1", "y", ""}}, {3, []string{"", "b", "3"}}}
	if !slices.EqualFunc(got, want, rowEqual) {
		t.Errorf("rows: got %v, want %v", got, want)
	}
}

func TestJSONLAutoErrors(t *testing.T) {
	_, err := NewJSONLAuto(strings.NewReader("\n\n[1]\n{}"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 3 {
		t.Errorf("not an object: got %v, want a *SyntaxError on line 3", err)
	}
	s, err := NewJSONLAuto(strings.NewReader("\n"))
	if err != nil {
		t.Fatalf("empty: got %v, want no error", err)
	}
	if _, _, err := s.Next(); err != io.EOF || len(s.Header()) != 0 {
		t.Errorf("empty: got header %q and %v, want none and io.EOF", s.Header(), err)
	}
}

// TestJSONLMatchesEncodingJSON checks the cells against encoding/json's
// reading of the same objects.
func TestJSONLMatchesEncodingJSON(t *testing.T) {
	lines := []string{
		`{"a":"\u00e9\ud83d\ude00\t","b":0.5e-3,"c":[{"d":"\\"}]}`,
		`{"c":"","b":"a,b","a":false}`,
		`{"b" :  "  x  "  ,"a":  -12}`,
	}
	cols := []string{"a", "b", "c"}
	s := NewJSONL(strings.NewReader(strings.Join(lines, "\n")), cols)
	for i, l := range lines {
		_, cells, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		for j, c := range cols {
			want := string(m[c])
			var str string
			if json.Unmarshal(m[c], &str) == nil {
				want = str
			}
			if cells[j] != want {
				t.Errorf("line %d, %s: got %q, want %q", i+1, c, cells[j], want)
			}
		}
	}
}
