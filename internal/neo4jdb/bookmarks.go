package neo4jdb

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// Read-your-writes across API servers. Within one process every statement
// already goes through the driver's process-wide bookmark manager, so a
// read waits for the writes this process made. Behind a load balancer the
// next request may reach another server: a curation response therefore
// carries the bookmarks of its write (domain.RecordBookmarks; the server
// puts them in the Civicgraph-Bookmark header), and a request that sends
// them back (domain.WithBookmarks) makes its reads wait until the database
// that serves them (a cluster's secondary, with neo4j:// routing) has
// caught up with that write.

// readBookmarks is the bookmark manager of a read in ctx: with bookmarks
// from the client, a manager holding them and this process's own;
// otherwise the driver's process-wide manager, which the writes use.
func (db *DB) readBookmarks(ctx context.Context) neo4j.BookmarkManager {
	own := db.driver.ExecuteQueryBookmarkManager()
	in := domain.BookmarksIn(ctx)
	if len(in) == 0 {
		return own
	}
	mine, _ := own.GetBookmarks(ctx)
	return neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{InitialBookmarks: neo4j.CombineBookmarks(in, mine)})
}

// wrote records the bookmarks a committed write left, for the response.
func wrote(ctx context.Context, bms neo4j.Bookmarks) { domain.RecordBookmarks(ctx, bms) }
