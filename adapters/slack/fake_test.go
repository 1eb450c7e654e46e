package slack

import (
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
)

// fakeUser is a person in the fake workspace.
type fakeUser struct {
	ID, Name, Email string
}

// apiCall is one recorded Web API call: its method and its parameters, from
// a form (chat.*, conversations.*, users.*) or a JSON body (views.*).
type apiCall struct {
	Method string
	Form   url.Values
	JSON   map[string]any
}

// fakeSlack is a local fake of the Slack Web API: the methods the adapter
// uses, answering as Slack does and recording every call.
type fakeSlack struct {
	t     testing.TB
	srv   *httptest.Server
	team  string
	mu    sync.Mutex
	calls []apiCall
	users map[string]fakeUser
	seq   int
	// limited gives this many 429s (Retry-After: 0) to a method before answering.
	limited map[string]int
	// messages holds the latest blocks of each message, by channel and ts.
	messages map[string]any
	views    map[string]map[string]any // view id → the view as last sent
	// pending are files whose upload URL was given, by file id; uploads
	// are the files shared into a channel, in order.
	pending map[string]*fakeFile
	uploads []fakeFile
}

// fakeFile is a file uploaded through the external upload flow.
type fakeFile struct {
	ID, Name, Title, Channel, Comment string
	Length                            int    // as announced to files.getUploadURLExternal
	Data                              []byte // as POSTed to the upload URL
	Uploaded                          bool
}

func newFakeSlack(t testing.TB, users ...fakeUser) *fakeSlack {
	f := &fakeSlack{t: t, team: "T0TEAM", users: map[string]fakeUser{}, limited: map[string]int{},
		messages: map[string]any{}, views: map[string]map[string]any{}, pending: map[string]*fakeFile{}}
	for _, u := range users {
		f.users[u.ID] = u
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the API base URL for slack.OptionAPIURL.
func (f *fakeSlack) URL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if id, ok := strings.CutPrefix(r.URL.Path, "/upload/"); ok {
		f.receiveUpload(w, r, id)
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := apiCall{Method: method}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &c.JSON); err != nil {
			f.t.Errorf("fake slack: %s: bad JSON: %v", method, err)
		}
	} else {
		if err := r.ParseForm(); err != nil {
			f.t.Errorf("fake slack: %s: bad form: %v", method, err)
		}
		c.Form = r.Form
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limited[method] > 0 {
		f.limited[method]--
		f.calls = append(f.calls, apiCall{Method: method + " (429)"})
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	f.calls = append(f.calls, c)
	reply := func(v map[string]any) {
		v["ok"] = true
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	fail := func(code string) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
	}
	userJSON := func(u fakeUser) map[string]any {
		return map[string]any{"id": u.ID, "team_id": f.team, "name": strings.ToLower(strings.Fields(u.Name)[0]),
			"real_name": u.Name, "profile": map[string]any{"real_name": u.Name, "display_name": u.Name, "email": u.Email}}
	}
	switch method {
	case "users.info":
		u, ok := f.users[c.Form.Get("user")]
		if !ok {
			fail("user_not_found")
			return
		}
		reply(map[string]any{"user": userJSON(u)})
	case "users.lookupByEmail":
		for _, u := range f.users {
			if strings.EqualFold(u.Email, c.Form.Get("email")) {
				reply(map[string]any{"user": userJSON(u)})
				return
			}
		}
		fail("users_not_found")
	case "conversations.open":
		users := c.Form.Get("users")
		if _, ok := f.users[users]; !ok {
			fail("user_not_found")
			return
		}
		reply(map[string]any{"channel": map[string]any{"id": "D" + users[1:]}})
	case "chat.postMessage":
		f.seq++
		ts := fmt.Sprintf("1790000000.%06d", f.seq)
		ch := c.Form.Get("channel")
		f.messages[ch+"/"+ts] = decodeBlocks(f.t, c.Form.Get("blocks"))
		reply(map[string]any{"channel": ch, "ts": ts})
	case "chat.update":
		ch, ts := c.Form.Get("channel"), c.Form.Get("ts")
		if _, ok := f.messages[ch+"/"+ts]; !ok {
			fail("message_not_found")
			return
		}
		f.messages[ch+"/"+ts] = decodeBlocks(f.t, c.Form.Get("blocks"))
		reply(map[string]any{"channel": ch, "ts": ts})
	case "chat.postEphemeral":
		f.seq++
		reply(map[string]any{"message_ts": fmt.Sprintf("1790000000.%06d", f.seq)})
	case "chat.getPermalink":
		reply(map[string]any{"channel": c.Form.Get("channel"),
			"permalink": "https://example.slack.com/archives/" + c.Form.Get("channel") + "/p" + strings.ReplaceAll(c.Form.Get("message_ts"), ".", "")})
	case "views.open", "views.update", "views.publish":
		view, _ := c.JSON["view"].(map[string]any)
		id, _ := c.JSON["view_id"].(string)
		if id == "" {
			if tr, _ := c.JSON["trigger_id"].(string); tr != "" {
				id = "V" + tr // so a test knows which view a trigger opened
			} else {
				f.seq++
				id = fmt.Sprintf("V%06d", f.seq)
			}
		}
		f.views[id] = view
		reply(map[string]any{"view": map[string]any{"id": id, "hash": "h" + id}})
	case "files.getUploadURLExternal":
		n, err := strconv.Atoi(c.Form.Get("length"))
		if err != nil || n <= 0 || c.Form.Get("filename") == "" {
			fail("invalid_arguments")
			return
		}
		f.seq++
		id := fmt.Sprintf("F%06d", f.seq)
		f.pending[id] = &fakeFile{ID: id, Name: c.Form.Get("filename"), Length: n}
		reply(map[string]any{"upload_url": f.srv.URL + "/upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var list []struct{ ID, Title string }
		if err := json.Unmarshal([]byte(c.Form.Get("files")), &list); err != nil || len(list) == 0 {
			fail("invalid_arguments")
			return
		}
		var done []any
		for _, it := range list {
			p, ok := f.pending[it.ID]
			if !ok || !p.Uploaded {
				fail("file_not_found")
				return
			}
			p.Title, p.Channel, p.Comment = it.Title, c.Form.Get("channel_id"), c.Form.Get("initial_comment")
			delete(f.pending, it.ID)
			f.uploads = append(f.uploads, *p)
			done = append(done, map[string]any{"id": p.ID, "title": p.Title})
		}
		reply(map[string]any{"files": done})
	default:
		f.t.Errorf("fake slack: unexpected method %s", method)
		fail("unknown_method")
	}
}

func decodeBlocks(t testing.TB, s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Errorf("fake slack: blocks are not JSON: %v", err)
	}
	return v
}

// Calls returns the calls so far, optionally only those to method.
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

// Reset forgets the calls so far.
func (f *fakeSlack) Reset() {
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
}

// Limit makes the next n calls to method get 429 with Retry-After: 0.
func (f *fakeSlack) Limit(method string, n int) {
	f.mu.Lock()
	f.limited[method] = n
	f.mu.Unlock()
}

// Message returns the current blocks of a message.
func (f *fakeSlack) Message(channel, ts string) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.messages[channel+"/"+ts]
}

// LastPosted returns the channel and ts of the latest message posted to
// channel whose blocks have a button with actionID, and that button's value.
func (f *fakeSlack) Button(channel, actionID string) (ts, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	best := ""
	for key, blocks := range f.messages {
		ch, t, _ := strings.Cut(key, "/")
		if ch != channel || t < best {
			continue
		}
		if v := findButton(blocks, actionID); v != "" {
			best, value = t, v
		}
	}
	return best, value
}

func findButton(v any, actionID string) string {
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "button" && x["action_id"] == actionID {
			s, _ := x["value"].(string)
			return s
		}
		for _, e := range x {
			if s := findButton(e, actionID); s != "" {
				return s
			}
		}
	case []any:
		for _, e := range x {
			if s := findButton(e, actionID); s != "" {
				return s
			}
		}
	}
	return ""
}

// receiveUpload takes the bytes of a file POSTed to its upload URL, as a
// multipart form with the file in "file", and checks their length.
func (f *fakeSlack) receiveUpload(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		http.Error(w, "bad upload request", http.StatusBadRequest)
		return
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		f.t.Errorf("fake slack: upload %s: %v", id, err)
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	data, err := io.ReadAll(file)
	if err != nil {
		http.Error(w, "unreadable", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, apiCall{Method: "upload"})
	p, ok := f.pending[id]
	if !ok {
		http.Error(w, "unknown file", http.StatusNotFound)
		return
	}
	if len(data) != p.Length {
		f.t.Errorf("fake slack: upload %s: %d bytes arrived, %d announced", id, len(data), p.Length)
	}
	p.Data, p.Uploaded = data, true
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "OK - "+strconv.Itoa(len(data)))
}

// Uploads returns the files shared so far.
func (f *fakeSlack) Uploads() []fakeFile {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeFile(nil), f.uploads...)
}
