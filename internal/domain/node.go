package domain

import (
	"strconv"
	"strings"
)

// Node is anything with a global ID (the GraphQL Node interface).
type Node interface {
	// GlobalID is "kind/key", stable across imports.
	GlobalID() string
}

// GlobalID implementations: "kind/key".
func (i *Initiative) GlobalID() string { return KindInitiative + "/" + i.ID }
func (c *City) GlobalID() string       { return KindCity + "/" + c.ID }
func (c *Country) GlobalID() string    { return KindCountry + "/" + c.Code }
func (t *Theme) GlobalID() string      { return KindTheme + "/" + t.Slug }
func (y *AwardYear) GlobalID() string  { return KindYear + "/" + strconv.Itoa(y.Year) }

// ParseGlobalID splits "kind/key". A bare key (no slash, or an unknown
// kind) is returned with kind "" so callers can accept plain keys too.
func ParseGlobalID(id string) (kind, key string) {
	k, rest, ok := strings.Cut(id, "/")
	if !ok {
		return "", id
	}
	switch k {
	case KindInitiative, KindCity, KindCountry, KindTheme, KindYear:
		return k, rest
	}
	return "", id
}

// AsCity returns the city node an initiative's city link points at.
func (c *CityRef) AsCity() *City {
	return &City{ID: c.ID, Name: c.Name, CountryCode: c.CountryCode, Lat: c.Lat, Lon: c.Lon, Population: c.Population, AltNames: c.AltNames}
}

// AsCountry returns the country node a country link points at.
func (c *CountryRef) AsCountry() *Country { return &Country{Code: c.Code, Name: c.Name} }
