// Package slackfake provides an offline fake of the Slack Web API for tests:
// an httptest server answering the methods resolvebot calls (users.*,
// conversations.open, chat.*, views.*, the external file upload flow) the
// way Slack answers them, recording every call. It can answer 429 with
// Retry-After, to one method a number of times or to every method for a
// while. It also builds the parts of Slack's requests to the bot that every
// Slack test needs: request signatures and the state of a submitted view.
//
// It must not import the Slack adapter, whose internal tests use it.
package slackfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// Team is the id of the fake workspace.
const Team = "T0TEAM"

// User is a person in the fake workspace.
type User struct {
	ID, Name, Email string
	// Team is the user's workspace; "" for Team.
	Team string
}

// TeamID is the id of the user's workspace.
func (u User) TeamID() string {
	if u.Team == "" {
		return Team
	}
	return u.Team
}

// DM is the id of the user's direct-message channel with the bot.
func (u User) DM() string { return DM(u.ID) }

// DM is the id of the direct-message channel with the bot of the user
// with id user, as conversations.open answers it.
func DM(user string) string { return "D" + user[1:] }

// Call is one recorded Web API call: its method and its parameters, from a
// form (chat.*, conversations.*, users.*, files.*) or a JSON body (views.*).
// A call answered 429 is recorded with " (429)" after its method, and an
// upload of a file's bytes with the method "upload".
type Call struct {
	Method string
	Form   url.Values
	JSON   map[string]any
	// Channel, TS, Text and Blocks are the message of a chat.postMessage,
	// chat.update or chat.postEphemeral call: its channel, its ts (the one
	// given to a new message; none for an ephemeral one), its fallback text
	// and its blocks as sent (JSON).
	Channel, TS, Text, Blocks string
	// At is when the call arrived.
	At time.Time
	// Token is the token the call was made with (its Authorization).
	Token string
}

// File is a file uploaded through the external upload flow.
type File struct {
	ID, Name, Title, Channel, Comment string
	Length                            int    // as announced to files.getUploadURLExternal
	Data                              []byte // as POSTed to the upload URL
	Uploaded                          bool
}

// Server is the fake Slack Web API. Its methods are safe for concurrent use.
type Server struct {
	t        testing.TB
	srv      *httptest.Server
	mu       sync.Mutex
	calls    []Call
	users    map[string]User
	anyEmail bool
	seq      int
	// limited gives this many 429s (Retry-After: 0) to a method before answering.
	limited map[string]int
	// until limitUntil every call gets 429 with Retry-After: retryAfter.
	limitUntil time.Time
	retryAfter int
	n429       int
	// messages holds the blocks of each message as last sent, by channel/ts.
	messages map[string]string
	views    map[string]map[string]any // view id → the view as last sent
	// pending are files whose upload URL was given, by file id; uploads
	// are the files shared into a channel, in order.
	pending map[string]*File
	uploads []File
	// oauth is the app's OAuth flow and the tokens it issued (see OAuth).
	oauth *oauthApp
}

// New starts a fake Slack Web API whose workspace holds users, and stops
// it when the test ends. A call the fake cannot read, or to a method it
// does not know, fails the test.
func New(t testing.TB, users ...User) *Server {
	f := &Server{t: t, users: map[string]User{}, limited: map[string]int{},
		messages: map[string]string{}, views: map[string]map[string]any{}, pending: map[string]*File{}}
	for _, u := range users {
		f.users[u.ID] = u
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the API base URL, for slack.OptionAPIURL.
func (f *Server) URL() string { return f.srv.URL + "/api/" }

// AnswerAnyEmail makes users.lookupByEmail find a user for every email:
// a user of the workspace, or one it makes up (and then knows) for anyone
// else.
func (f *Server) AnswerAnyEmail() {
	f.mu.Lock()
	f.anyEmail = true
	f.mu.Unlock()
}

// userFor returns the user with email, making one up if f.anyEmail.
func (f *Server) userFor(email string) (User, bool) {
	for _, u := range f.users {
		if strings.EqualFold(u.Email, email) {
			return u, true
		}
	}
	if !f.anyEmail {
		return User{}, false
	}
	h := sha256.Sum256([]byte(strings.ToLower(email)))
	u := User{ID: "U" + strings.ToUpper(hex.EncodeToString(h[:4])), Name: email, Email: email}
	f.users[u.ID] = u
	return u, true
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if id, ok := strings.CutPrefix(r.URL.Path, "/upload/"); ok {
		f.receiveUpload(w, r, id)
		return
	}
	if r.URL.Path == AuthorizePath {
		f.authorize(w, r)
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := Call{Method: method, At: time.Now(), Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &c.JSON); err != nil {
			f.t.Errorf("fake slack: %s: bad JSON: %v", method, err)
		}
	} else {
		if err := r.ParseForm(); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				// The sender died mid-request (the fault tests kill -9
				// the bot): Slack never sees such a call, so neither do we.
				return
			}
			f.t.Errorf("fake slack: %s: bad form: %v", method, err)
		}
		c.Form = r.Form
		if c.Token == "" {
			c.Token = r.Form.Get("token") // slack-go sends some methods' token in the form
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if retryAfter, ok := f.limit(method); ok {
		f.n429++
		f.calls = append(f.calls, Call{Method: method + " (429)", At: c.At})
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if strings.HasPrefix(method, "chat.") {
		c.Channel, c.TS, c.Text, c.Blocks = c.Form.Get("channel"), c.Form.Get("ts"), c.Form.Get("text"), c.Form.Get("blocks")
	}
	if method == "chat.postMessage" {
		f.seq++
		c.TS = fmt.Sprintf("1790000000.%06d", f.seq)
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
	if code := f.refuse(c); code != "" {
		fail(code)
		return
	}
	userJSON := func(u User) map[string]any {
		return map[string]any{"id": u.ID, "team_id": u.TeamID(), "name": strings.ToLower(strings.Fields(u.Name)[0]),
			"real_name": u.Name, "profile": map[string]any{"real_name": u.Name, "display_name": u.Name, "email": u.Email}}
	}
	switch method {
	case "oauth.v2.access":
		f.access(c, reply, fail)
	case "users.info":
		u, ok := f.users[c.Form.Get("user")]
		if !ok {
			fail("user_not_found")
			return
		}
		reply(map[string]any{"user": userJSON(u)})
	case "users.lookupByEmail":
		u, ok := f.userFor(c.Form.Get("email"))
		if !ok {
			fail("users_not_found")
			return
		}
		reply(map[string]any{"user": userJSON(u)})
	case "conversations.open":
		users := c.Form.Get("users")
		if _, ok := f.users[users]; !ok {
			fail("user_not_found")
			return
		}
		reply(map[string]any{"channel": map[string]any{"id": DM(users)}})
	case "chat.postMessage":
		f.checkBlocks(c.Blocks)
		f.messages[c.Channel+"/"+c.TS] = c.Blocks
		reply(map[string]any{"channel": c.Channel, "ts": c.TS})
	case "chat.update":
		if _, ok := f.messages[c.Channel+"/"+c.TS]; !ok {
			fail("message_not_found")
			return
		}
		f.checkBlocks(c.Blocks)
		f.messages[c.Channel+"/"+c.TS] = c.Blocks
		reply(map[string]any{"channel": c.Channel, "ts": c.TS})
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
		f.pending[id] = &File{ID: id, Name: c.Form.Get("filename"), Length: n}
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

// limit reports whether a call to method gets 429 now, and its Retry-After.
func (f *Server) limit(method string) (retryAfter int, limited bool) {
	if time.Now().Before(f.limitUntil) {
		return f.retryAfter, true
	}
	if f.limited[method] > 0 {
		f.limited[method]--
		return 0, true
	}
	return 0, false
}

func (f *Server) checkBlocks(s string) {
	if !json.Valid([]byte(s)) {
		f.t.Errorf("fake slack: blocks are not JSON: %.100q", s)
	}
}

// Calls returns the calls so far, or only those to method when it is not "".
func (f *Server) Calls(method string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Methods returns the methods of calls, in order, for a test's messages.
func Methods(calls []Call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Method)
	}
	return out
}

// Reset forgets the calls so far.
func (f *Server) Reset() {
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
}

// Limit makes the next n calls to method get 429 with Retry-After: 0.
func (f *Server) Limit(method string, n int) {
	f.mu.Lock()
	f.limited[method] = n
	f.mu.Unlock()
}

// LimitFor makes every call get 429 with Retry-After: retryAfter (seconds)
// for d from now.
func (f *Server) LimitFor(d time.Duration, retryAfter int) {
	f.mu.Lock()
	f.limitUntil, f.retryAfter = time.Now().Add(d), retryAfter
	f.mu.Unlock()
}

// Limited returns how many calls got 429.
func (f *Server) Limited() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n429
}

// Message returns the blocks of a message as last sent, decoded from JSON;
// nil if there is no such message.
func (f *Server) Message(channel, ts string) any {
	return decode(f.MessageJSON(channel, ts))
}

// MessageJSON returns the blocks of a message as last sent (JSON); "" if
// there is no such message.
func (f *Server) MessageJSON(channel, ts string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.messages[channel+"/"+ts]
}

func decode(s string) any {
	var v any
	if s != "" {
		json.Unmarshal([]byte(s), &v)
	}
	return v
}

// Posted returns the ts and blocks (decoded from JSON) of the latest
// message posted to channel.
func (f *Server) Posted(channel string) (ts string, blocks any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var raw string
	for key, b := range f.messages {
		ch, t, _ := strings.Cut(key, "/")
		if ch == channel && t > ts {
			ts, raw = t, b
		}
	}
	return ts, decode(raw)
}

// Button returns the ts of the latest message in channel whose blocks have
// a button with actionID, and that button's value; "", "" if none has.
func (f *Server) Button(channel, actionID string) (ts, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	best := ""
	for key, blocks := range f.messages {
		ch, t, _ := strings.Cut(key, "/")
		if ch != channel || t < best {
			continue
		}
		if v := findButton(decode(blocks), actionID); v != "" {
			best, value = t, v
		}
	}
	return best, value
}

// Step finds the step verb on the latest message in channel that offers
// it, as a button with action id "rb_<verb>" or as an option of the
// message's overflow menu or "More actions…" select. It returns the
// message's ts, the action id and type of the element that offers it
// ("button", "overflow" or "static_select") and the value Slack sends back;
// all "" if no message offers it.
func (f *Server) Step(channel, verb string) (ts, actionID, elemType, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for key, blocks := range f.messages {
		ch, t, _ := strings.Cut(key, "/")
		if ch != channel || t < ts {
			continue
		}
		if id, typ, v := findStep(decode(blocks), verb); v != "" {
			ts, actionID, elemType, value = t, id, typ, v
		}
	}
	return ts, actionID, elemType, value
}

func findStep(v any, verb string) (actionID, elemType, value string) {
	switch x := v.(type) {
	case map[string]any:
		id, _ := x["action_id"].(string)
		switch x["type"] {
		case "button":
			if id == "rb_"+verb {
				s, _ := x["value"].(string)
				return id, "button", s
			}
		case "overflow", "static_select":
			opts, _ := x["options"].([]any)
			for _, o := range opts {
				om, _ := o.(map[string]any)
				if s, _ := om["value"].(string); strings.HasPrefix(s, verb+"|") {
					return id, x["type"].(string), s
				}
			}
		}
		for _, e := range x {
			if id, typ, s := findStep(e, verb); s != "" {
				return id, typ, s
			}
		}
	case []any:
		for _, e := range x {
			if id, typ, s := findStep(e, verb); s != "" {
				return id, typ, s
			}
		}
	}
	return "", "", ""
}

// StepAction is the "actions" entry of the block_actions payload Slack
// sends when a person takes a step found by Step.
func StepAction(actionID, elemType, value string) map[string]any {
	a := map[string]any{"action_id": actionID, "block_id": "actions", "type": elemType, "action_ts": "1790000000.1"}
	if elemType == "button" {
		a["value"] = value
		a["text"] = map[string]any{"type": "plain_text", "text": "x", "emoji": true}
	} else {
		a["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": "x", "emoji": true}, "value": value}
	}
	return a
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
func (f *Server) receiveUpload(w http.ResponseWriter, r *http.Request, id string) {
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
	f.calls = append(f.calls, Call{Method: "upload", At: time.Now()})
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
func (f *Server) Uploads() []File {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]File(nil), f.uploads...)
}

// Sign returns the X-Slack-Signature Slack sends with a request of body
// at ts (Unix seconds), signed with the app's signing secret.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// ViewState returns the state.values of view submitted with answers keyed
// by block id, shaped as Slack shapes each input element's state; a
// checkboxes answer lists the chosen values separated by commas.
func ViewState(view map[string]any, answers map[string]string) map[string]any {
	values := map[string]any{}
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		bm := b.(map[string]any)
		if bm["type"] != "input" {
			continue
		}
		el := bm["element"].(map[string]any)
		typ := el["type"].(string)
		id := bm["block_id"].(string)
		ans, has := answers[id]
		st := map[string]any{"type": typ}
		switch typ {
		case "plain_text_input":
			st["value"] = nil
			if has {
				st["value"] = ans
			}
		case "static_select", "radio_buttons", "external_select":
			st["selected_option"] = nil
			if has {
				st["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": ans}, "value": ans}
			}
		case "checkboxes":
			var sel []any
			for _, v := range strings.Split(ans, ",") {
				if v != "" {
					sel = append(sel, map[string]any{"text": map[string]any{"type": "plain_text", "text": v}, "value": v})
				}
			}
			st["selected_options"] = sel
		case "users_select":
			st["selected_user"] = nil
			if has {
				st["selected_user"] = ans
			}
		}
		values[id] = map[string]any{el["action_id"].(string): st}
	}
	return values
}
