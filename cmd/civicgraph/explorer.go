package main

import (
	"net/http"

	"github.com/civicgraph/civicgraph/internal/explorer"
)

// explorerHandler serves the web explorer at / (history-API routes fall
// back to its index.html), its assets under /assets/ and GraphiQL at
// /graphiql; see internal/explorer.
func explorerHandler() http.Handler {
	return explorer.Handler()
}
