package curation_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/curation"
	"github.com/civicgraph/civicgraph/internal/domain"
)

// store records what the service asks of the adapter; err fails the
// writes and refreshErr the refresh. (The adapter's own Cypher is tested
// on the real Neo4j in internal/neo4jdb and cmd/civicgraph.)
type store struct {
	calls      []string
	edit       domain.InitiativeEdit
	err        error
	refreshErr error
}

func (s *store) record(call string) error { s.calls = append(s.calls, call); return s.err }

func (s *store) UpsertInitiative(_ context.Context, e domain.InitiativeEdit) error {
	s.edit = e
	return s.record("upsert " + e.Key)
}
func (s *store) DeleteInitiative(_ context.Context, key string) (bool, error) {
	return s.err == nil, s.record("delete " + key)
}
func (s *store) LinkTheme(_ context.Context, key, theme string) error {
	return s.record("link " + key + " " + theme)
}
func (s *store) UnlinkTheme(_ context.Context, key, theme string) error {
	return s.record("unlink " + key + " " + theme)
}
func (s *store) LinkCity(_ context.Context, key, city string) error {
	return s.record("city " + key + " " + city)
}
func (s *store) UnlinkCity(_ context.Context, key string) error { return s.record("nocity " + key) }
func (s *store) RefreshSimilar(_ context.Context, key string) error {
	s.calls = append(s.calls, "refresh "+key)
	return s.refreshErr
}

func newService(s *store, logs *bytes.Buffer) *curation.Service {
	return curation.New(s, curation.Countries, slog.New(slog.NewTextHandler(logs, nil)))
}

// TestEditsAreCheckedWrittenAndRefreshed: every edit reaches the store in
// its checked form and is followed by the refresh of that initiative.
func TestEditsAreCheckedWrittenAndRefreshed(t *testing.T) {
	var logs bytes.Buffer
	s := &store{}
	svc := newService(s, &logs)
	ctx := context.Background()
	key, err := svc.UpsertInitiative(ctx, domain.InitiativeInput{Title: " Bürger’s Straße ", Summary: "A street.", CountryCode: "de"})
	if err != nil {
		t.Fatal(err)
	}
	if key != domain.InitiativeKey("Bürger’s Straße") || s.edit.Title != "Bürger’s Straße" || s.edit.Country == nil || s.edit.Country.Name != "Germany" {
		t.Errorf("upsert: key %q, edit %+v", key, s.edit)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.LinkTheme(ctx, "a-b", " culture "))
	must(svc.UnlinkTheme(ctx, "a-b", "culture"))
	must(svc.LinkCity(ctx, "a-b", "2761369"))
	must(svc.UnlinkCity(ctx, "a-b"))
	if ok, err := svc.DeleteInitiative(ctx, "a-b"); !ok || err != nil {
		t.Errorf("delete: %v, %v", ok, err)
	}
	want := []string{"upsert " + key, "refresh " + key, "link a-b culture", "refresh a-b", "unlink a-b culture", "refresh a-b",
		"city a-b 2761369", "refresh a-b", "nocity a-b", "refresh a-b", "delete a-b"}
	if strings.Join(s.calls, "|") != strings.Join(want, "|") {
		t.Errorf("calls\n%q\nwant\n%q", s.calls, want)
	}
	if logs.Len() != 0 {
		t.Errorf("logged without a failure: %s", logs.String())
	}
}

// TestBadEditsNeverReachTheStore: what the check refuses is not written.
func TestBadEditsNeverReachTheStore(t *testing.T) {
	var logs bytes.Buffer
	s := &store{}
	svc := newService(s, &logs)
	ctx := context.Background()
	if _, err := svc.UpsertInitiative(ctx, domain.InitiativeInput{Title: "T", Summary: "S", CountryCode: "XX"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("unknown country: %v", err)
	}
	if _, err := svc.UpsertInitiative(ctx, domain.InitiativeInput{Title: "", Summary: "S"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("blank title: %v", err)
	}
	if err := svc.LinkTheme(ctx, "a-b", " "); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("blank theme: %v", err)
	}
	if err := svc.LinkCity(ctx, "a-b", ""); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("blank city: %v", err)
	}
	if err := svc.UnlinkCity(ctx, "Not A Key"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("a non-key: %v, want ENOTFOUND", err)
	}
	if ok, err := svc.DeleteInitiative(ctx, "../x"); ok || err != nil {
		t.Errorf("delete of a non-key: %v, %v; want false, nil", ok, err)
	}
	if len(s.calls) != 0 {
		t.Errorf("the store was called: %q", s.calls)
	}
}

// TestFailuresAreReportedOrLogged: a failed write is the mutation's error
// and nothing is refreshed; a failed refresh keeps the saved edit (no
// error), is logged with the initiative, and leaves the retry to the
// sweeper.
func TestFailuresAreReportedOrLogged(t *testing.T) {
	var logs bytes.Buffer
	down := domain.Errorf(domain.EUNAVAILABLE, "database unavailable")
	s := &store{err: down}
	svc := newService(s, &logs)
	ctx := context.Background()
	if _, err := svc.UpsertInitiative(ctx, domain.InitiativeInput{Title: "T", Summary: "S"}); !errors.Is(err, down) {
		t.Errorf("failed write: %v", err)
	}
	if err := svc.LinkTheme(ctx, "t", "culture"); !errors.Is(err, down) {
		t.Errorf("failed link: %v", err)
	}
	if strings.Join(s.calls, "|") != "upsert t|link t culture" {
		t.Errorf("calls %q: a failed write must not be refreshed", s.calls)
	}

	s.err, s.calls, s.refreshErr = nil, nil, errors.New("neo4j: connection reset")
	if key, err := svc.UpsertInitiative(ctx, domain.InitiativeInput{Title: "T", Summary: "S"}); err != nil || key != "t" {
		t.Errorf("failed refresh: %q, %v; want the saved key and no error", key, err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "initiative=t") || !strings.Contains(logs.String(), "similarStale") {
		t.Errorf("the failed refresh is not logged as it should be: %s", logs.String())
	}
}
