package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/store"
)

// cliActor marks changes made from the command line in the audit trail.
func cliActor(ctx context.Context, cmd string) context.Context {
	name := os.Getenv("USER")
	if name == "" {
		name = "operator"
	}
	return audit.WithActor(ctx, audit.Actor{Username: "cli:" + name, Role: "cli", ClientAddr: "local", RequestID: cmd})
}

func openStore(ctx context.Context, cfg config) (*store.DB, error) { return store.Open(ctx, cfg.DB) }

func runUser(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: safetynet user add|list|disable|enable|password|token (see -h of each)")
	}
	sub, args := args[0], args[1:]
	var cfg config
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file", "log-level")
	var username, role, regionCode, name, password, tokenName string
	var partnerID int64
	switch sub {
	case "add":
		fs.StringVar(&username, "username", "", "the sign-in name (lower-case letters, digits, . _ -)")
		fs.StringVar(&role, "role", "", "one of: "+roleList())
		fs.StringVar(&regionCode, "region", "", "the jurisdiction: a region code (\"\" only for national administrators)")
		fs.StringVar(&name, "name", "", "the display name")
		fs.StringVar(&password, "password", "", "the password (at least 10 characters; default: read SAFETYNET_PASSWORD)")
		fs.Int64Var(&partnerID, "partner", 0, "for role partner: the id of the partner (协作单位) the login signs in for; it sees only the referrals sent there")
	case "list":
		fs.StringVar(&regionCode, "region", "", "list users inside this region")
	case "disable", "enable", "password":
		fs.StringVar(&username, "username", "", "the user")
		if sub == "password" {
			fs.StringVar(&password, "password", "", "the new password (default: read SAFETYNET_PASSWORD)")
		}
	case "token":
		fs.StringVar(&username, "username", "", "the user the token acts as")
		fs.StringVar(&tokenName, "name", "", "what uses the token (shown in the audit trail)")
	default:
		return fmt.Errorf("unknown subcommand %q: use add, list, disable, enable, password or token", sub)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx = cliActor(ctx, "user "+sub)
	if password == "" {
		password = os.Getenv("SAFETYNET_PASSWORD")
	}
	switch sub {
	case "add":
		if regionCode != "" {
			r, ok := region.Embedded().Resolve(regionCode)
			if !ok {
				return fmt.Errorf("--region %s is not a known region code", regionCode)
			}
			regionCode = r.Code
		}
		if err := auth.ValidatePassword(password); err != nil {
			return err
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		if (auth.Role(role) == auth.Partner) != (partnerID != 0) {
			return errors.New("a login of role partner needs --partner (the partner's id), and only such a login takes it")
		}
		if partnerID != 0 {
			if _, err := a.db.Partner(ctx, partnerID); err != nil {
				return fmt.Errorf("--partner %d: %w", partnerID, err)
			}
		}
		u := &auth.User{Username: username, DisplayName: name, Role: auth.Role(role), Region: regionCode, PasswordHash: hash}
		if err := a.db.CreateUser(ctx, u); err != nil {
			return err
		}
		if partnerID != 0 {
			if err := a.db.LinkPartnerUser(ctx, u.ID, partnerID); err != nil {
				return err
			}
		}
		fmt.Printf("Added user %s (%s) with jurisdiction %s.\n", u.Username, u.Role, orNation(u.Region))
	case "list":
		users, err := a.db.Users(ctx, regionCode)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tREGION\tSTATUS")
		for _, u := range users {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\n", u.Username, u.DisplayName, u.Role, orNation(u.Region), region.Embedded().FullName(u.Region), status)
		}
		return tw.Flush()
	case "disable", "enable", "password", "token":
		u, err := a.db.UserByUsername(ctx, username)
		if err != nil {
			return fmt.Errorf("no user %q", username)
		}
		switch sub {
		case "disable", "enable":
			if err := a.db.SetDisabled(ctx, u.ID, sub == "disable"); err != nil {
				return err
			}
			fmt.Printf("User %s is now %sd.\n", username, sub)
		case "password":
			if err := auth.ValidatePassword(password); err != nil {
				return err
			}
			hash, err := auth.HashPassword(password)
			if err != nil {
				return err
			}
			if err := a.db.SetPassword(ctx, u.ID, hash); err != nil {
				return err
			}
			fmt.Printf("Changed the password of %s and ended their sessions.\n", username)
		case "token":
			token, err := auth.NewService(a.db).IssueToken(ctx, u.ID, tokenName)
			if err != nil {
				return err
			}
			fmt.Println(token)
			fmt.Fprintln(os.Stderr, "Keep this token secret; it is shown only once. Use it as: Authorization: Bearer <token>")
		}
	}
	return nil
}

func orNation(code string) string {
	if code == "" {
		return "(nation)"
	}
	return code
}

func roleList() string {
	var rs []string
	for _, r := range auth.Roles {
		rs = append(rs, string(r))
	}
	return strings.Join(rs, ", ")
}

func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: safetynet audit verify [--db D]")
	}
	var cfg config
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	cfg.bind(fs, "db")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	n, err := db.VerifyAudit(ctx)
	var broken *audit.Broken
	if errors.As(err, &broken) {
		fmt.Printf("The audit chain is BROKEN: %s. %d rows before it verified.\n", broken.Error(), n)
		return errors.New("audit chain broken")
	}
	if err != nil {
		return err
	}
	fmt.Printf("The audit chain is intact: %d rows verified, the head record matches.\n", n)
	return nil
}

func runRegion(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New("usage: safetynet region import [--db D] FILE")
	}
	var cfg config
	fs := flag.NewFlagSet("region import", flag.ContinueOnError)
	cfg.bind(fs, "db", "key-file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("name one CSV file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, perr := region.ParseCSV(f)
	a, err := openApp(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer a.Close()
	// Add validates parents against the table; keep only what it accepts.
	t := region.Embedded()
	addErr := t.Add(rows)
	var good []region.Region
	for _, r := range rows {
		if got, ok := t.Get(r.Code); ok && got.Name == r.Name {
			good = append(good, r)
		}
	}
	n, err := a.db.SaveRegions(cliActor(ctx, "region import"), good)
	if err != nil {
		return err
	}
	fmt.Printf("Imported %d regions from %s.\n", n, fs.Arg(0))
	bad := 0
	for _, e := range []error{perr, addErr} {
		if e == nil {
			continue
		}
		for _, d := range details(e) {
			fmt.Fprintf(os.Stderr, "  %s: %s\n", d.Field, d.Message)
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d rows were not imported (listed above)", bad)
	}
	return nil
}

func runBackup(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg.bind(fs, "db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("name the backup file to write")
	}
	db, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Printf("Wrote a consistent copy of %s to %s. Keep the key file safe separately: the copy is useless without it, and so is the key without the copy.\n", cfg.DB, fs.Arg(0))
	return nil
}

// details lists the field errors in err, in order.
func details(err error) []*apperr.Error {
	e := apperr.As(err)
	switch {
	case e == nil:
		return []*apperr.Error{{Field: "", Message: err.Error()}}
	case len(e.Details) > 0:
		return e.Details
	}
	return []*apperr.Error{e}
}
