package gen

import (
	"hash/fnv"
	"sort"
	"strings"

	"safetynet/internal/apperr"
	"safetynet/internal/region"
)

// place is a village or community households are spread over.
type place struct {
	code     string // 12 digits
	name     string // 新华村, 和平社区
	township string // the township's name
	county   int    // index into generator.counties
	urban    bool   // a street (街道) rather than a town or township
}

// resolve turns opt.Region into a table code: the 6-digit forms of a city
// or province that GB/T 2260 writes ("440100", "440000") become the short
// codes the division table uses ("4401", "44").
func resolve(t *region.Table, code string) (region.Region, error) {
	if r, ok := t.Resolve(code); ok && r.Level <= region.Township {
		return r, nil
	}
	return region.Region{}, apperr.Fieldf("region", "%q is not a known province, city, county or township code", code)
}

// townships lists the townships at or under r.
func townships(t *region.Table, r region.Region) []region.Region {
	if r.Level == region.Township {
		return []region.Region{r}
	}
	var out []region.Region
	for _, c := range t.Children(r.Code) {
		out = append(out, townships(t, c)...)
	}
	return out
}

// places builds the villages households go to: the given real villages of
// each township, or, for a township with none given, synthetic ones whose
// codes follow the statistics bureau's pattern (1xx for a street's
// communities, 2xx for a town's villages) and whose names are made from
// common stems. Synthetic villages depend only on the township code, so the
// same township always gets the same villages, whatever the seed.
func places(ts []region.Region, given []region.Region) ([]place, []string) {
	byTownship := map[string][]region.Region{}
	for _, v := range given {
		if len(v.Code) == 12 {
			byTownship[v.Code[:9]] = append(byTownship[v.Code[:9]], v)
		}
	}
	countyIdx := map[string]int{}
	var counties []string
	var out []place
	for _, t := range ts {
		c := region.CountyOf(t.Code)
		ci, ok := countyIdx[c]
		if !ok {
			ci = len(counties)
			countyIdx[c] = ci
			counties = append(counties, c)
		}
		urban := strings.HasSuffix(t.Name, "街道") || strings.HasSuffix(t.Name, "办事处")
		if vs := byTownship[t.Code]; len(vs) > 0 {
			sort.Slice(vs, func(i, j int) bool { return vs[i].Code < vs[j].Code })
			for _, v := range vs {
				out = append(out, place{code: v.Code, name: v.Name, township: t.Name, county: ci, urban: urban})
			}
			continue
		}
		h := hash(t.Code)
		n := 3 + int(h%10)
		prefix, suffix := "2", "村"
		if urban {
			prefix, suffix = "1", "社区"
		}
		for i := 1; i <= n; i++ {
			stem := villageStems[(int(h>>8)+i*7)%len(villageStems)]
			code := t.Code + prefix + string(rune('0'+i/10)) + string(rune('0'+i%10))
			out = append(out, place{code: code, name: stem + suffix, township: t.Name, county: ci, urban: urban})
		}
	}
	return out, counties
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
