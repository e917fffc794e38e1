package payment

import "context"

// chunkResult is a computed chunk on its way to the store.
type chunkResult struct {
	lines []Line
	c     ChunkCounts
	after int64
	err   error
}

// generateChunks stores the lines of every chunk after p.After.
func (g *generator) generateChunks(ctx context.Context, st JobStore, chunk int) error {
	p := g.p
	q := SourceQuery{County: p.County, Program: p.Program, Month: p.Month, BackFrom: p.BackFrom, Limit: chunk}
	// A pipeline of two: one goroutine reads and computes the next chunk
	// while this one stores the current, so that reading (the store's
	// readers) and writing (its writer) use a core each. On SQLite this
	// beats reading each chunk inside the transaction that stores it
	// (one connection, its page cache kept) by a third: see
	// docs/benchmarks.md, B2.
	rctx, cancel := context.WithCancel(ctx)
	ch := make(chan chunkResult, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		q.After = p.After
		for rctx.Err() == nil {
			srcs, err := st.PayrollSources(rctx, q)
			if err == nil && len(srcs) == 0 {
				return
			}
			var r chunkResult
			if err == nil {
				r.after = srcs[len(srcs)-1].HouseholdID
				r.lines, r.c, err = g.chunk(rctx, st, srcs)
			}
			r.err = err
			select {
			case ch <- r:
			case <-rctx.Done():
				return
			}
			if err != nil {
				return
			}
			q.After = r.after
		}
	}()
	defer func() {
		cancel()
		<-done
	}()
	for r := range ch {
		if r.err != nil {
			return r.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := st.SaveLines(ctx, p, r.lines, r.c, r.after); err != nil {
			return err
		}
		if g.o.Progress != nil {
			g.o.Progress(p)
		}
	}
	return ctx.Err()
}
