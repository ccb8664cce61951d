package embed

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// countingEmbedder is a pure unit-test stand-in: it records what it was
// asked to embed (the real model is tested in e5_test.go).
type countingEmbedder struct{ calls []string }

func (c *countingEmbedder) Model() string { return "test" }
func (c *countingEmbedder) Dim() int      { return 3 }
func (c *countingEmbedder) Query(context.Context, string) ([]float32, error) {
	return []float32{1, 0, 0}, nil
}
func (c *countingEmbedder) Passages(_ context.Context, ts []string) ([][]float32, error) {
	out := make([][]float32, len(ts))
	for i, t := range ts {
		c.calls = append(c.calls, t)
		out[i] = []float32{float32(len(t)), 1, 0}
		Normalize(out[i])
	}
	return out, nil
}

func TestCacheEmbedsOnlyMisses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.bin")
	c, err := OpenCache(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	e := &countingEmbedder{}
	vs, st, err := c.Embed(context.Background(), e, []string{"a", "bb", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Embedded != 2 || len(e.calls) != 2 || Dot(vs[0], vs[2]) < 0.9999 {
		t.Fatalf("first run: %+v, calls %v", st, e.calls)
	}
	// A new process (reopened file) embeds only the new text.
	c2, err := OpenCache(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	e2 := &countingEmbedder{}
	vs2, st2, err := c2.Embed(context.Background(), e2, []string{"bb", "ccc", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if st2.Cached != 2 || st2.Embedded != 1 || len(e2.calls) != 1 || e2.calls[0] != "ccc" {
		t.Fatalf("second run: %+v, calls %v", st2, e2.calls)
	}
	if Dot(vs2[0], vs[1]) < 0.9999 {
		t.Fatal("cached vector differs from the one embedded")
	}
	// A torn last record (killed run) is cut off and appends stay aligned.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{1, 2, 3})
	f.Close()
	c3, err := OpenCache(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	if c3.Len() != 3 {
		t.Fatalf("after a torn record: %d vectors, want 3", c3.Len())
	}
	if _, _, err := c3.Embed(context.Background(), &countingEmbedder{}, []string{"dddd"}); err != nil {
		t.Fatal(err)
	}
	c4, _ := OpenCache(path, 3)
	if c4.Len() != 4 {
		t.Fatalf("append after a cut: %d vectors, want 4", c4.Len())
	}
}
