package domain

import (
	"strconv"
	"strings"
)

// Parts says which parts of an initiative a read needs besides its key,
// title and sort key (which are always read). The API derives them from the
// GraphQL selection (graph/plan.go) and the store's statement reads only
// those (internal/neo4jdb/plan.go).
type Parts uint16

// The parts of an initiative. PartCityCountry, PartCityNames and
// PartPlaceEvidence are modifiers: they widen the city and country links when those are read.
const (
	PartSummary Parts = 1 << iota
	PartSources       // the initiative's own sources (links carry theirs)
	PartCity          // the city link: the city's id, name, code, position, population
	PartCountry       // the country link: code and name
	PartThemes
	PartAwards
	PartLevel         // the level of government with its confidence, evidence and sources
	PartCityCountry   // the city's country name (City.country), one more hop
	PartCityNames     // the city's alternate names (City.alternateNames)
	PartPlaceEvidence // confidence, evidence and sources of the city and country links
	PartFlags         // titleDerived, titleIncomplete, covid
	PartAltTitles     // the alternate titles of merged duplicates
	// PartPlace is both place links with everything they carry.
	PartPlace = PartCity | PartCountry | PartCityCountry | PartCityNames | PartPlaceEvidence
	PartsAll  = PartSummary | PartSources | PartPlace | PartThemes | PartAwards | PartLevel | PartFlags | PartAltTitles
)

// InitiativePlan is what a read of initiatives returns for each one: the
// parts its selection asks for and the similar lists selected under it,
// each with its own arguments and its own plan for the linked
// initiatives. The store turns a plan into one statement, so a nested
// similar list costs no round trip of its own.
type InitiativePlan struct {
	Parts   Parts
	Similar []SimilarPlan
}

// LinkParts say what a similar list reads of each link besides the
// linked initiative, its score and its shared themes' slugs.
type LinkParts uint8

// The parts of a similar link.
const (
	LinkDetail     LinkParts = 1 << iota // the score's components, the closest sentences, the shared terms
	LinkThemeNodes                       // the shared themes' nodes (names, descriptions)
	LinksAll       = LinkDetail | LinkThemeNodes
)

// SimilarPlan is one selected `similar` field of an initiative, or the
// list of `similarInitiatives`.
type SimilarPlan struct {
	// Key names the list among the initiative's similar lists (the API
	// uses the field's response key and arguments): one initiative may
	// select similar twice with different arguments.
	Key           string
	First         int
	DifferentCity bool
	Links         LinkParts
	Target        InitiativePlan
}

// WholePlan reads every part and no similar list: the plan of reads
// whose caller does not know the selection (exports, tests).
var WholePlan = InitiativePlan{Parts: PartsAll}

// String is a canonical text of the plan: equal plans give equal
// strings, so it keys per-request loaders and statement caches.
func (p InitiativePlan) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p InitiativePlan) write(b *strings.Builder) {
	b.WriteString(strconv.Itoa(int(p.Parts & PartsAll)))
	for _, s := range p.Similar {
		b.WriteString("[" + strconv.Quote(s.Key) + " " + strconv.Itoa(s.First) + " " + strconv.FormatBool(s.DifferentCity) + " " + strconv.Itoa(int(s.Links)) + " ")
		s.Target.write(b)
		b.WriteString("]")
	}
}

// InitiativeRow is an initiative as a planned read returns it: the
// initiative and the similar lists its plan asked for, by response key.
// It is read state, kept apart from the Initiative content type.
type InitiativeRow struct {
	*Initiative
	Similar map[string][]*SimilarRow
	// SortKey is the stored title sort key (folded title, then the key;
	// unique) when the read selected it; keyset cursors carry it.
	SortKey string
	// CityCountryName is the name of the country of the initiative's
	// city, when the plan had PartCityCountry ("" when the graph has no
	// such country).
	CityCountryName string
}

// CityLink returns the row's city link with its country's name (nil when
// the initiative has no city).
func (r *InitiativeRow) CityLink() *CityLinkRow {
	if r.City == nil {
		return nil
	}
	return &CityLinkRow{CityRef: r.City, CountryName: r.CityCountryName}
}

// CityLinkRow is an initiative's city link as a read returns it: the link
// and the name of its city's country.
type CityLinkRow struct {
	*CityRef
	CountryName string
}

// AsCity returns the city row the link points at.
func (l *CityLinkRow) AsCity() *CityRow {
	return &CityRow{City: l.CityRef.AsCity(), CountryName: l.CountryName}
}

// CityRow is a city as a read returns it: the city and, read with it, the
// name of its country ("" when the graph has no such country).
type CityRow struct {
	*City
	CountryName string
}

// SimilarRow is a similar link as a planned read returns it: the link,
// the linked initiative (read by the link's target plan) and the shared
// themes' nodes, in the link's order.
type SimilarRow struct {
	SimilarLink
	Target *InitiativeRow
	Themes []*Theme
}
