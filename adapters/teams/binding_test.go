package teams

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
)

// TestTokenBindsTheActivityRead: the token's serviceurl claim and its key's
// endorsed channel are checked against the service URL and channel id the
// adapter goes on to use. JSON keys match struct fields whatever their
// case, so an activity that repeats "serviceUrl" or "channelId" in another
// case must not pass the check with one value and be answered at another.
func TestTokenBindsTheActivityRead(t *testing.T) {
	h := newHarness(t)
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	var evilCalls atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evilCalls.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(evil.Close)
	// with appends key: value to the activity's JSON object, after every
	// other key, so a decoder that takes the last value takes it.
	with := func(act map[string]any, key, value string) json.RawMessage {
		b, err := json.Marshal(act)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := json.Marshal(value)
		return append(append(append(bytes.TrimSuffix(b, []byte("}")), `,"`+key+`":`...), v...), '}')
	}
	// A valid token for the real service URL, by key-1, which endorses
	// msteams only.
	tok := "Bearer " + h.keys.Sign(t, "key-1", teamstest.Claims(testAppID, h.connector.URL(), h.env.Clock.Now()))
	tests := []struct {
		name string
		body json.RawMessage
	}{
		{"service URL in another case", with(h.client.Message(sam, "list"), "ServiceURL", evil.URL+"/")},
		{"channel id in another case", with(h.client.Message(sam, "list"), "ChannelID", "skype")},
	}
	before := peopleCount(t, h)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.client.PostWith(t, tc.body, tok)
			h.adapter.Wait()
			h.env.Settle(t)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", rec.Code)
			}
		})
	}
	if n := evilCalls.Load(); n != 0 {
		t.Errorf("the unvalidated service URL was called %d times", n)
	}
	if h.adapter.conn.trusted.has(evil.URL) {
		t.Error("the unvalidated service URL is trusted")
	}
	if got := peopleCount(t, h); got != before {
		t.Errorf("refused requests changed the store")
	}
	// The same token with the activity as sent is accepted.
	rec := h.client.PostWith(t, h.client.Message(sam, "list"), tok)
	h.adapter.Wait()
	h.env.Settle(t)
	if rec.Code != http.StatusOK {
		t.Fatalf("the activity as sent: status %d, want 200", rec.Code)
	}
}
