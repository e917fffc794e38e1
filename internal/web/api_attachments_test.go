package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/civil"
)

// samplePDF is a small, real PDF; sampleJPEG a real JPEG photo; sampleEXE
// the start of a Windows program.
var (
	samplePDF = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	sampleEXE = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), "This program cannot be run in DOS mode."...)
)

func sampleJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 3)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// filePart is one file of a multipart body; contentType is what the
// client claims.
type filePart struct {
	field, name, contentType string
	data                     []byte
}

// multipartBody encodes form fields and files.
func multipartBody(fields map[string][]string, files ...filePart) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+f.field+`"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.contentType)
		w, _ := mw.CreatePart(h)
		w.Write(f.data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// uploadTo posts a file to an application's attachments as user.
func (e *apiEnv) uploadTo(user string, app int64, purpose string, f filePart, extra ...string) (int, map[string]any) {
	e.t.Helper()
	fields := map[string][]string{"purpose": {purpose}}
	for i := 0; i+1 < len(extra); i += 2 {
		fields[extra[i]] = []string{extra[i+1]}
	}
	f.field = "file"
	body, ctype := multipartBody(fields, f)
	return e.postMultipart(user, "/api/v1/applications/"+itoa(app)+"/attachments", body, ctype)
}

// postMultipart posts a multipart body as user and decodes the JSON answer.
func (e *apiEnv) postMultipart(user, path string, body io.Reader, ctype string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	req.Header.Set("Content-Type", ctype)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// download fetches a file as user.
func (e *apiEnv) download(user string, id int64) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/attachments/"+itoa(id), nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// registerHead registers, as town1, a household of one head in the first
// township and returns its id and the head's person id.
func (e *apiEnv) registerHead(name string, seq int) (household, head int64) {
	e.t.Helper()
	hbody := map[string]any{"region_code": e.towns[0].Code, "address": "荔湾路" + strconv.Itoa(seq) + "号", "hukou_type": "urban",
		"members": []any{member("head", name, civil.D(1966, 6, 6), seq)}}
	var h struct {
		ID      int64
		Members []struct{ Person struct{ ID int64 } }
	}
	if code := e.do("town1", "POST", "/api/v1/households", hbody, &h); code != 201 || len(h.Members) != 1 {
		e.t.Fatalf("register household: %d", code)
	}
	return h.ID, h.Members[0].Person.ID
}

func errorOf(out map[string]any) (field, message string) {
	e, _ := out["error"].(map[string]any)
	field, _ = e["field"].(string)
	message, _ = e["message"].(string)
	return field, message
}

func TestAPIAttachments(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser("county", auth.CountyApprover, "440103")
	// A Dibao application of the first township, the verification
	// authorisation missing.
	hid, applicant := e.registerHead("梁一", 61)
	var v appView
	if code := e.do("town1", "POST", "/api/v1/applications", map[string]any{"program": "dibao", "household_id": hid,
		"applicant_id": applicant, "channel": "counter", "materials": []string{"application_form"}}, &v); code != 201 {
		t.Fatalf("file: %d", code)
	}
	app := v.Application.ID

	// A PDF of the missing material: stored, and it counts as received.
	code, out := e.uploadTo("town1", app, "verification_authorisation", filePart{name: "核对授权书.pdf", contentType: "application/pdf", data: samplePDF})
	att, _ := out["attachment"].(map[string]any)
	if code != 201 || att["content_type"] != "application/pdf" || att["filename"] != "核对授权书.pdf" || out["version"] != float64(2) || len(out["missing_materials"].([]any)) != 0 {
		t.Fatalf("upload: %d %v", code, out)
	}
	pdfID := int64(att["id"].(float64))
	if code := e.do("town1", "GET", "/api/v1/applications/"+itoa(app), nil, &v); code != 200 || len(v.Missing) != 0 || v.Events[len(v.Events)-1].Action != "add_materials" {
		t.Fatalf("after the upload: %d %+v", code, v)
	}
	if code := e.do("town1", "POST", "/api/v1/applications/"+itoa(app)+"/actions/accept", map[string]any{"version": v.Application.Version}, &v); code != 200 || v.Application.State != "investigating" {
		t.Fatalf("accept with the uploaded material: %d %+v", code, v)
	}

	// A program named photo.jpg and sent as image/jpeg: refused, named.
	code, out = e.uploadTo("town1", app, "identity_document", filePart{name: "photo.jpg", contentType: "image/jpeg", data: sampleEXE})
	if f, m := errorOf(out); code != 422 || f != "file" || !strings.Contains(m, "photo.jpg") || !strings.Contains(m, "Windows可执行程序") {
		t.Fatalf("an .exe renamed photo.jpg: %d %v", code, out)
	}
	code, out = e.uploadTo("town1", app, "identity_document", filePart{name: "id.jpg", contentType: "image/jpeg", data: samplePDF})
	if f, m := errorOf(out); code != 422 || f != "file" || !strings.Contains(m, "PDF") {
		t.Fatalf("a PDF named id.jpg: %d %v", code, out)
	}
	if code, out = e.uploadTo("town1", app, "selfie", filePart{name: "a.pdf", data: samplePDF}); code != 422 {
		t.Fatalf("unknown purpose: %d %v", code, out)
	}

	// Over the limit (1 MB here): just over, and far over.
	for _, n := range []int{1<<20 + 1, 2 << 20} {
		big := append(bytes.Clone(samplePDF), bytes.Repeat([]byte(" "), n-len(samplePDF))...)
		code, out = e.uploadTo("town1", app, "income_statement", filePart{name: "big.pdf", data: big})
		if _, m := errorOf(out); code != 413 || !strings.Contains(m, "1 MB") {
			t.Fatalf("%d bytes: %d %v, want 413 stating the limit", n, code, out)
		}
	}

	// Only what was accepted is listed, without its content.
	var list []map[string]any
	if code := e.do("town1", "GET", "/api/v1/applications/"+itoa(app)+"/attachments", nil, &list); code != 200 || len(list) != 1 || list[0]["sha256"] == "" || list[0]["data"] != nil {
		t.Fatalf("list: %d %v", code, list)
	}

	// Another township: not found, whatever it tries.
	var ae apiError
	if code := e.do("town2", "GET", "/api/v1/applications/"+itoa(app)+"/attachments", nil, &ae); code != 404 {
		t.Fatalf("another township lists: %d", code)
	}
	if res := e.download("town2", pdfID); res.StatusCode != 404 {
		t.Fatalf("another township downloads: %d", res.StatusCode)
	}
	if code, _ := e.uploadTo("town2", app, "income_statement", filePart{name: "a.pdf", data: samplePDF}); code != 404 {
		t.Fatalf("another township uploads: %d", code)
	}

	// The township downloads it as a file, never to be shown inline.
	res := e.download("town1", pdfID)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(body, samplePDF) || res.Header.Get("Content-Type") != "application/pdf" ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment; filename*=utf-8''") {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}
	// ... and the read is in the audit trail, without the file's name.
	var trail struct {
		Items []struct {
			Action, Username string
			After            map[string]any
		}
	}
	if code := e.do("county", "GET", "/api/v1/audit?entity=attachment&entity_id="+itoa(pdfID), nil, &trail); code != 200 || len(trail.Items) != 2 ||
		trail.Items[0].Action != "read" || trail.Items[0].Username != "town1" || trail.Items[1].Action != "create" || trail.Items[0].After["filename"] != nil {
		t.Fatalf("audit: %d %+v", code, trail)
	}

	// A visit with a photo; a visit cannot claim another file as its photo.
	jpg := sampleJPEG(t)
	code, out = e.uploadTo("town1", app, "visit_photo", filePart{name: "厨房.jpg", contentType: "image/jpeg", data: jpg})
	if code != 201 || out["version"] != float64(3) {
		t.Fatalf("visit photo: %d %v", code, out)
	}
	photo := int64(out["attachment"].(map[string]any)["id"].(float64))
	visit := func(photos ...int64) map[string]any {
		return map[string]any{"version": 3, "visit": map[string]any{"date": civil.Today().String(), "mode": "in_person",
			"visitors": "梁、何", "findings": "住房简陋", "photos": photos}}
	}
	if code := e.do("town1", "POST", "/api/v1/applications/"+itoa(app)+"/actions/record_visit", visit(pdfID), &ae); code != 422 || ae.Error.Field != "visit.photos" {
		t.Fatalf("a PDF as the visit's photo: %d %+v", code, ae)
	}
	if code := e.do("town1", "POST", "/api/v1/applications/"+itoa(app)+"/actions/record_visit", visit(photo), &v); code != 200 {
		t.Fatalf("visit with its photo: %d", code)
	}

	// A wrong upload is replaced, not deleted.
	code, out = e.uploadTo("town1", app, "verification_authorisation", filePart{name: "核对授权书（重扫）.pdf", data: samplePDF}, "supersedes", itoa(pdfID))
	if code != 201 {
		t.Fatalf("replacement: %d %v", code, out)
	}
	if code, out = e.uploadTo("town1", app, "verification_authorisation", filePart{name: "again.pdf", data: samplePDF}, "supersedes", itoa(pdfID)); code != 409 {
		t.Fatalf("replacing a replaced file: %d %v", code, out)
	}
	e.do("town1", "GET", "/api/v1/applications/"+itoa(app)+"/attachments", nil, &list)
	if len(list) != 3 || list[0]["superseded_by"] != list[2]["id"] {
		t.Fatalf("after the replacement: %v", list)
	}
}
