//go:build faults

package faults

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// apiCall is one Web API call the fake answered (not a 429).
type apiCall struct {
	Method  string
	Channel string
	TS      string
	Text    string // fallback text
	Blocks  string // blocks JSON
	At      time.Time
}

// fakeSlack is this package's own fake of the Slack Web API: the methods
// resolvebot calls, answered as Slack does, every call recorded. It can
// answer 429 with Retry-After to every method for a while.
type fakeSlack struct {
	srv      *httptest.Server
	mu       sync.Mutex
	seq      int
	calls    []apiCall
	users    map[string]person // id → person
	messages map[string]string // channel/ts → latest blocks
	// limitUntil: until then every call gets 429 with Retry-After: retryAfter.
	limitUntil time.Time
	retryAfter int
	limited    int
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{users: map[string]person{}, messages: map[string]string{}}
	for _, p := range []person{sam, jo} {
		f.users[p.id] = p
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the API base URL (SLACK_API_URL).
func (f *fakeSlack) URL() string { return f.srv.URL + "/api/" }

// limit makes every call get 429 with Retry-After for d from now.
func (f *fakeSlack) limit(d time.Duration, retryAfter int) {
	f.mu.Lock()
	f.limitUntil, f.retryAfter = time.Now().Add(d), retryAfter
	f.mu.Unlock()
}

// userFor returns (and remembers) a user for an email: the known people,
// or a made-up user for anyone else in the directory.
func (f *fakeSlack) userFor(email string) person {
	for _, p := range f.users {
		if strings.EqualFold(p.email, email) {
			return p
		}
	}
	h := sha256.Sum256([]byte(strings.ToLower(email)))
	p := person{id: "U" + strings.ToUpper(hex.EncodeToString(h[:4])), name: email, email: email}
	f.users[p.id] = p
	return p
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	form := url.Values{}
	var js map[string]any
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &js)
	} else {
		r.ParseForm()
		form = r.Form
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if time.Now().Before(f.limitUntil) {
		f.limited++
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	reply := func(v map[string]any) {
		v["ok"] = true
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	fail := func(code string) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
	}
	userJSON := func(p person) map[string]any {
		return map[string]any{"id": p.id, "team_id": team, "name": strings.ToLower(p.id), "real_name": p.name,
			"profile": map[string]any{"real_name": p.name, "display_name": p.name, "email": p.email}}
	}
	c := apiCall{Method: method, At: time.Now()}
	switch method {
	case "users.info":
		p, ok := f.users[form.Get("user")]
		if !ok {
			fail("user_not_found")
			return
		}
		reply(map[string]any{"user": userJSON(p)})
	case "users.lookupByEmail":
		reply(map[string]any{"user": userJSON(f.userFor(form.Get("email")))})
	case "conversations.open":
		u := form.Get("users")
		if _, ok := f.users[u]; !ok {
			fail("user_not_found")
			return
		}
		reply(map[string]any{"channel": map[string]any{"id": "D" + u[1:]}})
	case "chat.postMessage":
		f.seq++
		c.Channel, c.TS = form.Get("channel"), fmt.Sprintf("1790000000.%06d", f.seq)
		c.Text, c.Blocks = form.Get("text"), form.Get("blocks")
		f.messages[c.Channel+"/"+c.TS] = c.Blocks
		reply(map[string]any{"channel": c.Channel, "ts": c.TS})
	case "chat.update":
		c.Channel, c.TS = form.Get("channel"), form.Get("ts")
		c.Text, c.Blocks = form.Get("text"), form.Get("blocks")
		if _, ok := f.messages[c.Channel+"/"+c.TS]; !ok {
			fail("message_not_found")
			return
		}
		f.messages[c.Channel+"/"+c.TS] = c.Blocks
		reply(map[string]any{"channel": c.Channel, "ts": c.TS})
	case "chat.postEphemeral":
		f.seq++
		c.Channel, c.Text = form.Get("channel"), form.Get("text")
		reply(map[string]any{"message_ts": fmt.Sprintf("1790000000.%06d", f.seq)})
	case "views.open", "views.update", "views.publish":
		f.seq++
		id := fmt.Sprintf("V%06d", f.seq)
		reply(map[string]any{"view": map[string]any{"id": id, "hash": "h" + id}})
	default:
		fail("unknown_method")
	}
	f.calls = append(f.calls, c)
}

// Calls returns the answered calls to method ("" for all).
func (f *fakeSlack) Calls(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Limited returns how many calls got 429.
func (f *fakeSlack) Limited() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.limited
}

// Message returns the latest blocks of a message.
func (f *fakeSlack) Message(channel, ts string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.messages[channel+"/"+ts]
}
