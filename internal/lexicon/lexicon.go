// Package lexicon translates the foreign words of a search query into
// English, so that a German or Polish word finds the English summaries it
// means by words too, not only through the embedding model (which reads a
// single foreign compound poorly: "Bürgerrat", "Radwege", "Impfung").
//
// The dictionaries are FreeDict's X→English dictionaries in dictd format
// (an .index of headword, offset and length in base64, and a gzip-compressed
// .dict.dz of entries), with Debian's American English word list telling an
// English word from a foreign one; scripts/lexicon.sh provisions them.
//
// The rule, per query word (lower-cased, diacritics kept):
//   - words shorter than MinLen, English words (in the word list) and the
//     words Keep names (place names) are left alone: "rat", "die" and
//     "art" are English too, "Łódź" is a city before it is a boat;
//   - a headword of some dictionary gives its first English renderings
//     (entry lines whose comma-separated items are 1–3 English words;
//     glosses in the source language, examples and cross references are
//     skipped);
//   - else an inflected form (six letters or more) finds its headword: the
//     one sharing the longest prefix with the word where each differs from
//     that prefix in its last two letters at most ("uchodźcy" → "uchodźca"
//     → refugee; "bürgerrat" does not take "bürgerrecht");
//   - else a compound splits into two headwords (left at least four
//     letters, right at least three), the right part as long as possible,
//     the left with or without a linking -s, -es, -n, -en or -e
//     ("Stadtbäume" → "stadt" + "bäume" → "town trees", "city trees"):
//     each of the first two renderings of the left part with each of the
//     right's, since the dictionary's first sense of a part is often not
//     the compound's ("Haushalt" gives household, then budget).
//
// The lexicon is read-only after Load and safe for concurrent use.
package lexicon

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

const (
	// MinLen is the shortest word (in letters) that is looked up.
	MinLen = 4
	// maxItems is how many English renderings a headword keeps.
	maxItems = 3
	// maxItemWords bounds a rendering's length: "honorary post" is one,
	// a sentence of explanation is not.
	maxItemWords = 3
	// minRight is the shortest right part of a compound ("Bürgerrat").
	minRight = 3
	// MaxWords is how many of a query's words are looked at (search
	// itself looks for its first 12): a long text costs no more.
	MaxWords = 12
	// MaxAdded bounds what one query gains.
	MaxAdded = 8
)

// Lexicon maps foreign headwords to English renderings.
type Lexicon struct {
	// Keep, if set, names words that stay untranslated although a
	// dictionary knows them: the server passes the gazetteer's place
	// names, so "Łódź" is the city, not a boat. Set it before use.
	Keep func(word string) bool

	english map[string]struct{}
	dicts   []*dict // largest first: a word found in several takes the largest's renderings
}

// dict is one X→English dictionary. Languages stay apart so that a
// compound's parts come from one language (Danish "rat" is a steering
// wheel, German "Rat" a council).
type dict struct {
	name  string
	trans map[string]string // headword → renderings joined by "|"
	keys  []string          // sorted headwords, for inflected forms
}

// Load reads english.words and every freedict-*-eng.index with its
// .dict.dz in dir.
func Load(dir string) (*Lexicon, error) {
	l := &Lexicon{english: map[string]struct{}{}}
	if err := l.readEnglish(filepath.Join(dir, "english.words")); err != nil {
		return nil, err
	}
	idx, err := filepath.Glob(filepath.Join(dir, "freedict-*-eng.index"))
	if err != nil {
		return nil, err
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("lexicon: no freedict-*-eng.index in %s (run scripts/lexicon.sh ensure)", dir)
	}
	for _, f := range idx {
		d := &dict{name: strings.TrimSuffix(filepath.Base(f), ".index"), trans: map[string]string{}}
		if err := d.read(f, strings.TrimSuffix(f, ".index")+".dict.dz", l.english); err != nil {
			return nil, err
		}
		d.keys = make([]string, 0, len(d.trans))
		for k := range d.trans {
			d.keys = append(d.keys, k)
		}
		sort.Strings(d.keys)
		l.dicts = append(l.dicts, d)
	}
	sort.SliceStable(l.dicts, func(i, j int) bool { return len(l.dicts[i].keys) > len(l.dicts[j].keys) })
	return l, nil
}

// Len is the number of headwords with an English rendering.
func (l *Lexicon) Len() int {
	n := 0
	for _, d := range l.dicts {
		n += len(d.keys)
	}
	return n
}

// Dictionaries names the dictionaries read, largest first.
func (l *Lexicon) Dictionaries() []string {
	out := make([]string, len(l.dicts))
	for i, d := range l.dicts {
		out[i] = d.name
	}
	return out
}

func (l *Lexicon) readEnglish(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("lexicon: %w (run scripts/lexicon.sh ensure)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			l.english[strings.ToLower(w)] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("lexicon: read %s: %w", path, err)
	}
	if len(l.english) == 0 {
		return fmt.Errorf("lexicon: %s holds no words", path)
	}
	return nil
}

func (d *dict) read(indexPath, dictPath string, english map[string]struct{}) error {
	zf, err := os.Open(dictPath)
	if err != nil {
		return fmt.Errorf("lexicon: %w", err)
	}
	defer zf.Close()
	zr, err := gzip.NewReader(zf)
	if err != nil {
		return fmt.Errorf("lexicon: %s: %w", dictPath, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("lexicon: %s: %w", dictPath, err)
	}
	f, err := os.Open(indexPath)
	if err != nil {
		return fmt.Errorf("lexicon: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) < 3 {
			continue
		}
		head := strings.ToLower(strings.TrimSpace(parts[0]))
		if head == "" || strings.HasPrefix(head, "00database") || strings.ContainsAny(head, " -'") {
			continue
		}
		off, ok1 := b64(parts[1])
		n, ok2 := b64(parts[2])
		if !ok1 || !ok2 || off+n > len(data) {
			return fmt.Errorf("lexicon: %s:%d: bad offset or length", indexPath, line)
		}
		d.add(head, renderings(string(data[off:off+n]), english))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("lexicon: read %s: %w", indexPath, err)
	}
	return nil
}

// add appends renderings to a headword's, up to maxItems distinct.
func (d *dict) add(head string, items []string) {
	if len(items) == 0 {
		return
	}
	have := []string{}
	if s := d.trans[head]; s != "" {
		have = strings.Split(s, "|")
	}
	for _, it := range items {
		if len(have) == maxItems {
			break
		}
		dup := false
		for _, h := range have {
			dup = dup || h == it
		}
		if !dup {
			have = append(have, it)
		}
	}
	d.trans[head] = strings.Join(have, "|")
}

// b64 decodes dictd's base64 numbers (most significant digit first).
func b64(s string) (int, bool) {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(digits, s[i])
		if d < 0 || n > 1<<40 {
			return 0, false
		}
		n = n*64 + d
	}
	return n, true
}

// renderings reads the English items of one entry: the lines after the
// headword line, without sense numbers, bracketed notes and parentheses;
// an item counts when it has 1–maxItemWords words, all English.
func renderings(entry string, english map[string]struct{}) []string {
	lines := strings.Split(entry, "\n")
	var out []string
	for _, ln := range lines[1:] {
		ln = strings.TrimSpace(ln)
		if ln == "" || strings.ContainsAny(ln, "\"“„") || strings.HasPrefix(ln, "Synonym") ||
			strings.HasPrefix(ln, "see:") || strings.HasPrefix(ln, "Note") || strings.HasPrefix(ln, "Antonym") {
			continue
		}
		ln = stripBrackets(ln)
		for _, it := range strings.FieldsFunc(ln, func(r rune) bool { return r == ',' || r == ';' }) {
			it = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(it), "0123456789."))
			ws := strings.Fields(it)
			if len(ws) == 0 || len(ws) > maxItemWords {
				continue
			}
			ok := true
			for _, w := range ws {
				_, known := english[strings.ToLower(strings.Trim(w, ".!?:'’"))]
				ok = ok && known
			}
			if ok {
				out = append(out, strings.ToLower(strings.Trim(strings.Join(ws, " "), ".!?:'’")))
			}
		}
	}
	return out
}

// stripBrackets removes [..], <..>, (..), {..} and /../ (pronunciation).
func stripBrackets(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '[', '<', '(', '{':
			depth++
			continue
		case ']', '>', ')', '}':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Translate returns, for each foreign word of text that it knows, that
// word's English renderings, best first (at most MaxAdded in all, each
// once); nil when every word is English or unknown.
func (l *Lexicon) Translate(text string) [][]string {
	if l == nil {
		return nil
	}
	var out [][]string
	seen := map[string]bool{}
	n := 0
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words[:min(len(words), MaxWords)] {
		var group []string
		for _, it := range l.word(w) {
			if n < MaxAdded && !seen[it] {
				seen[it] = true
				group = append(group, it)
				n++
			}
		}
		if group != nil {
			out = append(out, group)
		}
	}
	return out
}

// word translates one lower-cased word (see the package comment).
func (l *Lexicon) word(w string) []string {
	rs := []rune(w)
	if len(rs) < MinLen {
		return nil
	}
	if _, ok := l.english[w]; ok {
		return nil
	}
	if l.Keep != nil && l.Keep(w) {
		return nil
	}
	for _, d := range l.dicts {
		if s, ok := d.trans[w]; ok {
			return firstN(s, 2)
		}
	}
	for _, d := range l.dicts {
		if h := d.inflected(rs); h != "" {
			return firstN(d.trans[h], 2)
		}
	}
	for _, d := range l.dicts {
		if out := d.compound(rs); out != nil {
			return out
		}
	}
	return nil
}

// compound splits a word into two headwords of this dictionary, the
// longest right part first; nil when none.
func (d *dict) compound(rs []rune) []string {
	for i := MinLen; i <= len(rs)-minRight; i++ {
		r, ok := d.trans[string(rs[i:])]
		if !ok {
			continue
		}
		left := string(rs[:i])
		for _, link := range []string{"", "s", "es", "n", "en", "e"} { // ASCII: one byte a letter
			if i-len(link) < MinLen || !strings.HasSuffix(left, link) {
				continue
			}
			if lt, ok := d.trans[strings.TrimSuffix(left, link)]; ok {
				var out []string
				for _, a := range firstN(lt, 2) {
					for _, b := range firstN(r, 2) {
						out = append(out, a+" "+b)
					}
				}
				return out
			}
		}
	}
	return nil
}

// inflected finds the headword an inflected form belongs to (see the
// package comment); "" when none.
func (d *dict) inflected(rs []rune) string {
	if len(rs) < 6 {
		return ""
	}
	stem := string(rs[:len(rs)-2])
	i := sort.SearchStrings(d.keys, stem)
	best, bestP, bestLen := "", 0, 0
	for ; i < len(d.keys) && strings.HasPrefix(d.keys[i], stem); i++ {
		k := []rune(d.keys[i])
		if n := len(k) - len(rs); n < -2 || n > 2 {
			continue
		}
		p := 0
		for p < len(k) && p < len(rs) && k[p] == rs[p] {
			p++
		}
		if p < len(k)-2 { // both differ in their last two letters at most
			continue
		}
		if p > bestP || p == bestP && best != "" && len(k) < bestLen {
			best, bestP, bestLen = d.keys[i], p, len(k)
		}
	}
	return best
}

func firstN(joined string, n int) []string {
	items := strings.Split(joined, "|")
	if len(items) > n {
		items = items[:n]
	}
	return items
}
