package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
)

// option is one configuration setting: a flag, with an environment
// variable that sets its default. This table is the whole configuration;
// docs/configuration in the README is written from it.
type option struct {
	name, env, def, help string
}

var options = []option{
	{"db", "SAFETYNET_DB", "safetynet.db", "the store: a SQLite file path, or a postgres:// URL"},
	{"key-file", "SAFETYNET_KEY_FILE", "", "the key file that encrypts ID numbers, phones and bank accounts (mode 0600)"},
	{"addr", "SAFETYNET_ADDR", "127.0.0.1:8080", "the address the server listens on"},
	{"secure-cookies", "SAFETYNET_SECURE_COOKIES", "false", "mark cookies Secure (set when served over HTTPS)"},
	{"log-level", "SAFETYNET_LOG_LEVEL", "info", "debug, info, warn or error"},
}

// config holds the resolved settings.
type config struct {
	DB, KeyFile, Addr, LogLevel string
	SecureCookies               bool
}

// bind adds the named options to fs, defaulting from the environment.
func (c *config) bind(fs *flag.FlagSet, names ...string) {
	for _, o := range options {
		if !contains(names, o.name) {
			continue
		}
		def := o.def
		if v, ok := os.LookupEnv(o.env); ok {
			def = v
		}
		help := fmt.Sprintf("%s (env %s)", o.help, o.env)
		switch o.name {
		case "db":
			fs.StringVar(&c.DB, o.name, def, help)
		case "key-file":
			fs.StringVar(&c.KeyFile, o.name, def, help)
		case "addr":
			fs.StringVar(&c.Addr, o.name, def, help)
		case "log-level":
			fs.StringVar(&c.LogLevel, o.name, def, help)
		case "secure-cookies":
			fs.BoolVar(&c.SecureCookies, o.name, def == "true" || def == "1", help)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// printOptions writes the configuration table (safetynet help config).
func printOptions(w *os.File) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FLAG\tENVIRONMENT\tDEFAULT\tMEANING")
	for _, o := range options {
		fmt.Fprintf(tw, "--%s\t%s\t%s\t%s\n", o.name, o.env, strings.TrimSpace(o.def), o.help)
	}
	tw.Flush()
}
