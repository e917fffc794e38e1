package web

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// versionedCache holds a value built from a store, with the store version
// it was built from. Readers take the current snapshot without a lock; one
// rebuild runs at a time, and a rebuild happens only when the version
// moved, checked at most once every recheck.
type versionedCache[T any] struct {
	cur atomic.Pointer[versionedSnapshot[T]]
	mu  sync.Mutex // held while checking or rebuilding
}

type versionedSnapshot[T any] struct {
	val     T
	version int64
	checked time.Time
}

// get returns the value, checking the version and rebuilding as needed. On
// an error it returns the error with the last value built (the zero T if
// none).
func (c *versionedCache[T]) get(ctx context.Context, recheck time.Duration, version func(context.Context) (int64, error),
	build func(context.Context) (T, error)) (T, error) {
	if snap := c.cur.Load(); snap != nil && time.Since(snap.checked) < recheck {
		return snap.val, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	snap := c.cur.Load()
	var last T
	if snap != nil {
		if time.Since(snap.checked) < recheck {
			return snap.val, nil // another request refreshed it meanwhile
		}
		last = snap.val
	}
	v, err := version(ctx)
	if err != nil {
		return last, err
	}
	if snap != nil && snap.version == v {
		c.cur.Store(&versionedSnapshot[T]{val: snap.val, version: v, checked: time.Now()})
		return snap.val, nil
	}
	// The version is read before the value, so a change in between makes
	// the next check rebuild again rather than be missed.
	val, err := build(ctx)
	if err != nil {
		return last, err
	}
	c.cur.Store(&versionedSnapshot[T]{val: val, version: v, checked: time.Now()})
	return val, nil
}

// invalidate makes the next get rebuild, after this server changed the
// store. It waits for a rebuild under way, which may have read the store
// before the change.
func (c *versionedCache[T]) invalidate() {
	c.mu.Lock()
	c.cur.Store(nil)
	c.mu.Unlock()
}
