package web

import (
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// metrics counts requests by route pattern and status, and their
// durations, in the Prometheus text format. Hand-written: the few series
// needed do not justify the client library's dependencies.
type metrics struct {
	mu       sync.Mutex
	requests map[metricKey]uint64
	buckets  map[string][]uint64 // per pattern, cumulative counts per bound
	sums     map[string]float64
	counts   map[string]uint64
}

type metricKey struct {
	pattern string
	status  int
}

var bounds = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

func newMetrics() *metrics {
	return &metrics{requests: map[metricKey]uint64{}, buckets: map[string][]uint64{}, sums: map[string]float64{}, counts: map[string]uint64{}}
}

func (m *metrics) observe(pattern string, status int, d time.Duration) {
	if pattern == "" {
		pattern = "unmatched"
	}
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[metricKey{pattern, status}]++
	b := m.buckets[pattern]
	if b == nil {
		b = make([]uint64, len(bounds))
		m.buckets[pattern] = b
	}
	for i, ub := range bounds {
		if sec <= ub {
			b[i]++
		}
	}
	m.sums[pattern] += sec
	m.counts[pattern]++
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	m := s.metrics
	var b strings.Builder
	m.mu.Lock()
	b.WriteString("# HELP safetynet_http_requests_total HTTP requests by route and status.\n# TYPE safetynet_http_requests_total counter\n")
	keys := make([]metricKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].pattern != keys[j].pattern {
			return keys[i].pattern < keys[j].pattern
		}
		return keys[i].status < keys[j].status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "safetynet_http_requests_total{route=%q,status=\"%d\"} %d\n", k.pattern, k.status, m.requests[k])
	}
	b.WriteString("# HELP safetynet_http_request_duration_seconds HTTP request durations by route.\n# TYPE safetynet_http_request_duration_seconds histogram\n")
	patterns := make([]string, 0, len(m.counts))
	for p := range m.counts {
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	for _, p := range patterns {
		for i, ub := range bounds {
			fmt.Fprintf(&b, "safetynet_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", p, ub, m.buckets[p][i])
		}
		fmt.Fprintf(&b, "safetynet_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", p, m.counts[p])
		fmt.Fprintf(&b, "safetynet_http_request_duration_seconds_sum{route=%q} %g\n", p, m.sums[p])
		fmt.Fprintf(&b, "safetynet_http_request_duration_seconds_count{route=%q} %d\n", p, m.counts[p])
	}
	m.mu.Unlock()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := s.DB.Stats()
	fmt.Fprintf(&b, "# TYPE safetynet_go_heap_bytes gauge\nsafetynet_go_heap_bytes %d\n", ms.HeapAlloc)
	fmt.Fprintf(&b, "# TYPE safetynet_go_goroutines gauge\nsafetynet_go_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(&b, "# TYPE safetynet_db_open_connections gauge\nsafetynet_db_open_connections %d\n", st.OpenConnections)
	fmt.Fprintf(&b, "# TYPE safetynet_db_wait_seconds_total counter\nsafetynet_db_wait_seconds_total %g\n", st.WaitDuration.Seconds())
	fmt.Fprintf(&b, "# TYPE safetynet_uptime_seconds gauge\nsafetynet_uptime_seconds %d\n", int(time.Since(s.started).Seconds()))
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}
