// Package curation is the curators' write path: it checks each edit once
// (domain.CheckInitiative), writes it through the store in one
// transaction, and then refreshes the edited initiative's similar links
// and the links others hold to it, incrementally (the store's candidates
// come from its indexes, never from reading every initiative).
//
// The refresh runs in the same request, after the write committed. The
// write itself marks the initiative (similarStale, the time of the edit),
// so a refresh that fails — or never runs, as when the client lost the
// connection — is not lost: the mark stays on the node, visible, until
// the server's sweeper (neo4jdb.DB.RefreshStale, which serve runs every
// 15 s) or the next import has redone it. A failed refresh is logged as a warning and
// does not fail the mutation, whose edit is saved.
package curation

import (
	"context"
	"log/slog"
	"strings"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
)

// Store is what the service needs of the database adapter
// (internal/neo4jdb.DB): writes of checked edits, each in one transaction
// and idempotent by key, and the incremental refresh after them. Writes
// fail with EUNAVAILABLE when the database cannot be reached, ENOTFOUND
// for unknown nodes, EINVALID for an unknown theme, and ECOMMITUNKNOWN
// (with the key in domain.Error.Key) when the outcome of the commit was
// not learned.
type Store interface {
	UpsertInitiative(ctx context.Context, e domain.InitiativeEdit) error
	DeleteInitiative(ctx context.Context, key string) (bool, error)
	LinkTheme(ctx context.Context, key, theme string) error
	UnlinkTheme(ctx context.Context, key, theme string) error
	LinkCity(ctx context.Context, key, cityID string) error
	UnlinkCity(ctx context.Context, key string) error
	// RefreshSimilar re-embeds an edited initiative's passage and
	// recomputes its similar links and its neighbours', then clears its
	// similarStale mark.
	RefreshSimilar(ctx context.Context, key string) error
}

// Service is the curation service the GraphQL mutations call. It holds no
// state of its own, so any number of API servers can run it side by side.
type Service struct {
	store     Store
	countries domain.CountryLookup
	log       *slog.Logger
}

// New returns a service writing through store; countries checks country
// codes (nil: the built-in gazetteer, Countries) and log receives refresh
// warnings (nil: slog.Default).
func New(store Store, countries domain.CountryLookup, log *slog.Logger) *Service {
	if countries == nil {
		countries = Countries
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, countries: countries, log: log}
}

// Countries looks up a country code in the built-in gazetteer.
func Countries(code string) (domain.Country, bool) {
	c, ok := gazetteer.Default().CountryByCode(code)
	return domain.Country{Code: c.Code, Name: c.Name}, ok
}

// UpsertInitiative checks in, writes it and refreshes its similar links;
// it returns the initiative's key.
func (s *Service) UpsertInitiative(ctx context.Context, in domain.InitiativeInput) (string, error) {
	e, err := domain.CheckInitiative(in, s.countries)
	if err != nil {
		return "", err
	}
	if err := s.store.UpsertInitiative(ctx, e); err != nil {
		return "", err
	}
	s.refresh(ctx, e.Key)
	return e.Key, nil
}

// DeleteInitiative deletes an initiative and its links (the links others
// held to it go with it, so nothing needs refreshing); false when there
// was none.
func (s *Service) DeleteInitiative(ctx context.Context, key string) (bool, error) {
	key, err := initiative(key)
	if err != nil {
		return false, nil // no initiative has that key
	}
	return s.store.DeleteInitiative(ctx, key)
}

// LinkTheme links an initiative to a theme as a curator's (source user).
func (s *Service) LinkTheme(ctx context.Context, key, theme string) error {
	return s.themeEdit(ctx, key, theme, s.store.LinkTheme)
}

// UnlinkTheme removes a theme and keeps it suppressed for later imports.
func (s *Service) UnlinkTheme(ctx context.Context, key, theme string) error {
	return s.themeEdit(ctx, key, theme, s.store.UnlinkTheme)
}

// themeEdit runs a theme link edit with a checked slug.
func (s *Service) themeEdit(ctx context.Context, key, theme string, write func(ctx context.Context, key, theme string) error) error {
	return s.edit(ctx, key, func(key string) error {
		t := strings.TrimSpace(theme)
		if t == "" {
			return domain.Errorf(domain.EINVALID, "a theme slug is required")
		}
		return write(ctx, key, t)
	})
}

// LinkCity places an initiative in a city (and its country), replacing
// any other place.
func (s *Service) LinkCity(ctx context.Context, key, cityID string) error {
	return s.edit(ctx, key, func(key string) error {
		id := strings.TrimSpace(cityID)
		if id == "" {
			return domain.Errorf(domain.EINVALID, "a city id is required")
		}
		return s.store.LinkCity(ctx, key, id)
	})
}

// UnlinkCity removes an initiative's city; its country stays.
func (s *Service) UnlinkCity(ctx context.Context, key string) error {
	return s.edit(ctx, key, func(key string) error { return s.store.UnlinkCity(ctx, key) })
}

// edit runs one link edit of the initiative key and, when it was written,
// the refresh.
func (s *Service) edit(ctx context.Context, key string, write func(key string) error) error {
	key, err := initiative(key)
	if err != nil {
		return err
	}
	if err := write(key); err != nil {
		return err
	}
	s.refresh(ctx, key)
	return nil
}

// refresh runs the incremental similarity refresh of an edited initiative.
// The edit is saved and marked; a failure leaves the mark for the sweeper
// and is logged, never returned (see the package comment).
func (s *Service) refresh(ctx context.Context, key string) {
	if err := s.store.RefreshSimilar(ctx, key); err != nil {
		s.log.WarnContext(ctx, "similar links not refreshed after curation; the initiative stays marked (similarStale) and the server's sweeper or the next import retries",
			"initiative", key, "err", err)
	}
}

// initiative checks an initiative key given to a link edit or a delete.
// A key not in key form names no initiative: ENOTFOUND, as the store would
// answer, without asking it.
func initiative(key string) (string, error) {
	if k := strings.TrimSpace(key); domain.ValidKey(k) {
		return k, nil
	}
	return "", domain.Errorf(domain.ENOTFOUND, "initiative %q not found", key)
}
