package main

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/playground"
)

// explorerHandler serves the in-browser IDE at /graphiql and / redirects
// to it.
func explorerHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /graphiql", playground.Handler("civicgraph", "/graphql"))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/graphiql", http.StatusFound)
	})
	return mux
}
