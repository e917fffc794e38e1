package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/auth"
)

// sourceStrings returns every English string the user can see that the
// catalogue must translate, with where it was found:
//
//   - the format strings of apperr.Errorf, apperr.Fieldf and List.Addf
//     calls in internal/ (tests excluded), and of the printf-style wrappers
//     a package defines around them (a func or method with a "format
//     string" parameter followed by "args ...any", such as importfile's
//     row.fail), called in the same package;
//   - string literals given to something named format: a struct field
//     (format: "..."), a tuple assignment (col, format, args = ...), or a
//     result named format (region.normalize);
//   - the strings passed to T in this package's Go code and used with T in
//     the templates.
func sourceStrings(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	add := func(s, where string) {
		if _, ok := found[s]; !ok {
			found[s] = where
		}
	}
	fset := token.NewFileSet()
	type file struct {
		dir string
		f   *ast.File
	}
	var files []file
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, file{filepath.Dir(path), f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Printf-style wrappers by package directory and name: the index of
	// their format parameter.
	wrappers := map[string]int{}
	for _, fl := range files {
		for _, decl := range fl.f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fl.dir == "../apperr" {
				continue
			}
			i := 0
			params := fd.Type.Params.List
			for j, field := range params {
				for _, name := range field.Names {
					if name.Name == "format" && j+1 < len(params) {
						if _, variadic := params[j+1].Type.(*ast.Ellipsis); variadic {
							wrappers[fl.dir+"."+fd.Name.Name] = i
						}
					}
					i++
				}
			}
		}
	}
	lit := func(e ast.Expr) {
		bl, ok := e.(*ast.BasicLit)
		if !ok || bl.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(bl.Value)
		if err != nil {
			t.Errorf("%s: %v", fset.Position(bl.Pos()), err)
			return
		}
		if s != "" {
			add(s, fset.Position(bl.Pos()).String())
		}
	}
	for _, fl := range files {
		pkg := fl.f.Name.Name
		var formatResult []int // indices of results named format, in the func being walked
		ast.Inspect(fl.f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				formatResult = nil
				if n.Type.Results != nil {
					i := 0
					for _, field := range n.Type.Results.List {
						for _, name := range field.Names {
							if name.Name == "format" {
								formatResult = append(formatResult, i)
							}
							i++
						}
						if len(field.Names) == 0 {
							i++
						}
					}
				}
			case *ast.ReturnStmt:
				for _, i := range formatResult {
					if i < len(n.Results) {
						lit(n.Results[i])
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "format" {
					lit(n.Value)
				}
			case *ast.AssignStmt:
				// Only "…, format, args = …": a lone format variable may
				// name a file format.
				hasArgs := false
				for _, lhs := range n.Lhs {
					if id, ok := lhs.(*ast.Ident); ok && id.Name == "args" {
						hasArgs = true
					}
				}
				for i, lhs := range n.Lhs {
					if id, ok := lhs.(*ast.Ident); ok && id.Name == "format" && hasArgs && len(n.Lhs) == len(n.Rhs) {
						lit(n.Rhs[i])
					}
				}
			case *ast.CallExpr:
				arg := -1
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					x, isIdent := fn.X.(*ast.Ident)
					switch {
					case isIdent && x.Name == "apperr" && (fn.Sel.Name == "Errorf" || fn.Sel.Name == "Fieldf"):
						arg = 1
					case fn.Sel.Name == "Addf":
						arg = 1
					case pkg == "web" && fn.Sel.Name == "T":
						arg = 0
					default:
						if i, ok := wrappers[fl.dir+"."+fn.Sel.Name]; ok {
							arg = i
						}
					}
				case *ast.Ident:
					if pkg == "apperr" && (fn.Name == "Errorf" || fn.Name == "Fieldf") {
						arg = 1
					} else if i, ok := wrappers[fl.dir+"."+fn.Name]; ok {
						arg = i
					}
				}
				if arg >= 0 && arg < len(n.Args) {
					lit(n.Args[arg])
				}
			}
			return true
		})
	}
	tplUse := regexp.MustCompile(`\bT\s+("(?:[^"\\]|\\.)*")`)
	tpls, err := filepath.Glob("templates/*.html")
	if err != nil || len(tpls) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	for _, name := range tpls {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tplUse.FindAllSubmatchIndex(b, -1) {
			s, err := strconv.Unquote(string(b[m[2]:m[3]]))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			line := 1 + strings.Count(string(b[:m[0]]), "\n")
			add(s, name+":"+strconv.Itoa(line))
		}
	}
	return found
}

func TestCatalogComplete(t *testing.T) {
	found := sourceStrings(t)
	if len(found) < 100 {
		t.Fatalf("found only %d strings: is the scan broken?", len(found))
	}
	var missing []string
	for s, where := range found {
		if _, ok := zh[s]; !ok {
			missing = append(missing, where+": "+strconv.Quote(s))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d strings have no Chinese translation in catalog.go:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// TestCatalogVerbs checks each translation keeps its source's verbs in
// order, so the arguments land in the right place.
func TestCatalogVerbs(t *testing.T) {
	for en, z := range zh {
		if a, b := verb.FindAllString(en, -1), verb.FindAllString(z, -1); !slices.Equal(a, b) {
			t.Errorf("%q → %q: got verbs %v, want %v", en, z, b, a)
		}
		if strings.TrimSpace(z) == "" {
			t.Errorf("%q has an empty translation", en)
		}
	}
}

func TestEnumLabelsComplete(t *testing.T) {
	kinds := map[string][]string{"role": strs(auth.Roles)}
	for k, v := range enumValues {
		kinds[k] = v
	}
	for kind, values := range kinds {
		for _, v := range values {
			pair, ok := enumLabels[kind+"."+v]
			if !ok {
				t.Errorf("no label for %s.%s", kind, v)
				continue
			}
			if pair[0] == "" || pair[1] == "" {
				t.Errorf("%s.%s: got labels %q, want Chinese and English", kind, v, pair)
			}
		}
		if len(enumValues[kind]) != len(values) && kind != "role" {
			t.Errorf("enumValues[%q] has %d values, registry has %d", kind, len(enumValues[kind]), len(values))
		}
	}
	for key := range enumLabels {
		kind, v, _ := strings.Cut(key, ".")
		if !slices.Contains(kinds[kind], v) {
			t.Errorf("label %q names no enumeration value", key)
		}
	}
}
