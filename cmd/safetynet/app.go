package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/pii"
	"safetynet/internal/region"
	"safetynet/internal/store"
	"safetynet/internal/web"
)

// app is an open store with its keys: what every command but gen needs.
type app struct {
	cfg  config
	db   *store.DB
	keys *pii.Keys
	log  *slog.Logger
	// demo: the citizen portal says its sign-in codes are in the log.
	demo bool
}

// openApp opens the store, migrating it first if migrate is set, checks the
// schema and the key, and loads imported villages into the region table.
func openApp(ctx context.Context, cfg config, migrate bool) (*app, error) {
	a := &app{cfg: cfg, log: newLogger(cfg.LogLevel)}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	a.db = db
	if !migrate {
		// A brand-new store (no schema at all) is created, as the design
		// promises for `safetynet serve` with no flags; a store whose
		// schema is behind is refused below until `safetynet migrate`.
		have, _, err := db.SchemaVersion(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		migrate = have == 0
	}
	if migrate {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// The default risk rules (inactive) in every store, added by a
	// release as well as on a fresh one.
	if _, err := db.SeedRules(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.KeyFile != "" {
		if a.keys, err = pii.LoadKeyFile(cfg.KeyFile); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.CheckKeys(ctx, a.keys); err != nil {
		db.Close()
		return nil, err
	}
	db.SetKeys(a.keys)
	villages, err := db.Regions(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(villages) > 0 {
		if err := region.Embedded().Add(villages); err != nil {
			a.log.Warn("some stored regions could not be loaded", "err", err)
		}
	}
	return a, nil
}

func (a *app) Close() error { return a.db.Close() }

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

// serve runs the HTTP server until ctx ends; ready is called with the URL
// once it listens.
func (a *app) serve(ctx context.Context, ready func(url string)) error {
	srv := web.New(a.db, auth.NewService(a.db), a.log)
	srv.SecureCookies = a.cfg.SecureCookies
	srv.Ready = a.db.CheckSchema
	// The citizen portal's sign-in codes go to the log: a production
	// deployment plugs its SMS gateway in here (auth.Sender, docs/portal.md).
	srv.Sender, srv.Demo = auth.LogSender{Log: a.log}, a.demo
	if !a.demo {
		a.log.Warn("the citizen portal's sign-in codes are written to this log (auth.LogSender): connect an SMS gateway before opening /portal to the public (docs/portal.md)")
	}
	// The parameters in force are built before listening: a stored value
	// that no longer parses stops the server here, not a calculation later.
	if err := srv.LoadParams(ctx); err != nil {
		return fmt.Errorf("policy parameters: %w", err)
	}
	if err := srv.LoadCalendar(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	if strings.HasPrefix(a.cfg.Addr, ":") || strings.HasPrefix(a.cfg.Addr, "0.0.0.0:") {
		url = "http://localhost:" + strings.TrimPrefix(strings.TrimPrefix(a.cfg.Addr, "0.0.0.0"), ":")
	}
	a.log.Info("serving", "url", url, "store", a.db.Dialect().String())
	go srv.RunDaily(ctx)
	if ready != nil {
		ready(url)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
