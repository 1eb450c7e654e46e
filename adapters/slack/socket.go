package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Acker acknowledges Socket Mode envelopes. *socketmode.Client is one;
// tests pass a recorder.
type Acker interface {
	Ack(req socketmode.Request, payload ...any) error
}

// RunSocketMode connects over Socket Mode with client and handles every
// event until ctx ends, each in its own goroutine so the events channel
// never backs up. Connection changes and reconnects are logged. It returns
// when ctx is cancelled, or with the client's error if it stops for good.
func (a *Adapter) RunSocketMode(ctx context.Context, client *socketmode.Client) error {
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("socket mode stopped: %w", err)
		case evt, ok := <-client.Events:
			if !ok {
				return nil
			}
			a.wg.Add(1)
			go func() {
				defer a.wg.Done()
				a.HandleSocketEvent(ctx, client, evt)
			}()
		}
	}
}

// HandleSocketEvent handles one Socket Mode event and acknowledges its
// envelope, including envelopes the library could not parse. The ack goes
// after the store has the change and before the slow work, which runs in
// the background (see Wait).
func (a *Adapter) HandleSocketEvent(ctx context.Context, acker Acker, evt socketmode.Event) {
	start := time.Now()
	route := string(evt.Type)
	var out outcome
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.log.Info("slack socket mode connecting")
		return
	case socketmode.EventTypeConnected:
		a.log.Info("slack socket mode connected")
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		a.log.Warn("slack socket mode connection problem; the client will reconnect", "event", route, "err", errText(evt.Data))
		return
	case socketmode.EventTypeDisconnect:
		a.log.Info("slack socket mode disconnect requested; reconnecting")
		return
	case socketmode.EventTypeHello, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		if evt.Type != socketmode.EventTypeHello {
			a.log.Warn("slack socket mode error", "event", route, "err", errText(evt.Data))
		}
		return
	case socketmode.EventTypeErrorBadMessage:
		// The library could not parse it, but Slack still waits for an ack
		// and would retry: ack the envelope id from the raw message.
		a.log.Warn("slack socket mode message could not be read; acknowledging it")
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
				a.ack(acker, socketmode.Request{EnvelopeID: env.EnvelopeID}, nil, route, start)
			}
		}
		return
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if ok {
			out = a.handleEvent(ctx, ev)
		}
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if ok {
			out = a.handleInteraction(ctx, ic)
		}
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if ok {
			out = a.handleCommand(ctx, cmd)
		}
	}
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		return
	}
	if out.status >= 500 {
		// Not acknowledged: Slack will deliver it again.
		a.metrics.Request(Platform, "socket_"+route, out.status)
		return
	}
	a.ack(acker, *evt.Request, out.body, route, start)
	a.background(ctx, out.after)
}

func (a *Adapter) ack(acker Acker, req socketmode.Request, body any, route string, start time.Time) {
	var err error
	if body != nil {
		err = acker.Ack(req, body)
	} else {
		err = acker.Ack(req)
	}
	status := 200
	if err != nil {
		status = 500
		a.log.Warn("slack socket mode ack failed", "event", route, "err", err)
	}
	a.metrics.Request(Platform, "socket_"+route, status)
	a.metrics.Ack(Platform, "socket_"+route, time.Since(start))
}

func errText(v any) string {
	switch e := v.(type) {
	case error:
		return e.Error()
	case *socketmode.ErrorBadMessage:
		return e.Cause.Error()
	case *slack.ConnectionErrorEvent:
		if e.ErrorObj != nil {
			return e.ErrorObj.Error()
		}
	}
	return ""
}
