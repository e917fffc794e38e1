package store_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/casework"
	"safetynet/internal/civil"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
)

func TestAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tw, other := townships(t)
		scope := registry.Scope{Region: tw}
		h := household(tw+"001", person("苏一", civil.D(1962, 2, 2)))
		if err := db.CreateHousehold(ctx, scope, h); err != nil {
			t.Fatal(err)
		}
		env := caseEnv(t, casework.Actor{UserID: 1, Username: "tester", Role: auth.TownshipCaseworker, Region: tw}, civil.D(2025, 9, 1))
		c, err := casework.New(casework.Application{Program: policy.Dibao, HouseholdID: h.ID, ApplicantID: h.Members[0].Person.ID,
			Region: tw + "001", County: "440103", Channel: casework.Counter}, env)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateApplication(ctx, scope, c); err != nil {
			t.Fatal(err)
		}
		app := &c.App

		pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
		f, err := casework.NewAttachment(app, "income_statement", `C:\扫描\收入证明.pdf`, pdf, 1<<20, env)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddAttachment(ctx, scope, f); err != nil {
			t.Fatal(err)
		}
		if f.ID == 0 || f.County != "440103" || f.UploadedAt.IsZero() || f.Filename != "收入证明.pdf" {
			t.Fatalf("stored %+v", f)
		}

		// Another township sees neither the list nor the file, nor can it add.
		far := registry.Scope{Region: other}
		mustCode(t, mustErr(db.Attachments(ctx, far, app.ID)), apperr.NotFound)
		mustCode(t, mustErr(db.Attachment(ctx, far, f.ID)), apperr.NotFound)
		g := *f
		g.ID = 0
		mustCode(t, db.AddAttachment(ctx, far, &g), apperr.NotFound)

		// A wrong upload is superseded, once, by one of the same application.
		fix := *f
		fix.ID, fix.Supersedes, fix.Data = 0, f.ID, append(bytes.Clone(pdf), '\n')
		if err := db.AddAttachment(ctx, scope, &fix); err != nil {
			t.Fatal(err)
		}
		again := fix
		again.ID = 0
		mustCode(t, db.AddAttachment(ctx, scope, &again), apperr.Conflict)
		again.Supersedes = 999999
		if e := mustCode(t, db.AddAttachment(ctx, scope, &again), apperr.Invalid); e.Field != "supersedes" {
			t.Fatalf("field %q", e.Field)
		}

		list, err := db.Attachments(ctx, scope, app.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("list %+v, %v", list, err)
		}
		if list[0].SupersededBy != fix.ID || list[1].Supersedes != f.ID || list[0].Data != nil || list[0].SHA256 != f.SHA256 || list[0].Size != int64(len(pdf)) {
			t.Fatalf("list %+v", list)
		}

		got, err := db.Attachment(ctx, scope, f.ID)
		if err != nil || !bytes.Equal(got.Data, pdf) || got.ContentType != casework.PDF || got.Purpose != "income_statement" || got.UploadedBy != "tester" {
			t.Fatalf("read %+v, %v", got, err)
		}

		// The trail has the upload and the read, without content or name.
		entries, err := db.List(ctx, audit.Filter{Entity: "attachment", EntityID: strconv.FormatInt(f.ID, 10)})
		if err != nil || len(entries) != 2 || entries[0].Action != "read" || entries[1].Action != "create" {
			t.Fatalf("audit %+v, %v", entries, err)
		}
		for _, e := range entries {
			if s := string(e.After); strings.Contains(s, "PDF") || strings.Contains(s, "收入证明") || !strings.Contains(s, f.SHA256) {
				t.Errorf("audit %s records %s", e.Action, s)
			}
		}

		// Never changed, never deleted.
		for _, q := range []string{"UPDATE attachments SET purpose = 'entrustment'", "DELETE FROM attachments"} {
			if err := store.RawExecErr(db, q); err == nil {
				t.Errorf("%s succeeded", q)
			}
		}
	})
}
