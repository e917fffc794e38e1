package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// progress draws a long job's progress on stderr: a bar and a line
// rewritten at most ten times a second on a terminal, elsewhere (a log, a
// CI run) a line at every tenth of the work.
type progress struct {
	w      *os.File
	tty    bool
	off    bool
	start  time.Time
	last   time.Time
	tenths int64
}

func newProgress(w *os.File, off bool) *progress {
	st, err := w.Stat()
	return &progress{w: w, tty: err == nil && st.Mode()&os.ModeCharDevice != 0, off: off, start: time.Now()}
}

// rate is n per second since the start.
func (p *progress) rate(n int64) float64 {
	return float64(n) / max(time.Since(p.start).Seconds(), 1e-3)
}

// show draws the share done (0 to 1) and line.
func (p *progress) show(frac float64, line string) {
	if p.off {
		return
	}
	if !p.tty {
		if t := int64(frac * 10); t > p.tenths {
			p.tenths = t
			fmt.Fprintf(p.w, "%3.0f%%  %s\n", frac*100, line)
		}
		return
	}
	if time.Since(p.last) < 100*time.Millisecond && frac < 1 {
		return
	}
	p.last = time.Now()
	const width = 30
	n := min(width, max(0, int(frac*width)))
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%%  %s ", strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100, line)
}

// done ends the rewritten line.
func (p *progress) done() {
	if p.tty && !p.off && !p.last.IsZero() {
		fmt.Fprintln(p.w)
	}
}
