// Package explorer serves civicgraph's web explorer: a single-page app
// (search, initiative, graph, map, charts) built from web/ with esbuild and
// embedded here, plus GraphiQL at /graphiql. Both use only the public
// GraphQL API at /graphql, like any other front-end.
//
// The built files under dist/ are committed, so `go build` needs no Node.js;
// `make explorer-check` rebuilds web/ and fails when dist/ is out of date
// (see web/README.md).
//
// It imports nothing internal: the server mounts Handler at /.
package explorer

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed dist
var dist embed.FS

// csp allows only this origin: no CDN, no tile server, no external font.
// Styles may be inline (cytoscape and GraphiQL set style attributes);
// images may be data: URLs (GraphiQL's icons).
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"

// file is one embedded file, with its gzip form when that is smaller.
type file struct {
	body        []byte
	gz          []byte
	contentType string
	etag        string
	immutable   bool
}

type handler struct {
	mu    sync.Mutex
	files map[string]*file // by URL path
}

// Handler returns the explorer's handler. It answers GET and HEAD:
//
//	/assets/<name>   the built files (content-hashed names, cached for a year; 404 when unknown)
//	/graphiql        GraphiQL, pointed at /graphql
//	/favicon.svg     the icon
//	anything else    index.html, so that every view's URL (/initiative/<key>,
//	                 /graph/<id>, /map, /charts, /?q=…) loads the app (history API routing)
//
// Responses are gzip-compressed for clients that accept it.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic("explorer: embedded dist missing: " + err.Error())
	}
	h := &handler{files: map[string]*file{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		sum := sha256.Sum256(b)
		h.files["/"+p] = &file{body: b, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`,
			immutable: strings.HasPrefix(p, "assets/")}
		return nil
	})
	if err != nil {
		panic("explorer: reading embedded dist: " + err.Error())
	}
	if h.files["/index.html"] == nil || h.files["/graphiql.html"] == nil {
		panic("explorer: embedded dist has no index.html or graphiql.html; run `make explorer-build`")
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	var f *file
	switch {
	case p == "/graphiql" || p == "/graphiql.html":
		f = h.files["/graphiql.html"]
	case p == "/assets" || strings.HasPrefix(p, "/assets/") || path.Ext(p) == ".svg" || p == "/favicon.ico":
		f = h.files[p]
		if f == nil {
			http.NotFound(w, r)
			return
		}
	default:
		f = h.files["/index.html"]
	}
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("ETag", f.etag)
	hd.Add("Vary", "Accept-Encoding")
	if f.immutable {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	if strings.HasPrefix(f.contentType, "text/html") {
		hd.Set("Content-Security-Policy", csp)
		hd.Set("Referrer-Policy", "no-referrer")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if acceptsGzip(r) {
		if gz := h.gzipped(f); gz != nil {
			hd.Set("Content-Encoding", "gzip")
			body = gz
		}
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// gzipped compresses f once, on first use; nil when it does not pay.
func (h *handler) gzipped(f *file) []byte {
	if len(f.body) < 1024 {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if f.gz == nil {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(f.body)
		_ = zw.Close()
		f.gz = buf.Bytes()
		if len(f.gz) >= len(f.body) {
			f.gz = []byte{}
		}
	}
	if len(f.gz) == 0 {
		return nil
	}
	return f.gz
}

// acceptsGzip reports whether Accept-Encoding lists gzip with a non-zero q.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			continue
		}
		if v, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if q, err := strconv.ParseFloat(v, 64); err == nil && q == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// Request is one GraphQL request the explorer sends on a first visit.
type Request struct {
	View      string         `json:"view"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// Warmup returns the requests of a first visit (the landing, a search, an
// initiative page, the about page), as the views themselves build them:
// web/build.mjs writes them to dist/warmup.json from each view's warmup().
// The server runs them once at start, so Neo4j has planned their
// statements before the first user asks.
func Warmup() ([]Request, error) {
	b, err := dist.ReadFile("dist/warmup.json")
	if err != nil {
		return nil, fmt.Errorf("explorer: warm-up requests: %w", err)
	}
	var rs []Request
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("explorer: warm-up requests: %w", err)
	}
	return rs, nil
}
