package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"safetynet/internal/audit"
	"safetynet/internal/civil"
)

// sendMultipart posts fields (with the session's CSRF token) and files.
func (c *uiClient) sendMultipart(path string, fields map[string][]string, files ...filePart) response {
	c.e.t.Helper()
	fields["csrf"] = []string{c.csrf}
	body, ctype := multipartBody(fields, files...)
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	return c.do(req)
}

var fileRowID = regexp.MustCompile(`<tr id="file-(\d+)"`)

func TestUIAttachments(t *testing.T) {
	e := newUIEnv(t)
	h := e.household(e.towns[0].Code, "邓一")
	c := e.login("town1")
	app := fileApplication(t, c, h)
	upload := app + "/attachments"

	r := c.get(app)
	mustContain(t, r, `id="form-upload"`, `enctype="multipart/form-data"`, `accept=".jpg,.jpeg,.png,.pdf"`, `id="no-files"`, "已上传文件",
		`<option value="verification_authorisation">家庭经济状况核对授权书 (缺少)</option>`)
	if strings.Contains(r.body, `id="form-add_materials"`) {
		t.Error("add_materials has a form of its own beside the upload form")
	}

	// The missing material, as a PDF: listed, and no longer missing.
	r = c.sendMultipart(upload, map[string][]string{"purpose": {"verification_authorisation"}},
		filePart{field: "file", name: "授权书.pdf", contentType: "application/pdf", data: samplePDF})
	if r.status != 303 || r.location != app+"?saved=upload#files" {
		t.Fatalf("upload: got %d to %q\n%s", r.status, r.location, r.body)
	}
	r = c.get(r.location)
	mustContain(t, r, "文件已上传。", "授权书.pdf", `href="/attachments/`, "家庭经济状况核对授权书", "town1", " B<")
	if strings.Contains(r.body, `id="missing"`) {
		t.Error("the uploaded material is still missing")
	}
	m := fileRowID.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no file row")
	}
	pdf := m[1]
	if r := act(t, c, app, "accept", url.Values{}); r.status != 303 {
		t.Fatalf("accept with the uploaded material: got %d\n%s", r.status, section(r.body, "actions"))
	}

	// A program renamed photo.jpg: refused beside the file, the choice
	// kept, the rest of the page there.
	r = c.sendMultipart(upload, map[string][]string{"purpose": {"identity_document"}},
		filePart{field: "file", name: "photo.jpg", contentType: "image/jpeg", data: sampleEXE})
	if r.status != 422 {
		t.Fatalf("an .exe renamed photo.jpg: got %d", r.status)
	}
	if msg := fieldMessage(r.body, "upload.file"); !strings.Contains(msg, "photo.jpg") || !strings.Contains(msg, "Windows可执行程序") {
		t.Errorf("got message %q, want the file named for what it is", msg)
	}
	mustContain(t, r, `<option value="identity_document" selected>`, `<details class="subform" id="upload" open>`, `id="form-record_visit"`, "授权书.pdf")

	// Over the limit (1 MB here): the limit, beside the file.
	big := append(bytes.Clone(samplePDF), bytes.Repeat([]byte(" "), 1<<20)...)
	r = c.sendMultipart(upload, map[string][]string{"purpose": {"income_statement"}}, filePart{field: "file", name: "收入证明.pdf", data: big})
	if r.status != 413 || !strings.Contains(fieldMessage(r.body, "upload.file"), "1 MB") {
		t.Fatalf("over the limit: got %d, message %q", r.status, fieldMessage(r.body, "upload.file"))
	}

	// A home visit with photos: the photos are stored and named in it; a
	// visit refused, for a bad photo or a missing field, stores none.
	jpg := sampleJPEG(t)
	visit := func() map[string][]string {
		return map[string][]string{"version": {version(t, c.get(app).body)}, "visit.date": {civil.Today().String()},
			"visit.mode": {"in_person"}, "visit.visitors": {"邓、叶"}, "visit.findings": {"家中无劳动力"}}
	}
	r = c.get(app)
	mustContain(t, r, `id="form-record_visit" enctype="multipart/form-data"`, `name="photos" type="file" accept=".jpg,.jpeg,.png" multiple`)
	bad := visit()
	r = c.sendMultipart(app+"/actions/record_visit", bad, filePart{field: "photos", name: "a.jpg", contentType: "image/jpeg", data: jpg},
		filePart{field: "photos", name: "b.jpg", contentType: "image/jpeg", data: sampleEXE})
	if r.status != 422 || !strings.Contains(fieldMessage(r.body, "record_visit.photos"), "b.jpg") {
		t.Fatalf("a visit with a program for a photo: got %d, message %q", r.status, fieldMessage(r.body, "record_visit.photos"))
	}
	if v, _ := inputValue(r.body, "visit.visitors"); v != "邓、叶" {
		t.Errorf("the visitors typed were lost: %q", v)
	}
	bad = visit()
	delete(bad, "visit.findings")
	if r := c.sendMultipart(app+"/actions/record_visit", bad, filePart{field: "photos", name: "a.jpg", contentType: "image/jpeg", data: jpg}); r.status != 422 {
		t.Fatalf("a visit without findings: got %d", r.status)
	}
	if n := len(fileRowID.FindAllString(c.get(app).body, -1)); n != 1 {
		t.Fatalf("refused visits stored photos: %d files", n)
	}
	r = c.sendMultipart(app+"/actions/record_visit", visit(), filePart{field: "photos", name: "厨房.jpg", contentType: "image/jpeg", data: jpg},
		filePart{field: "photos", name: "卧室.JPG", contentType: "image/jpeg", data: jpg})
	if r.status != 303 {
		t.Fatalf("a visit with photos: got %d\n%s", r.status, r.body)
	}
	r = c.get(app)
	mustContain(t, r, "厨房.jpg", "卧室.JPG", "入户调查照片")
	if tl := section(r.body, "timeline"); !strings.Contains(tl, "已上传 2 张") {
		t.Errorf("the timeline does not show the visit's photos:\n%s", tl)
	}

	// Another township cannot download; the township can, and it is audited.
	if r := e.login("town2").get("/attachments/" + pdf); r.status != 404 {
		t.Fatalf("another township downloads: got %d", r.status)
	}
	r = c.get("/attachments/" + pdf)
	if r.status != 200 || r.body != string(samplePDF) || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: got %d %v", r.status, r.header)
	}
	entries, err := e.db.List(uiCtx, audit.Filter{Entity: "attachment", EntityID: pdf})
	if err != nil || len(entries) != 2 || entries[0].Action != "read" || entries[0].Username != "town1" {
		t.Fatalf("the download's audit: %+v, %v", entries, err)
	}

	// English.
	r = c.get(app + "?lang=en")
	mustContain(t, r, "Uploaded files", "Photo of a home visit", "Verification authorisation", "Upload a file")
}
