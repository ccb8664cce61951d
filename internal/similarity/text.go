package similarity

import (
	"strings"
	"unicode"

	"github.com/civicgraph/civicgraph/internal/textfold"
)

// fold removes diacritics from a lowercase word ("bürger" → "burger").
func fold(w string) string { return textfold.Fold(w) }

// token is a word of a document: its stem (the index key) and its
// surface form as written (lowercased), for display.
type token struct{ stem, surface string }

// tokenize lowercases s, splits it into words (runs of letters and
// digits), drops stop words, numbers and one-letter words, folds
// diacritics and stems. An apostrophe does not split a word, and a
// possessive "'s" is dropped: "citizens’" → "citizens", "city's" → "city".
func tokenize(s string, out []token) []token {
	textfold.Words(strings.ToLower(s), func(surface string) {
		f := fold(surface)
		if len(f) < 2 || stopWords[f] || isNumber(f) {
			return
		}
		out = append(out, token{stem: stem(f), surface: surface})
	})
	return out
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// stem is a light, language-agnostic suffix stripper. It only has to map
// inflections of one word to the same key ("volunteers", "volunteering",
// "volunteered" → "volunteer"; "communities" → "communit"); the key is
// never shown. Words of four letters or fewer are left alone.
func stem(w string) string {
	if len(w) <= 4 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "i"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w) >= 7:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w) >= 6:
		w = w[:len(w)-2]
	}
	switch {
	case strings.HasSuffix(w, "y") && len(w) >= 5:
		w = w[:len(w)-1] + "i"
	case strings.HasSuffix(w, "e") && len(w) >= 5:
		w = w[:len(w)-1]
	}
	return w
}

// stopWords are function words of English, German and Swedish, plus
// words every showroom summary uses ("project", "initiative"), which would
// only add noise. Keys are folded (no diacritics).
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{
		// English
		`a about above after again against all also am an and any are as at be because been before being below
		between both but by can could did do does doing down during each even ever every few for from further had has
		have having he her here hers herself him himself his how however i if in into is it its itself just least less
		many may me might more most much must my myself new no nor not now of off often on once one only or other our
		ours ourselves out over own per same shall she should since so some such than that the their theirs them
		themselves then there these they this those though through thus to too two under until up upon us very via
		was we well were what when where whether which while who whom whose why will with within without would yet
		you your yours yourself yourselves way ways make makes made use uses used using get gets take takes new well
		also along among around across whole three four five first second last like let lets help helps`,
		// showroom boilerplate
		`project projects initiative initiatives programme programmes program programs scheme schemes approach
		innovative innovation idea ideas aim aims aimed together`,
		// German
		`aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim bin bis bist da
		damit dann das dass dem den denn der des die dies diese diesem diesen dieser dieses doch dort du durch ein
		eine einem einen einer eines er es etwa euch fur gegen hat hatte hier ich ihr ihre ihrem ihren im in ins ist
		jede jedem jeden jeder jedes jetzt kann kein keine mit muss nach nicht noch nun nur ob oder ohne sein seine
		sich sie sind so sowie uber um und uns unser unsere unter vom von vor war waren was weil wenn wer werden
		wie wir wird wo zu zum zur zwischen`,
		// Swedish
		`alla allt att av blev bli blir da dar de dem den denna deras dess det detta dig din dina ditt du efter eller
		en er ett fran for ha hade han hans har hon hur i icke ingen inom inte jag ju kan kunde man med mellan men
		mig min mina mitt mot mycket ni nagon nagot nar nu och om oss pa samma sedan sig sin sina sitt ska skulle
		som sa till under upp ut utan vad var vara varit vi vid vilka vilken vill ar att sa aven`,
	} {
		for _, w := range strings.Fields(list) {
			m[w] = true
		}
	}
	return m
}()

// generic are words nearly every civic case description uses: shared,
// they say nothing about why two initiatives are alike, so the reason
// never quotes them (they still count in the TF-IDF cosine, weighted by
// their low IDF). Keys are stemmed like terms.
var generic = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`city cities town towns municipality municipalities municipal council councils
		citizen citizens resident residents people person public local region regional country national government
		launch launches launched call calls called part parts year years time times service services work works
		working develop developed development provide provides provided support supports supported create creates
		created offer offers offered include includes including place places area areas community communities
		society social europe european world group groups number opportunity opportunities possible possibility
		based level levels different various important goal goals result results process processes example
		day days week weeks month months start started open opened`) {
		m[stem(fold(w))] = true
	}
	return m
}()
