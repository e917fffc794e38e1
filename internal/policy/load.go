package policy

import (
	"embed"
	"fmt"
	"io"
	"sync"

	"go.yaml.in/yaml/v3"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
)

//go:embed params/*.yaml
var shipped embed.FS

// Locality is one scope's block in a parameter file.
type Locality struct {
	Region string      `yaml:"region"`
	Name   string      `yaml:"name"`
	Values []fileValue `yaml:"values"`
}

type fileValue struct {
	Key    string `yaml:"key"`
	Value  string `yaml:"value"`
	From   string `yaml:"from"`
	Source string `yaml:"source"`
	Note   string `yaml:"note"`
}

// ReadParams reads a parameter file: one locality (a mapping with region,
// name and values) or a list of them.
//
// Errors: Invalid naming the locality and value at fault.
func ReadParams(r io.Reader) ([]Param, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var many []Locality
	if err := yaml.Unmarshal(b, &many); err != nil {
		var one Locality
		if err2 := yaml.Unmarshal(b, &one); err2 != nil {
			return nil, apperr.Errorf(apperr.Invalid, "parameter file: %v", err2)
		}
		many = []Locality{one}
	}
	var out []Param
	var errs apperr.List
	for i, l := range many {
		for j, v := range l.Values {
			field := fmt.Sprintf("[%d].values[%d]", i, j)
			from, err := civil.ParseDate(v.From)
			if err != nil {
				errs.Addf(field+".from", "%s: %v", v.Key, err)
				continue
			}
			out = append(out, Param{Key: v.Key, Region: l.Region, From: from, Text: v.Value, Source: v.Source, Note: v.Note})
		}
	}
	return out, errs.Err()
}

var (
	shippedOnce sync.Once
	shippedSet  *Set
	shippedErr  error
)

// Shipped returns the parameters SafetyNet ships: the national structure and
// the local examples under params/, with their sources. The returned Set is
// shared; Clone it before adding values.
func Shipped() (*Set, error) {
	shippedOnce.Do(func() {
		var all []Param
		for _, name := range []string{"params/national.yaml", "params/local.yaml"} {
			f, err := shipped.Open(name)
			if err != nil {
				shippedErr = err
				return
			}
			ps, err := ReadParams(f)
			f.Close()
			if err != nil {
				shippedErr = fmt.Errorf("%s: %w", name, err)
				return
			}
			all = append(all, ps...)
		}
		shippedSet, shippedErr = NewSet(all)
	})
	return shippedSet, shippedErr
}
