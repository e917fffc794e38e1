package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/internal/bench"
	"safetynet/internal/region"
)

// inDir runs the test in a fresh working directory, as a new user would.
func inDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	old, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(old) })
	for _, v := range []string{"SAFETYNET_DB", "SAFETYNET_KEY_FILE", "SAFETYNET_ADDR"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	return dir
}

func TestCommands(t *testing.T) {
	dir := inDir(t)
	ctx := context.Background()
	run := func(f func(context.Context, []string) error, args ...string) error {
		t.Helper()
		return f(ctx, args)
	}
	if err := run(runDemo, "--load-only"); err != nil {
		t.Fatalf("demo: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, "safetynet.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v, want 0600", err, info.Mode())
	}
	// A second run loads nothing twice.
	if err := run(runDemo, "--load-only"); err != nil {
		t.Fatalf("demo again: %v", err)
	}
	a, err := openApp(ctx, config{DB: "safetynet.db", KeyFile: "safetynet.key"}, false)
	if err != nil {
		t.Fatal(err)
	}
	users, _ := a.db.Users(ctx, "")
	a.Close()
	if len(users) != len(demoUsers()) {
		t.Fatalf("got %d users after two demo runs, want %d", len(users), len(demoUsers()))
	}
	if err := run(runAudit, "verify"); err != nil {
		t.Fatalf("audit verify: %v", err)
	}

	// Without the key the store refuses to open.
	if _, err := openApp(ctx, config{DB: "safetynet.db"}, false); err == nil || !strings.Contains(err.Error(), "SAFETYNET_KEY_FILE") {
		t.Fatalf("open without key: got %v", err)
	}

	t.Setenv("SAFETYNET_KEY_FILE", "safetynet.key")
	t.Setenv("SAFETYNET_PASSWORD", "a very long password")
	if err := run(runUser, "add", "--username", "li", "--role", "township_caseworker", "--region", "440103001", "--name", "李"); err != nil {
		t.Fatalf("user add: %v", err)
	}
	if err := run(runUser, "add", "--username", "bad", "--role", "emperor", "--region", "440103"); err == nil {
		t.Fatal("user add with an unknown role succeeded")
	}
	if err := run(runUser, "token", "--username", "li", "--name", "test"); err != nil {
		t.Fatalf("user token: %v", err)
	}
	if err := run(runUser, "disable", "--username", "li"); err != nil {
		t.Fatalf("user disable: %v", err)
	}

	// Villages: one good row, one whose township does not exist.
	town := region.Embedded().Children("440103")[0].Code
	csv := "code,name,parent\n" + town + "901,测试村," + town + "\n440103999901,无主村,440103999\n"
	os.WriteFile("villages.csv", []byte(csv), 0o644)
	err = run(runRegion, "import", "villages.csv")
	if err == nil || !strings.Contains(err.Error(), "1 rows were not imported") {
		t.Fatalf("region import: got %v, want the bad row reported", err)
	}
	if _, ok := region.Embedded().Get(town + "901"); !ok {
		t.Fatal("the good village was not loaded")
	}

	if err := run(runBackup, "backup.db"); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err := run(runBackup, "backup.db"); err == nil {
		t.Fatal("backup over an existing file succeeded")
	}
	if err := run(runAudit, "verify", "--db", "backup.db"); err != nil {
		t.Fatalf("audit verify of the backup: %v", err)
	}

	if err := run(runGen, "--region", "440104", "--households", "50", "--out", "gen"); err != nil {
		t.Fatalf("gen: %v", err)
	}
	if err := run(runImport, "registry", "gen"); err != nil {
		t.Fatalf("import: %v", err)
	}
	if err := run(runImport, "registry", "gen"); err != nil {
		t.Fatalf("import again: %v", err)
	}
	if err := run(runGen, "--region", "999999", "--households", "5", "--out", "x"); err == nil {
		t.Fatal("gen for an unknown region succeeded")
	}
}

func TestBenchCommand(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{{"--b1", "x"}, {"--b1", "0"}, {"--runs", "0"}, {"extra"}} {
		if err := runBench(ctx, args); err == nil {
			t.Errorf("bench %v: no error", args)
		}
	}
	var b strings.Builder
	r, err := bench.B1(2000, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	printBench(&b, []bench.Result{r})
	if out := b.String(); !strings.Contains(out, "Dibao for 2000 households") || !strings.Contains(out, "counties") {
		t.Fatalf("table:\n%s", out)
	}
}
