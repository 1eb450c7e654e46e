// Command gobare is the baseline server for issue 17's side-by-side load
// runs: a bare net/http server doing only what Slack and Teams wait for,
// the verification and the acknowledgement, and nothing of the bot. It
// serves the paths resolvebot serve does, so "resolvebot loadtest --peer"
// drives both the same way:
//
//   - POST /slack/events: read the body (at most 1 MiB), check the Slack
//     signature and timestamp (SLACK_SIGNING_SECRET), parse the form, and
//     for an interaction parse its JSON payload (a block action's button
//     value or a view submission), for a slash command its command and
//     user; answer 200 with an empty body.
//   - POST /api/messages: read the body, parse the Bot Framework activity,
//     answer 200. No token is checked: it matches resolvebot serve with
//     teams.insecure_no_auth, which the load test needs (it cannot sign
//     Bot Framework tokens); the in-process baseline
//     BenchmarkTeamsVerifyParse in adapters/teams is the one with the
//     token check.
//
// It uses the libraries resolvebot parses with (slack-go and
// msbotbuilder-go's schema), as the in-process baselines
// BenchmarkSlackVerifyParse, BenchmarkSlackCommandVerifyParse and
// BenchmarkTeamsVerifyParse do, so the difference to resolvebot is the
// bot's own work. Run it pinned to a core, as the comparison script does:
//
//	SLACK_SIGNING_SECRET=s taskset -c 1 go run ./tools/gobare --addr 127.0.0.1:3988
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
	"github.com/slack-go/slack"
)

// maxBody bounds a request body, as resolvebot's adapters do.
const maxBody = 1 << 20

func main() {
	addr := flag.String("addr", "127.0.0.1:3988", "loopback address to serve on")
	flag.Parse()
	secret := os.Getenv("SLACK_SIGNING_SECRET")
	if secret == "" {
		fmt.Fprintln(os.Stderr, "gobare: SLACK_SIGNING_SECRET is needed")
		os.Exit(2)
	}
	srv := &http.Server{Addr: *addr, Handler: handler(secret), ReadHeaderTimeout: 10 * time.Second}
	log.Printf("gobare serving on %s", *addr)
	log.Fatal(srv.ListenAndServe())
}

// handler serves the Slack and Teams paths.
func handler(secret string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) {
		if err := slackRequest(w, r, secret); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("POST /api/messages", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		var act schema.Activity
		if err := json.Unmarshal(body, &act); err != nil || act.Type == "" || act.Conversation.ID == "" {
			http.Error(w, "activity", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

// slackRequest verifies and parses one Slack request. It returns an error
// naming what was wrong: the body, the signature, the form or the payload.
func slackRequest(w http.ResponseWriter, r *http.Request, secret string) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return errors.New("read")
	}
	sv, err := slack.NewSecretsVerifier(r.Header, secret)
	if err != nil {
		return errors.New("unverified")
	}
	if _, err := sv.Write(body); err != nil || sv.Ensure() != nil {
		return errors.New("unverified")
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return errors.New("type")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return errors.New("form")
	}
	if p := form.Get("payload"); p != "" {
		var ic slack.InteractionCallback
		if err := json.Unmarshal([]byte(p), &ic); err != nil || ic.User.ID == "" {
			return errors.New("payload")
		}
		if ic.Type == slack.InteractionTypeBlockActions && len(ic.ActionCallback.BlockActions) == 0 {
			return errors.New("no action")
		}
		return nil
	}
	if form.Get("command") == "" || form.Get("user_id") == "" {
		return errors.New("command")
	}
	return nil
}
