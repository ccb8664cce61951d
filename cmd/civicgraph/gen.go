package main

import (
	"context"
	"io"
)

// runGen generates synthetic initiatives; see bench/README.md.
func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageError{"gen is not implemented yet"}
}
