package domain

import "github.com/civicgraph/civicgraph/internal/textfold"

// InitiativeKey is the one key rule for initiatives, used by the import,
// curation (upsertInitiative without a key) and so by every global ID: the
// title's folded words joined by hyphens (textfold.Key). "Bristol’s First
// Citizens’ Assembly" is bristols-first-citizens-assembly whether it comes
// from a page or from a curator. "" means the title has no letter or digit.
func InitiativeKey(title string) string { return textfold.Key(title) }

// ValidKey reports whether key is already in key form (a curator may give
// one): non-empty and unchanged by InitiativeKey.
func ValidKey(key string) bool { return key != "" && InitiativeKey(key) == key }
