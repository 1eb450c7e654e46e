package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// MaxBody is the largest request body the HTTP endpoint reads; larger
// bodies get 413.
const MaxBody = 1 << 20

// EventsPath is where Slack sends events, interactivity and slash commands.
const EventsPath = "/slack/events"

// HTTPHandler returns the handler for POST /slack/events. Every request is
// verified with the signing secret (five-minute window) before anything is
// read from it. Returns an error when no signing secret is configured, so
// the endpoint is never served unverified.
func (a *Adapter) HTTPHandler() (http.Handler, error) {
	if a.opts.SigningSecret == "" {
		return nil, errors.New("slack: the HTTP endpoint needs a signing secret (SLACK_SIGNING_SECRET)")
	}
	return http.HandlerFunc(a.serveHTTP), nil
}

// statusWriter remembers the status written, for metrics, and the reason
// given with a refusal (a 4xx), for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	reason string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 400 && w.status < 500 && w.reason == "" {
		// One of our own fixed reasons (see refusals in serveHTTP), never
		// anything from the request.
		w.reason = strings.TrimSpace(string(b))
	}
	return w.ResponseWriter.Write(b)
}

func (a *Adapter) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w := &statusWriter{ResponseWriter: rw}
	route := "unknown"
	defer func() {
		a.metrics.Request(Platform, route, w.status)
		a.metrics.Ack(Platform, route, time.Since(start))
		if w.status >= 400 && w.status < 500 {
			a.log.Info("slack request refused", "status", w.status, "route", route, "reason", w.reason)
		}
	}()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength > MaxBody {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	// The signature headers (present, timestamp within five minutes) are
	// checked before the body is read. Of a request without them only an
	// ssl_check is answered, so no more of its body is read than one needs.
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	sv, verr := slack.NewSecretsVerifier(r.Header, a.opts.SigningSecret)
	limit := int64(MaxBody)
	if verr != nil {
		if ct != "application/x-www-form-urlencoded" {
			http.Error(w, "request not verified: "+verifyReason(verr), http.StatusUnauthorized)
			return
		}
		limit = maxSSLCheck
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe) && verr != nil:
			http.Error(w, "request not verified: "+verifyReason(verr), http.StatusUnauthorized)
		case errors.As(err, &mbe):
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		default:
			http.Error(w, "could not read the request", http.StatusBadRequest)
		}
		return
	}
	if ct == "application/x-www-form-urlencoded" && sslCheck(body) {
		// Slack checks the certificate of a slash command's URL with a
		// POST of ssl_check=1 and a token; Slack's own Bolt answers it
		// before verifying the request. It asks for nothing, and gets
		// nothing but 200.
		route = "ssl_check"
		w.WriteHeader(http.StatusOK)
		return
	}
	if verr != nil {
		http.Error(w, "request not verified: "+verifyReason(verr), http.StatusUnauthorized)
		return
	}
	if _, err := sv.Write(body); err != nil || sv.Ensure() != nil {
		http.Error(w, "request not verified: bad signature", http.StatusUnauthorized)
		return
	}
	var out outcome
	switch ct {
	case "application/json":
		route = "events"
		var outer struct {
			Type      string `json:"type"`
			Challenge string `json:"challenge"`
		}
		if err := json.Unmarshal(body, &outer); err != nil {
			http.Error(w, "malformed event", http.StatusBadRequest)
			return
		}
		switch outer.Type {
		case slackevents.URLVerification:
			route = "url_verification"
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, outer.Challenge)
			return
		case slackevents.AppRateLimited:
			route = "app_rate_limited"
			a.rateLimited(body)
			w.WriteHeader(http.StatusOK)
			return
		case slackevents.CallbackEvent:
		default:
			// An outer type this bot does not know: Slack counts anything
			// but 2xx as a failure and retries, so take it and ignore it.
			a.log.Debug("slack event ignored", "type", logValue(outer.Type))
			w.WriteHeader(http.StatusOK)
			return
		}
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			if t, ok := innerType(body); ok {
				// An event the SDK does not know (ParseEvent refuses
				// those): not one this bot subscribes to.
				a.log.Debug("slack event ignored", "type", logValue(t))
				w.WriteHeader(http.StatusOK)
				return
			}
			http.Error(w, "malformed event", http.StatusBadRequest)
			return
		}
		out = a.handleEvent(r.Context(), ev)
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body)) // the body only, never the URL
		if err != nil {
			http.Error(w, "malformed form", http.StatusBadRequest)
			return
		}
		switch {
		case form.Get("payload") != "":
			route = "interactivity"
			var ic slack.InteractionCallback
			if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil || ic.Type == "" || ic.User.ID == "" {
				http.Error(w, "malformed payload", http.StatusBadRequest)
				return
			}
			out = a.handleInteraction(r.Context(), ic)
		case form.Get("command") != "":
			route = "command"
			cmd := slashCommand(form)
			if cmd.UserID == "" || cmd.TeamID == "" {
				http.Error(w, "malformed command", http.StatusBadRequest)
				return
			}
			out = a.handleCommand(r.Context(), cmd)
		default:
			http.Error(w, "unknown request", http.StatusBadRequest)
			return
		}
	default:
		http.Error(w, "unsupported content type", http.StatusUnsupportedMediaType)
		return
	}
	if out.status != 0 && out.status != http.StatusOK {
		http.Error(w, http.StatusText(out.status), out.status)
		return
	}
	if out.body != nil {
		b, ok := out.body.(json.RawMessage)
		var err error
		if !ok {
			b, err = json.Marshal(out.body)
		}
		if err != nil {
			a.log.Error("encode acknowledgement failed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	a.background(r.Context(), out.after)
}

// slashCommand reads a slash command from a form body, as Slack sends it.
func slashCommand(f url.Values) slack.SlashCommand {
	return slack.SlashCommand{
		Token: f.Get("token"), TeamID: f.Get("team_id"), TeamDomain: f.Get("team_domain"),
		EnterpriseID: f.Get("enterprise_id"), EnterpriseName: f.Get("enterprise_name"),
		IsEnterpriseInstall: f.Get("is_enterprise_install") == "true",
		ChannelID:           f.Get("channel_id"), ChannelName: f.Get("channel_name"),
		UserID: f.Get("user_id"), UserName: f.Get("user_name"), Command: f.Get("command"),
		Text: f.Get("text"), ResponseURL: f.Get("response_url"), TriggerID: f.Get("trigger_id"),
		APIAppID: f.Get("api_app_id"),
	}
}

func verifyReason(err error) string {
	switch {
	case errors.Is(err, slack.ErrMissingHeaders):
		return "missing headers"
	case errors.Is(err, slack.ErrExpiredTimestamp):
		return "stale timestamp"
	}
	return strings.SplitN(err.Error(), ":", 2)[0]
}

// maxSSLCheck is the most read of an unsigned body, to see whether it is
// an ssl_check (ssl_check=1 and a token).
const maxSSLCheck = 4 << 10

// sslCheck reports whether a form body is Slack's certificate check
// (ssl_check=1, and no command or payload).
func sslCheck(body []byte) bool {
	// In a form body "ssl_check=" can only be a key (an "=" in a value is
	// escaped): every other request is told apart without parsing it.
	if !bytes.Contains(body, []byte("ssl_check=")) {
		return false
	}
	f, err := url.ParseQuery(string(body))
	return err == nil && f.Get("ssl_check") == "1" && f.Get("command") == "" && f.Get("payload") == ""
}

// rateLimited logs Slack's notice that it is holding back this app's
// events for a workspace: the operator needs to know events were dropped.
func (a *Adapter) rateLimited(body []byte) {
	var e slackevents.EventsAPIAppRateLimited
	if err := json.Unmarshal(body, &e); err != nil {
		a.log.Warn("slack is rate limiting this app's events")
		return
	}
	since := time.Unix(int64(e.MinuteRateLimited), 0).UTC()
	a.log.Warn("slack is rate limiting this app's events", "team", logValue(e.TeamID), "app", logValue(e.APIAppID),
		"minute_rate_limited", e.MinuteRateLimited, "since", since.Format(time.RFC3339))
}

// innerType returns the type of the inner event of a well-formed
// event_callback.
func innerType(body []byte) (string, bool) {
	var cb struct {
		Event *struct {
			Type string `json:"type"`
		} `json:"event"`
	}
	if err := json.Unmarshal(body, &cb); err != nil || cb.Event == nil || cb.Event.Type == "" {
		return "", false
	}
	return cb.Event.Type, true
}

// logValue keeps a value from a request fit for a log line: short, and
// only the characters of Slack's ids and type names.
func logValue(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
			return r
		}
		return '?'
	}, s)
}
