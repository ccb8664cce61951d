package themes

import (
	"crypto/sha256"
	"encoding/binary"
)

// Precision compares assigned themes with hand labels, micro-averaged over
// theme assignments: precision is the share of assigned (title, theme)
// pairs that a labeller also chose, recall the share of labelled pairs that
// were assigned. Only titles present in labelled count; a labelled title
// missing from got counts as assigning nothing. A ratio with an empty
// denominator is reported as 1.
func Precision(labelled map[string][]string, got map[string][]string) (precision, recall float64) {
	var tp, assigned, wanted int
	for title, want := range labelled {
		w := map[string]bool{}
		for _, s := range want {
			w[s] = true
		}
		wanted += len(w)
		seen := map[string]bool{}
		for _, s := range got[title] {
			if seen[s] {
				continue
			}
			seen[s] = true
			assigned++
			if w[s] {
				tp++
			}
		}
	}
	precision, recall = 1, 1
	if assigned > 0 {
		precision = float64(tp) / float64(assigned)
	}
	if wanted > 0 {
		recall = float64(tp) / float64(wanted)
	}
	return precision, recall
}

// HeldOut reports whether a labelled initiative belongs to the held-out
// part of testdata/labelled.tsv: the first 8 bytes of the SHA-256 of its
// key, read big-endian, are divisible by 3 (64 of the 190). The tuning
// constants of Classify and Meaning are chosen on the other part only;
// the held-out part measures them.
func HeldOut(key string) bool {
	h := sha256.Sum256([]byte(key))
	return binary.BigEndian.Uint64(h[:8])%3 == 0
}
