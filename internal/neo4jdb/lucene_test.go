package neo4jdb_test

import (
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/neo4jdb"
)

func TestEscapeLucene(t *testing.T) {
	for _, special := range strings.Split(`+ - & | ! ( ) { } [ ] ^ " ~ * ? : \ /`, " ") {
		got := neo4jdb.EscapeLucene("a" + special + "b")
		if got != `a\`+special+"b" {
			t.Errorf("EscapeLucene(%q) = %q", "a"+special+"b", got)
		}
	}
	if got := neo4jdb.EscapeLucene("Łódź citizens"); got != "Łódź citizens" {
		t.Errorf("plain text changed: %q", got)
	}
}

func TestLuceneQuery(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Lodz", "(lodz^3 OR lodz*^1.5)"},
		// Any word may match; all words and the phrase score more; only the
		// last word is a prefix; only words of six letters or more are fuzzy.
		{"Volunteers ŁÓDŹ", `(volunteers^3 OR volunteers~1^0.5) OR (lodz^3 OR lodz*^1.5) OR (volunteers AND lodz)^4 OR "volunteers lodz"^6`},
		{"flood", "(flood^3 OR flood*^1.5)"},
		// Syntax is text; stop words ("or") are not looked for.
		{`title:"x" OR (y)`, `(title^3) OR (x^3) OR (y^3) OR (title AND x AND y)^4 OR "title x y"^6`},
		{"the", ""},
		{"   ", ""},
	} {
		if got := neo4jdb.LuceneQuery(tc.in); got != tc.want {
			t.Errorf("LuceneQuery(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	// However many words, the query stays bounded.
	long := strings.Repeat("word ", 500) + strings.Repeat("other ", 3)
	if n := strings.Count(neo4jdb.LuceneQuery(long), " AND "); n > 11 {
		t.Errorf("%d terms in a query", n+1)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Łódź": "lodz", "Klaipėda": "klaipeda", "Ærø Straße": "aero strasse", "  MÜNCHEN ": "munchen"} {
		if got := neo4jdb.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactURI(t *testing.T) {
	if got := neo4jdb.RedactURI("neo4j+s://user:pw@host:7687"); got != "neo4j+s://***@host:7687" {
		t.Errorf("got %q", got)
	}
}
