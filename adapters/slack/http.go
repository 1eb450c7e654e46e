package slack

import (
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

// statusWriter remembers the status written, for metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
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
	return w.ResponseWriter.Write(b)
}

func (a *Adapter) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w := &statusWriter{ResponseWriter: rw}
	route := "unknown"
	defer func() {
		a.metrics.Request(Platform, route, w.status)
		a.metrics.Ack(Platform, route, time.Since(start))
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
	// checked before the body is read: a request without them costs no read.
	sv, err := slack.NewSecretsVerifier(r.Header, a.opts.SigningSecret)
	if err != nil {
		a.log.Warn("slack request refused", "reason", verifyReason(err))
		http.Error(w, "request not verified", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the request", http.StatusBadRequest)
		return
	}
	if _, err := sv.Write(body); err != nil || sv.Ensure() != nil {
		a.log.Warn("slack request refused", "reason", "bad signature")
		http.Error(w, "request not verified", http.StatusUnauthorized)
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
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
		if outer.Type == slackevents.URLVerification {
			route = "url_verification"
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, outer.Challenge)
			return
		}
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil || ev.Type != slackevents.CallbackEvent {
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
		b, err := json.Marshal(out.body)
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
