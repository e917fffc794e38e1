// Command mkcsv writes internal/calendar/holidays.csv from holidays.md, the
// State Council's holiday notices transcribed day by day (one "## YYYY"
// section a notice, its "依据：" line naming the notice, and a table of
// | date | kind | name | rows).
//
// It refuses a file whose tables disagree with their own sections' totals
// ("共 N 个放假日、M 个调休上班日") or whose days calendar.Check rejects, so
// a slip in the transcription stops here and not in a deadline.
//
// Usage, from the module root:
//
//	go run ./internal/calendar/internal/mkcsv -in ../shared/policy/holidays.md -out internal/calendar/holidays.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"

	"safetynet/internal/calendar"
	"safetynet/internal/civil"
)

var (
	section = regexp.MustCompile(`^## (\d{4})\s*$`)
	basis   = regexp.MustCompile(`^依据：(.+?)。`)
	totals  = regexp.MustCompile(`共 (\d+) 个放假日、(\d+) 个调休上班日`)
	row     = regexp.MustCompile(`^\|\s*(\d{4}-\d{2}-\d{2})\s*\|\s*(\w+)\s*\|\s*([^|]+?)\s*\|\s*$`)
)

func main() {
	in := flag.String("in", "../shared/policy/holidays.md", "the notices, transcribed")
	out := flag.String("out", "internal/calendar/holidays.csv", "the CSV to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mkcsv:", err)
		os.Exit(1)
	}
}

// notice is one year's section as read.
type notice struct {
	year, line         int
	source             string
	holidays, workdays int // as the section states
	nHoliday, nWorkday int // as its table has
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var days []calendar.Day
	var notices []*notice
	var cur *notice
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if m := section.FindStringSubmatch(line); m != nil {
			y, _ := strconv.Atoi(m[1])
			cur = &notice{year: y, line: n}
			notices = append(notices, cur)
			continue
		}
		if cur == nil {
			continue
		}
		if m := basis.FindStringSubmatch(line); m != nil {
			cur.source = m[1]
		}
		if m := totals.FindStringSubmatch(line); m != nil {
			cur.holidays, _ = strconv.Atoi(m[1])
			cur.workdays, _ = strconv.Atoi(m[2])
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		d, err := civil.ParseDate(m[1])
		if err != nil {
			return fmt.Errorf("%s:%d: %v", in, n, err)
		}
		if cur.source == "" {
			return fmt.Errorf("%s:%d: a day of %d before the section's 依据 line", in, n, cur.year)
		}
		day := calendar.Day{Date: d, Kind: calendar.Kind(m[2]), Name: m[3], Source: cur.source}
		switch day.Kind {
		case calendar.Holiday:
			cur.nHoliday++
		case calendar.Workday:
			cur.nWorkday++
		}
		days = append(days, day)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for _, nt := range notices {
		if nt.nHoliday != nt.holidays || nt.nWorkday != nt.workdays {
			return fmt.Errorf("%s:%d: %d states %d days off and %d make-up working days, its table has %d and %d",
				in, nt.line, nt.year, nt.holidays, nt.workdays, nt.nHoliday, nt.nWorkday)
		}
	}
	if err := calendar.Check(days); err != nil {
		return err
	}
	b, err := calendar.WriteCSV(days)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "mkcsv: %d notices, %d days\n", len(notices), len(days))
	return os.WriteFile(out, b, 0o644)
}
