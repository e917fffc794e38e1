package monitor

import (
	_ "embed"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"sync"
)

// Name is one name a rule's expression may use: its path (person.age),
// its type and the English description from Subject's source.
type Name struct {
	Path string `json:"name"`
	// Type is "bool", "int", "number" (a float), "text" or "list"
	// (of text).
	Type string `json:"type"`
	Doc  string `json:"doc,omitempty"`
}

// subjectSource is subject.go itself: the names' descriptions are its
// field comments, so the list a rule editor shows cannot drift from what
// rules see.
//
//go:embed subject.go
var subjectSource string

var (
	namesOnce sync.Once
	names     []Name
)

// Names lists the names rules may use, in Subject's order: person.*,
// household.*, params.*. A field without an expr tag is not a name.
func Names() []Name {
	namesOnce.Do(func() { names = subjectNames() })
	return append([]Name(nil), names...)
}

func subjectNames() []Name {
	docs := fieldDocs()
	var out []Name
	top := reflect.TypeOf(Subject{})
	for i := range top.NumField() {
		g := top.Field(i)
		prefix := g.Tag.Get("expr")
		if prefix == "" || g.Type.Kind() != reflect.Struct {
			continue
		}
		for j := range g.Type.NumField() {
			f := g.Type.Field(j)
			tag := f.Tag.Get("expr")
			if tag == "" || tag == "-" || !f.IsExported() {
				continue
			}
			out = append(out, Name{Path: prefix + "." + tag, Type: typeName(f.Type), Doc: docs[g.Type.Name()+"."+f.Name]})
		}
	}
	return out
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "int"
	case reflect.Float64, reflect.Float32:
		return "number"
	case reflect.String:
		return "text"
	case reflect.Slice:
		return "list"
	}
	return t.Kind().String()
}

// fieldDocs reads the comments of the fields of subject.go's structs, by
// "Type.Field": the doc comment above a field, else its line comment. A
// comment that starts with the field's name ("Head: the head…") loses it.
func fieldDocs() map[string]string {
	out := map[string]string{}
	f, err := parser.ParseFile(token.NewFileSet(), "subject.go", subjectSource, parser.ParseComments)
	if err != nil {
		return out
	}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return false
		}
		for _, fl := range st.Fields.List {
			doc := fl.Doc.Text()
			if doc == "" {
				doc = fl.Comment.Text()
			}
			doc = strings.Join(strings.Fields(doc), " ")
			for _, id := range fl.Names {
				d := doc
				for _, sep := range []string{": ", " is ", " are "} {
					if rest, ok := strings.CutPrefix(d, id.Name+sep); ok {
						d = rest
						break
					}
				}
				out[ts.Name.Name+"."+id.Name] = d
			}
		}
		return false
	})
	return out
}
