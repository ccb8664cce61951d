package neo4jdb

import (
	"context"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// One request holds at most `concurrent` statement slots and runs at most
// `max` statements; no database is needed to see it.
func TestStatementBudget(t *testing.T) {
	db := &DB{}
	ctx, n := WithQueryCounter(context.Background())
	ctx = WithStatementBudget(ctx, 4, 2)
	end1, err1 := db.begin(ctx)
	end2, err2 := db.begin(ctx)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	// A third statement waits for a slot, within the request's deadline.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := db.begin(short); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("third concurrent statement: %v, want to wait and time out", err)
	}
	got := make(chan error, 1)
	go func() {
		end, err := db.begin(ctx)
		if err == nil {
			end(nil)
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("admitted while two slots were held: %v", err)
	case <-time.After(30 * time.Millisecond):
	}
	end1(nil)
	if err := <-got; err != nil {
		t.Fatalf("after a slot was freed: %v", err)
	}
	end2(nil)
	// Four admitted in all (the timed-out one counted against the budget
	// too); the fifth is over it.
	if _, err := db.begin(ctx); domain.ErrorCode(err) != domain.ELIMIT {
		t.Fatalf("fifth statement: %v, want %s", err, domain.ELIMIT)
	}
	if n.Load() != 3 {
		t.Errorf("%d round trips counted, want 3 (refused statements make none)", n.Load())
	}
}
