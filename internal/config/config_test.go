package config_test

import (
	"bytes"
	"flag"
	"log/slog"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/config"
)

// Secrets from the environment or flags never appear in --help output or
// in the logged configuration.
func TestSecretsNeverPrinted(t *testing.T) {
	t.Setenv("NEO4J_PASSWORD", "env-secret-pw")
	t.Setenv("CIVICGRAPH_TOKENS", "tok-one,tok-two")
	t.Setenv("NEO4J_URI", "neo4j://admin:uri-secret@db.example:7687")
	cfg := config.Defaults()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	var help bytes.Buffer
	fs.SetOutput(&help)
	cfg.RegisterNeo4j(fs)
	cfg.RegisterServer(fs)
	cfg.RegisterLog(fs)
	if err := fs.Parse([]string{"--addr", ":9999"}); err != nil {
		t.Fatal(err)
	}
	fs.PrintDefaults()
	if cfg.Neo4j.Password != "env-secret-pw" || len(cfg.Server.Tokens) != 2 || cfg.Server.Addr != ":9999" {
		t.Fatalf("config not read: %+v", cfg)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("start", "config", cfg)
	for _, out := range []string{help.String(), logged.String()} {
		for _, secret := range []string{"env-secret-pw", "tok-one", "tok-two", "uri-secret"} {
			if strings.Contains(out, secret) {
				t.Errorf("secret %q printed:\n%s", secret, out)
			}
		}
	}
	if !strings.Contains(logged.String(), "2 configured") || !strings.Contains(logged.String(), "db.example:7687") {
		t.Errorf("logged config lacks masked values: %s", logged.String())
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	t.Setenv("NEO4J_URI", "bolt://from-env:7687")
	cfg := config.Defaults()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	cfg.RegisterNeo4j(fs)
	if err := fs.Parse([]string{"--neo4j-uri", "bolt://from-flag:7687", "--neo4j-password", "p"}); err != nil {
		t.Fatal(err)
	}
	if cfg.Neo4j.URI != "bolt://from-flag:7687" || cfg.Neo4j.Password != "p" {
		t.Errorf("got %+v", cfg.Neo4j)
	}
}
