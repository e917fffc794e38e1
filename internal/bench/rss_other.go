//go:build !linux

package bench

// PeakRSSMB is 0 where /proc is not available.
func PeakRSSMB() float64 { return 0 }
