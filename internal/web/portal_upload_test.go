package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// upload sends a file to the application from the phone, as its form does.
func (b *browser) upload(id int64, purpose, name string, data []byte) answer {
	b.e.t.Helper()
	path := "/portal/applications/" + itoa(id)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", b.csrf(path))
	w.WriteField("purpose", purpose)
	part, _ := w.CreateFormFile("file", name)
	part.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path+"/attachments", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func TestPortalUpload(t *testing.T) {
	e := newPortalEnv(t)
	_, _, idNumbers := e.household(30, [2]string{"彭一", "13800003333"})
	b := e.browser()
	b.signIn(idNumbers[0], "13800003333")
	id := b.apply(url.Values{"program": {"dibao"}, "reason": {"失业，无收入"}, "authorise": {"1"}})
	path := "/portal/applications/" + itoa(id)
	lacks(t, b.get(path), `id="upload-form"`) // nothing missing yet

	// The township asks for the household booklet: the phone offers it.
	if code := e.staff("POST", "/api/v1/applications/"+itoa(id)+"/actions/request_materials",
		map[string]any{"version": 1, "missing": []string{"hukou_booklet"}}, nil); code != 200 {
		t.Fatalf("request materials: %d", code)
	}
	page := b.get(path)
	has(t, page, `id="upload-form"`, `value="hukou_booklet"`)

	// A program disguised as a photo is refused, beside the field.
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 200)...)
	if p := b.upload(id, "hukou_booklet", "户口本.jpg", exe); p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="file-err"`) {
		t.Fatalf("an .exe as .jpg: %d\n%s", p.code, p.body)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 300)...)
	if p := b.upload(id, "hukou_booklet", "户口本.png", png); p.code != http.StatusSeeOther || !strings.HasSuffix(p.location, "?saved=upload") {
		t.Fatalf("upload: %d %s\n%s", p.code, p.location, p.body)
	}
	has(t, b.get(path+"?saved=upload"), "户口本.png")

	// The office sees the material received and the file.
	var v struct {
		Application struct {
			Materials []string
			Version   int
		}
	}
	e.staff("GET", "/api/v1/applications/"+itoa(id), nil, &v)
	found := false
	for _, m := range v.Application.Materials {
		found = found || m == "hukou_booklet"
	}
	if !found {
		t.Fatalf("materials after the upload: %v", v.Application.Materials)
	}
	var files []struct{ Filename, Purpose string }
	if code := e.staff("GET", "/api/v1/applications/"+itoa(id)+"/attachments", nil, &files); code != 200 || len(files) != 1 || files[0].Purpose != "hukou_booklet" {
		t.Fatalf("files: %d %+v", code, files)
	}

	// Someone else's application takes no upload.
	other := e.browser()
	_, _, otherIDs := e.household(40, [2]string{"彭二", "13800004444"})
	other.signIn(otherIDs[0], "13800004444")
	req, _ := http.NewRequest("POST", e.srv.URL+path+"/attachments", strings.NewReader(""))
	if p := other.do(req); p.code != http.StatusNotFound && p.code != http.StatusForbidden {
		t.Fatalf("another person's application: %d", p.code)
	}
}
