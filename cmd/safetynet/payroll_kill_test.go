package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"safetynet/internal/civil"
	"safetynet/internal/payment"
	"safetynet/internal/registry"
)

// TestPayrollChild is the process the kill test starts and kills: the
// test binary running `safetynet payroll generate` with the arguments in
// SAFETYNET_PAYROLL_CHILD (tab-separated).
func TestPayrollChild(t *testing.T) {
	args := os.Getenv("SAFETYNET_PAYROLL_CHILD")
	if args == "" {
		t.Skip("started by TestPayrollKilled only")
	}
	if err := runPayroll(context.Background(), strings.Split(args, "\t")); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(0)
}

// TestPayrollKilled kills `safetynet payroll generate` with SIGKILL after
// its first progress line, runs it again, and checks that there is exactly
// one payroll, with the totals of a clean generation on a copy of the
// store taken before.
func TestPayrollKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := inDir(t)
	ctx := context.Background()
	if err := runKey(ctx, []string{"create", "k.key"}); err != nil {
		t.Fatal(err)
	}
	cfg := config{DB: filepath.Join(dir, "pay.db"), KeyFile: filepath.Join(dir, "k.key")}
	a, err := openApp(ctx, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	const households = 4000
	if err := a.db.SeedPayroll(ctx, "440103", households, civil.Month{Year: 2025, Month: 5}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	copyFile(t, cfg.DB, filepath.Join(dir, "clean.db"))

	args := []string{"generate", "--county", "440103", "--month", "2025-07", "--chunk", "25", "--stale", "1ns",
		"--db", cfg.DB, "--key-file", cfg.KeyFile}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPayrollChild$")
	cmd.Env = append(os.Environ(), "SAFETYNET_PAYROLL_CHILD="+strings.Join(args, "\t"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var seen []string
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.Contains(sc.Text(), "households/s") { // the first progress line
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stderr)
	cmd.Wait()
	if len(seen) == 0 || !strings.Contains(seen[len(seen)-1], "households/s") {
		t.Fatalf("no progress before the kill: %q", seen)
	}

	killed := payrolls(t, cfg)
	if len(killed) != 1 || killed[0].Status != payment.Generating || killed[0].Done == 0 || killed[0].Done >= killed[0].Pending {
		t.Fatalf("after the kill: %+v (want one payroll generating midway)", killed)
	}
	// Again: it resumes (the killed process's heartbeat is older than
	// --stale) and finishes.
	if err := runPayroll(ctx, args); err != nil {
		t.Fatalf("re-run: %v", err)
	}
	got := payrolls(t, cfg)
	// A clean run on the copy.
	if err := runPayroll(ctx, []string{"generate", "--county", "440103", "--month", "2025-07", "--quiet",
		"--db", filepath.Join(dir, "clean.db"), "--key-file", cfg.KeyFile}); err != nil {
		t.Fatal(err)
	}
	want := payrolls(t, config{DB: filepath.Join(dir, "clean.db"), KeyFile: cfg.KeyFile})
	if len(got) != 1 || len(want) != 1 || got[0].Status != payment.Prepared || got[0].Totals() != want[0].Totals() ||
		got[0].Suspended != want[0].Suspended || got[0].Households != households-households/20 {
		t.Fatalf("after the kill and re-run: %+v\nclean: %+v", got, want)
	}
}

func payrolls(t *testing.T, cfg config) []payment.Payroll {
	t.Helper()
	ctx := context.Background()
	a, err := openApp(ctx, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ps, err := a.db.Payrolls(ctx, registry.Scope{}, payment.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(from + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
