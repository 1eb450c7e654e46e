package slack

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
)

// lookupCounter counts the store's handle lookups.
type lookupCounter struct {
	conversation.Store
	n atomic.Int64
}

func (s *lookupCounter) FindPersonByHandle(ctx context.Context, platform, team, user string) (*conversation.Person, error) {
	s.n.Add(1)
	return s.Store.FindPersonByHandle(ctx, platform, team, user)
}

// A Slack user seen again soon, with the same users.info answer and DM
// channel, is the same person without asking the store; a new channel, the
// cache running out or a saved profile sends the next event to the store.
func TestIdentifyRemembersTheUser(t *testing.T) {
	ctx := context.Background()
	bolt, err := boltstore.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	store := &lookupCounter{Store: bolt}
	sb := newStubBot(t, store)
	a := sb.ad
	w := who{team: benchTeam, user: jo.ID, channel: "D02JO"}
	var base int64 // lookups before the first call below returned
	identify := func(w who, wantLookups int64) *conversation.Person {
		t.Helper()
		wantLookups += base
		per, err := a.identify(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		if per.ID != jo.Email {
			t.Fatalf("identified %q, want %q", per.ID, jo.Email)
		}
		if got := store.n.Load(); got != wantLookups {
			t.Fatalf("store lookups %d, want %d", got, wantLookups)
		}
		return per
	}
	if _, err := a.identify(ctx, w); err != nil { // a new user: found or created
		t.Fatal(err)
	}
	base = store.n.Load() - 1
	first := identify(w, 1)
	first.Name = "changed by the caller"
	if again := identify(w, 1); again.Name != jo.Name {
		t.Errorf("second identify gave name %q: the cached person is shared with callers", again.Name)
	}
	identify(who{team: benchTeam, user: jo.ID}, 1)                     // no channel in the event: still him
	identify(who{team: benchTeam, user: jo.ID, channel: "D0OTHER"}, 3) // found, then saved under the lock
	per, err := store.Store.GetPerson(ctx, jo.Email)
	if err != nil {
		t.Fatal(err)
	}
	if len(per.Handles) != 1 || per.Handles[0].Channel != "D0OTHER" {
		t.Errorf("stored handles %+v, want the new DM channel recorded", per.Handles)
	}
	identify(who{team: benchTeam, user: jo.ID, channel: "D0OTHER"}, 3)
	a.users.forgetPerson(userKey(benchTeam, jo.ID))
	identify(who{team: benchTeam, user: jo.ID, channel: "D0OTHER"}, 4)
	sb.env.Clock.Advance(a.opts.UserCacheTTL + time.Second)
	identify(who{team: benchTeam, user: jo.ID, channel: "D0OTHER"}, 5)
}
