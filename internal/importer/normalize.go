package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/textfold"
)

// fold maps a string to its comparison form (textfold.WordForm):
// diacritics removed, lower case, apostrophes joining, every run of other
// characters one space. "Kėdainiai" and "Kedainiai", "Citizens’" and
// "Citizens'" fold alike. Display text is never folded.
func fold(s string) string { return textfold.WordForm(s) }

// Key returns the stable record key for a title: domain.InitiativeKey, the
// one key rule (curation keys titles by it too).
func Key(title string) string { return domain.InitiativeKey(title) }

// cleanText trims a line for display: spaces collapsed and trimmed, the
// original characters (curly quotes, dashes) kept.
func cleanText(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// words splits s on white space.
func words(s string) []string { return strings.Fields(s) }

// titleCaseRatio is the share of words of four letters or more that start
// with an upper-case letter (or a digit/symbol such as '#').
func titleCaseRatio(ws []string) float64 {
	n, up := 0, 0
	for _, w := range ws {
		w = strings.TrimLeft(w, "“\"‘'(«#+")
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters < 4 {
			continue
		}
		n++
		for _, r := range w {
			if unicode.IsUpper(r) {
				up++
			}
			break
		}
	}
	if n == 0 {
		return 1
	}
	return float64(up) / float64(n)
}

// isAllCaps reports whether s has letters and none of them is lower case.
func isAllCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 0
}

// startsLower reports whether the first letter of s is lower case.
func startsLower(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
		if unicode.IsDigit(r) {
			return false
		}
	}
	return false
}

// closers are characters that may follow a sentence's final punctuation.
const closers = "”\"’'»)]"

// endsSentence reports whether s ends with final punctuation, optionally
// followed by closing quotes or brackets.
func endsSentence(s string) bool {
	t := strings.TrimRight(strings.TrimSpace(s), closers)
	if t == "" {
		return false
	}
	switch {
	case strings.HasSuffix(t, "."), strings.HasSuffix(t, "!"), strings.HasSuffix(t, "?"),
		strings.HasSuffix(t, "…"):
		return true
	}
	return false
}

// cutMark is the cut mark of ipi pages.
const cutMark = "[…]"

// isSentence reports whether a line is certainly a description rather than
// a title: it ends with a full stop (or the ipi cut mark, or an ellipsis),
// or it is too long for a title. Titles may end in "!" or "?", so those
// endings alone do not decide.
func isSentence(s string) bool {
	t := strings.TrimSpace(s)
	if strings.Contains(t, cutMark) || strings.HasSuffix(t, "...") || strings.HasSuffix(t, "…") {
		return true
	}
	core := strings.TrimRight(t, closers)
	n := len(words(t))
	if strings.HasSuffix(core, ".") && n >= 3 {
		return true
	}
	if (strings.HasSuffix(core, "!") || strings.HasSuffix(core, "?")) && n > 16 {
		return true
	}
	return n > 22 || len(t) > 200
}

// looksLikeTitle guesses from shape alone whether a line that is not
// certainly a sentence is a title: short, or mostly Title Case. COVID
// measures have sentence-case titles, so covid pages accept longer ones.
func looksLikeTitle(s string, covid bool) bool {
	if isSentence(s) {
		return false
	}
	ws := words(s)
	switch {
	case len(ws) <= 8:
		return true
	case titleCaseRatio(ws) >= 0.5:
		return true
	case covid && len(ws) <= 16:
		return true
	}
	return len(ws) <= 11
}

// strongTitle is a stricter looksLikeTitle used to decide that a title has
// no description: short or Title Case, no final punctuation.
func strongTitle(s string) bool {
	if isSentence(s) || endsSentence(s) {
		return false
	}
	ws := words(s)
	return len(ws) <= 4 || (len(ws) <= 14 && titleCaseRatio(ws) >= 0.6)
}

// trimLeadingPunct removes dashes, bullets and other punctuation that a
// title starts with when the page printed it without its start ("– Citizen
// Participation Platform"); ok reports that something was removed. Opening
// quotes, brackets and hashtags (“Casettiamo…”, #WirVsVirus, +Ricicli) are
// part of titles and stay.
func trimLeadingPunct(t string) (string, bool) {
	out := strings.TrimLeftFunc(t, func(r rune) bool {
		switch r {
		case '–', '—', '-', '‐', '•', '·', ',', ';', ':', '.', '…', '/', '|':
			return true
		}
		return unicode.IsSpace(r)
	})
	return out, out != t && out != ""
}

// tooShortTitle reports a title of one word under four letters that is not
// an acronym ("Fee", not "ZOE" or "B2B"): too short to be a whole name, so
// most likely cut; it is kept, marked incomplete.
func tooShortTitle(t string) bool {
	if strings.ContainsFunc(t, unicode.IsSpace) || utf8.RuneCountInString(t) >= 4 {
		return false
	}
	return !isAllCaps(t)
}
