package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/region"
	"safetynet/internal/store"
	"safetynet/internal/store/storetest"
	"safetynet/internal/web"
)

// apiEnv is a server on a fresh SQLite store with a token per user.
type apiEnv struct {
	t      *testing.T
	db     *store.DB
	srv    *httptest.Server
	tokens map[string]string
	towns  []region.Region
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	auth.SetTestCost()
	db := storetest.SQLite(t)
	svc := auth.NewService(db)
	s := web.New(db, svc, slog.New(slog.DiscardHandler))
	s.MaxUpload = 1 << 20
	e := &apiEnv{t: t, db: db, srv: httptest.NewServer(s.Handler()), tokens: map[string]string{}, towns: region.Embedded().Children("440103")}
	t.Cleanup(e.srv.Close)
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	hash, _ := auth.HashPassword("a long test password")
	for _, u := range []auth.User{
		{Username: "town1", Role: auth.TownshipCaseworker, Region: e.towns[0].Code},
		{Username: "town2", Role: auth.TownshipCaseworker, Region: e.towns[1].Code},
		{Username: "super", Role: auth.Supervisor, Region: "4401"},
	} {
		u.PasswordHash = hash
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.IssueToken(ctx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.Username] = tok
	}
	return e
}

// do sends a request as user and decodes the JSON answer into out.
func (e *apiEnv) do(user, method, path string, body any, out any) int {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

type apiError struct {
	Error struct {
		Code, Message, Field string
	}
}

func member(rel, name string, birth civil.Date, seq int) map[string]any {
	return map[string]any{"relationship": rel, "person": map[string]any{"name": name, "id_number": idcard.Make("440103", birth, seq), "phone": "13900001111"}}
}

func TestAPIHouseholdLifecycle(t *testing.T) {
	e := newAPIEnv(t)
	body := map[string]any{"region_code": e.towns[0].Code, "address": "荔湾路1号", "hukou_type": "urban",
		"members": []any{member("head", "林一", civil.D(1970, 1, 1), 11), member("spouse", "林二", civil.D(1972, 2, 2), 12),
			map[string]any{"relationship": "child", "person": map[string]any{"name": "林三", "id_number": "440103201001011234"}}}}

	var ae apiError
	if code := e.do("town1", "POST", "/api/v1/households", body, &ae); code != 422 || ae.Error.Field != "members[2].person.id_number" || ae.Error.Code != "invalid" {
		t.Fatalf("invalid ID: got %d %+v, want 422 at members[2].person.id_number", code, ae)
	}
	body["members"].([]any)[2] = member("child", "林三", civil.D(2010, 1, 1), 13)
	var h struct {
		ID      int64
		Number  string
		Version int
		Members []struct {
			Person struct {
				IDNumber string `json:"id_number"`
			}
		}
	}
	if code := e.do("town1", "POST", "/api/v1/households", body, &h); code != 201 {
		t.Fatalf("create: got %d", code)
	}
	if got := h.Members[0].Person.IDNumber; !strings.Contains(got, "****") {
		t.Fatalf("got ID number %q in the response, want it masked", got)
	}
	path := "/api/v1/households/" + itoa(h.ID)

	// Another township: not found, not forbidden.
	if code := e.do("town2", "GET", path, nil, &ae); code != 404 {
		t.Fatalf("other township: got %d, want 404", code)
	}
	// A supervisor may read but not see personal data in full.
	if code := e.do("super", "GET", path+"?reveal=true", nil, &ae); code != 403 {
		t.Fatalf("supervisor reveal: got %d, want 403", code)
	}
	var full struct {
		Members []struct {
			Person struct {
				IDNumber string `json:"id_number"`
			}
		}
	}
	if code := e.do("town1", "GET", path+"?reveal=true", nil, &full); code != 200 || strings.Contains(full.Members[0].Person.IDNumber, "*") {
		t.Fatalf("reveal: got %d %q", code, full.Members[0].Person.IDNumber)
	}
	entries, _ := e.db.List(context.Background(), audit.Filter{Entity: "household", EntityID: itoa(h.ID)})
	if len(entries) == 0 || entries[0].Action != "view_unmasked" || entries[0].Username != "town1" {
		t.Fatalf("got audit %+v, want the unmasked view recorded", entries)
	}

	// Optimistic concurrency: the second writer with the old version gets 409.
	upd := map[string]any{"region_code": e.towns[0].Code, "address": "新址", "hukou_type": "urban", "version": h.Version}
	if code := e.do("town1", "PUT", path, upd, nil); code != 200 {
		t.Fatalf("update: got %d", code)
	}
	upd["address"] = "另一个新址"
	if code := e.do("town1", "PUT", path, upd, &ae); code != 409 || ae.Error.Code != "conflict" {
		t.Fatalf("stale update: got %d %+v, want 409", code, ae)
	}

	// The same ID number in another household: conflict naming it.
	other := map[string]any{"region_code": e.towns[0].Code, "address": "x", "hukou_type": "rural",
		"members": []any{member("head", "林一", civil.D(1970, 1, 1), 11)}}
	if code := e.do("town1", "POST", "/api/v1/households", other, &ae); code != 409 || !strings.Contains(ae.Error.Message, h.Number) {
		t.Fatalf("duplicate ID: got %d %+v", code, ae)
	}

	var list struct {
		Items []struct{ ID int64 }
	}
	if code := e.do("town1", "GET", "/api/v1/households?name=林", nil, &list); code != 200 || len(list.Items) != 1 {
		t.Fatalf("search: got %d %+v", code, list)
	}
	if code := e.do("town2", "GET", "/api/v1/households?name=林", nil, &list); code != 200 || len(list.Items) != 0 {
		t.Fatalf("search from the other township: got %d %+v", code, list)
	}
	if code := e.do("town1", "POST", path+"/incomes", map[string]any{"type": "wage", "month": "2025-05", "amount": -100}, &ae); code != 422 || ae.Error.Field != "amount" {
		t.Fatalf("negative income: got %d %+v", code, ae)
	}
	if code := e.do("town1", "POST", "/api/v1/households", map[string]any{"bogus": 1}, &ae); code != 422 || ae.Error.Field != "bogus" {
		t.Fatalf("unknown field: got %d %+v", code, ae)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func upload(e *apiEnv, user string, files map[string][]byte) (int, map[string]any) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, data := range files {
		w, _ := mw.CreateFormFile(name, name+".csv")
		w.Write(data)
	}
	mw.Close()
	return e.postMultipart(user, "/api/v1/imports/registry", &buf, mw.FormDataContentType())
}

func TestAPIImportGB18030AndIdempotent(t *testing.T) {
	e := newAPIEnv(t)
	town := e.towns[0].Code
	csv := "户编号,与户主关系,姓名,身份证号,所在区划,地址,户籍类型\n" +
		"A1,户主,黄大,'" + idcard.Make("440103", civil.D(1960, 3, 3), 21) + "," + town + ",恩宁路1号,城镇\n" +
		"A1,子女,黄小,'" + idcard.Make("440103", civil.D(1990, 4, 4), 22) + ",,,\n" +
		"B1,户主,<b>坏</b>,440103199001011239," + town + ",恩宁路2号,城镇\n"
	csv = strings.ReplaceAll(csv, "'", "")
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	code, rep := upload(e, "town1", map[string][]byte{"file": []byte(gbk)})
	if code != 200 || rep["households"] != float64(1) || rep["persons"] != float64(2) {
		t.Fatalf("import: got %d %v", code, rep)
	}
	errs, _ := rep["errors"].([]any)
	if len(errs) != 1 || !strings.Contains(errs[0].(map[string]any)["field"].(string), "row 4") {
		t.Fatalf("got errors %v, want the bad row 4 reported", errs)
	}
	code, rep = upload(e, "town1", map[string][]byte{"file": []byte(gbk)})
	if code != 200 || rep["households"] != float64(0) || rep["existing_households"] != float64(1) {
		t.Fatalf("re-import: got %d %v, want nothing created", code, rep)
	}
	big := bytes.Repeat([]byte("x"), 2<<20)
	code, rep = upload(e, "town1", map[string][]byte{"file": big})
	if code != 413 || !strings.Contains(rep["error"].(map[string]any)["message"].(string), "MB") {
		t.Fatalf("oversized: got %d %v, want 413 stating the limit", code, rep)
	}
}
