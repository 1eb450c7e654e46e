package slack

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
)

// TestTokenRotation: with Slack's token rotation on, an install keeps its
// refresh token and expiry; a token with less than RefreshMargin left is
// refreshed before it is used, and the new one stored (sealed) for every
// replica; when two replicas refresh at once, both still send, and the
// refresh token stored is the live one, so the next refresh works: no
// token is lost.
func TestTokenRotation(t *testing.T) {
	const life = 12 * time.Hour
	env := bottest.New(t, bottest.Options{})
	r := newReplicas(t, env, DefaultInstallCacheTTL)
	r.fake.Rotate(life, env.Clock.Now)
	ctx := context.Background()
	r.install(healthWS)
	stored := func() (token, refresh string, expires time.Time) {
		t.Helper()
		inst, err := env.Store.SlackInstallation(ctx, "T:"+healthWS.Team)
		if err != nil {
			t.Fatal(err)
		}
		return inst.BotToken, inst.RefreshToken, inst.ExpiresAt
	}
	lastToken := func() string {
		posts := r.fake.Calls("chat.postMessage")
		return posts[len(posts)-1].Token
	}
	tok, refresh, expires := stored()
	if !strings.HasPrefix(tok, "xoxe.xoxb-") || refresh == "" || !expires.Equal(env.Clock.Now().Add(life)) {
		t.Fatalf("installed with token %q, refresh token %q, expiry %v; want a rotating token, its refresh token and expiry in %v", tok, refresh, expires, life)
	}
	if _, err := r.send(r.two); err != nil || r.fake.Refreshes() != 0 {
		t.Fatalf("send with a fresh token: %v, %d refreshes", err, r.fake.Refreshes())
	}

	// Five minutes before it expires, the token is refreshed before use.
	env.Clock.Advance(life - 5*time.Minute)
	if _, err := r.send(r.one); err != nil {
		t.Fatalf("send near expiry: %v", err)
	}
	tok2, refresh2, expires2 := stored()
	if r.fake.Refreshes() != 1 || tok2 == tok || refresh2 == refresh || !expires2.Equal(env.Clock.Now().Add(life)) || lastToken() != tok2 {
		t.Fatalf("near expiry: %d refreshes, stored %q (was %q) until %v, sent with %q; want one refresh and the new token stored and used",
			r.fake.Refreshes(), tok2, tok, expires2, lastToken())
	}

	// Both replicas find it due at once (the second still holds the first
	// token, now expired): both send, and one refresh is kept.
	env.Clock.Advance(life - 5*time.Minute)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, a := range []*Adapter{r.one, r.two} {
		wg.Go(func() { _, errs[i] = r.send(a) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("sends while both replicas refreshed: %v", errs)
	}
	tok3, _, _ := stored()
	if tok3 == tok2 {
		t.Fatalf("no refresh was kept: %q", tok3)
	}

	// The refresh token stored is the live one: the next refresh works.
	env.Clock.Advance(life - 5*time.Minute)
	before := r.fake.Refreshes()
	if _, err := r.send(r.two); err != nil {
		t.Fatalf("send after the race: %v", err)
	}
	if tok4, _, _ := stored(); r.fake.Refreshes() != before+1 || tok4 == tok3 || lastToken() != tok4 {
		t.Errorf("after the race: %d more refreshes, stored %q (was %q), sent with %q; want one, stored and used", r.fake.Refreshes()-before, tok4, tok3, lastToken())
	}
}
