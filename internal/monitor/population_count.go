package monitor

import (
	"context"
	"slices"

	"safetynet/internal/civil"
	"safetynet/internal/policy"
)

// Count is a number of monitored households and of their members.
type Count struct {
	Households int64 `json:"households"`
	Persons    int64 `json:"persons"`
}

// Add adds c to n.
func (n *Count) Add(c Count) { n.Households += c.Households; n.Persons += c.Persons }

// PopulationRow is the monitored population of one region: the
// households in each category and in any (a household may fall in
// several categories, so Total is not the sum of the categories).
type PopulationRow struct {
	Region     string             `json:"region"`
	Total      Count              `json:"total"`
	ByCategory map[Category]Count `json:"by_category"`
}

// Population is a region's monitored population by child region.
type Population struct {
	Region string `json:"region"`
	// Day is the day the windows of exits and rejections end.
	Day civil.Date `json:"day"`
	// Rows are the child regions (the region itself for a village) with
	// anyone monitored, by code.
	Rows  []PopulationRow `json:"rows"`
	Total PopulationRow   `json:"total"`
}

// CountWindow is the exits and rejections window of some counties.
type CountWindow struct {
	// Counties are the counties the window applies to; nil for every
	// county of the region that no other window names.
	Counties      []string
	ExitedSince   civil.Month
	RejectedSince civil.Date
}

// CountQuery asks for the monitored population of Region by child
// region, on Day, with each county's windows.
type CountQuery struct {
	Region  string
	Day     civil.Date
	Windows []CountWindow
}

// PopulationStore counts the monitored population.
type PopulationStore interface {
	// MonitoredPopulation counts q.Region's monitored households and
	// their current members by child region and category.
	MonitoredPopulation(ctx context.Context, q CountQuery) (*Population, error)
}

// ChildLen is the length of the codes of a region's children (province →
// city → county → township → village); a village has none, so it is its
// own row.
func ChildLen(region string) int {
	switch len(region) {
	case 0:
		return 2
	case 2, 4:
		return len(region) + 2
	case 6, 9:
		return len(region) + 3
	}
	return len(region)
}

// CountQueryOf builds the count of region on day with the windows of
// monitor.exited.months and monitor.rejected.months (Windows) that apply
// in each of counties (the counties of region, when it is wider than a
// county): counties that set their own windows are counted with them.
func CountQueryOf(set *policy.Set, region string, day civil.Date, counties []string) CountQuery {
	q := CountQuery{Region: region, Day: day}
	base := Windows(set, region, day)
	q.Windows = []CountWindow{{ExitedSince: base.ExitedSince, RejectedSince: base.RejectedSince}}
	if len(region) >= 6 {
		return q
	}
	for _, c := range counties {
		w := Windows(set, c, day)
		if w.ExitedSince == base.ExitedSince && w.RejectedSince == base.RejectedSince {
			continue
		}
		i := slices.IndexFunc(q.Windows[1:], func(cw CountWindow) bool {
			return cw.ExitedSince == w.ExitedSince && cw.RejectedSince == w.RejectedSince
		})
		if i < 0 {
			q.Windows = append(q.Windows, CountWindow{ExitedSince: w.ExitedSince, RejectedSince: w.RejectedSince})
			i = len(q.Windows) - 2
		}
		q.Windows[i+1].Counties = append(q.Windows[i+1].Counties, c)
	}
	return q
}

// MonitoredSummary is one household of a list of the monitored
// population.
type MonitoredSummary struct {
	HouseholdID int64    `json:"household_id"`
	Number      string   `json:"number"`
	Region      string   `json:"region"`
	Address     string   `json:"address"`
	HeadName    string   `json:"head_name"`
	Size        int      `json:"size"`
	Programs    []string `json:"programs"`
	Categories  []string `json:"categories"`
}
