package explorer_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/explorer"
)

func mustGet(tb testing.TB, h http.Handler, method, target string, header map[string]string) *http.Response {
	tb.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(tb testing.TB, res *http.Response) string {
	tb.Helper()
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			tb.Fatalf("gzip: %v", err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

var scriptRe = regexp.MustCompile(`src="(/assets/[^"]+\.js)"`)
var styleRe = regexp.MustCompile(`href="(/assets/[^"]+\.css)"`)

func TestHandler(t *testing.T) {
	h := explorer.Handler()

	t.Run("every view URL answers the app's index.html", func(t *testing.T) {
		for _, target := range []string{"/", "/?q=volunteers&theme=covid-19", "/initiative/wirvsvirus-hackathon",
			"/graph/city/2761369?expand=theme/covid-19", "/map", "/map?city=2761369", "/charts", "/no/such/view"} {
			res := mustGet(t, h, http.MethodGet, target, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", target, res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("GET %s: content type %q", target, ct)
			}
			b := body(t, res)
			if !strings.Contains(b, `<div id="app">`) || !scriptRe.MatchString(b) {
				t.Fatalf("GET %s: not the explorer page:\n%s", target, b)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Fatalf("GET %s: CSP %q does not keep the page on this origin", target, csp)
			}
			if res.Header.Get("Cache-Control") != "no-cache" {
				t.Fatalf("GET %s: index must be revalidated, Cache-Control %q", target, res.Header.Get("Cache-Control"))
			}
		}
	})

	t.Run("the assets index.html names are served, gzipped and cached", func(t *testing.T) {
		page := body(t, mustGet(t, h, http.MethodGet, "/", nil))
		for _, m := range [][]string{scriptRe.FindStringSubmatch(page), styleRe.FindStringSubmatch(page)} {
			if m == nil {
				t.Fatalf("index.html names no script or stylesheet:\n%s", page)
			}
			res := mustGet(t, h, http.MethodGet, m[1], map[string]string{"Accept-Encoding": "gzip, deflate"})
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", m[1], res.StatusCode)
			}
			want := "text/javascript"
			if strings.HasSuffix(m[1], ".css") {
				want = "text/css"
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
				t.Fatalf("GET %s: content type %q, want %s", m[1], ct, want)
			}
			if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
				t.Fatalf("GET %s: Cache-Control %q", m[1], res.Header.Get("Cache-Control"))
			}
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("GET %s: not gzipped", m[1])
			}
			if len(body(t, res)) == 0 {
				t.Fatalf("GET %s: empty", m[1])
			}
		}
	})

	t.Run("no gzip unless asked", func(t *testing.T) {
		page := body(t, mustGet(t, h, http.MethodGet, "/", nil))
		js := scriptRe.FindStringSubmatch(page)[1]
		for _, ae := range []string{"", "gzip;q=0", "br"} {
			res := mustGet(t, h, http.MethodGet, js, map[string]string{"Accept-Encoding": ae})
			if res.Header.Get("Content-Encoding") != "" {
				t.Fatalf("Accept-Encoding %q: got Content-Encoding %q", ae, res.Header.Get("Content-Encoding"))
			}
		}
	})

	t.Run("unknown asset is 404, not the app", func(t *testing.T) {
		for _, target := range []string{"/assets/nope.js", "/assets/", "/nope.svg"} {
			if res := mustGet(t, h, http.MethodGet, target, nil); res.StatusCode != http.StatusNotFound {
				t.Fatalf("GET %s: status %d, want 404", target, res.StatusCode)
			}
		}
	})

	t.Run("GraphiQL page is bundled locally", func(t *testing.T) {
		res := mustGet(t, h, http.MethodGet, "/graphiql", nil)
		b := body(t, res)
		if res.StatusCode != http.StatusOK || !strings.Contains(b, `id="graphiql"`) {
			t.Fatalf("GET /graphiql: %d\n%s", res.StatusCode, b)
		}
		if strings.Contains(b, "http://") || strings.Contains(b, "https://") {
			t.Fatalf("GraphiQL page loads something from another origin:\n%s", b)
		}
		js := scriptRe.FindStringSubmatch(b)
		if js == nil || mustGet(t, h, http.MethodGet, js[1], nil).StatusCode != http.StatusOK {
			t.Fatalf("GraphiQL script missing: %v", js)
		}
	})

	t.Run("favicon", func(t *testing.T) {
		res := mustGet(t, h, http.MethodGet, "/favicon.svg", nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("favicon: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})

	t.Run("HEAD has headers and no body; ETag revalidates", func(t *testing.T) {
		res := mustGet(t, h, http.MethodHead, "/map", nil)
		if res.StatusCode != http.StatusOK || body(t, res) != "" || res.Header.Get("Content-Length") == "" {
			t.Fatalf("HEAD /map: %d, length %q", res.StatusCode, res.Header.Get("Content-Length"))
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		if res := mustGet(t, h, http.MethodGet, "/map", map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified {
			t.Fatalf("If-None-Match: status %d, want 304", res.StatusCode)
		}
	})

	t.Run("other methods are refused", func(t *testing.T) {
		res := mustGet(t, h, http.MethodPost, "/", nil)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
			t.Fatalf("POST /: %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
		}
	})
}

// The committed bundle must not carry source maps (see web/README.md).
func TestNoSourceMaps(t *testing.T) {
	h := explorer.Handler()
	page := body(t, mustGet(t, h, http.MethodGet, "/", nil))
	js := body(t, mustGet(t, h, http.MethodGet, scriptRe.FindStringSubmatch(page)[1], nil))
	if bytes.Contains([]byte(js), []byte("sourceMappingURL")) {
		t.Fatal("app bundle references a source map")
	}
}
