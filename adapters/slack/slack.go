// Package slack connects resolvebot to Slack with slack-go: the Events API,
// interactivity and slash commands over one signed HTTP endpoint or over
// Socket Mode; Block Kit rendering of the neutral messages; modals built
// from the engine's forms; case cards sent by direct message and updated in
// place; and the App Home tab.
//
// The SDK is narrowed to the private api interface, so tests run offline
// against a local fake of the Slack Web API.
package slack

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/ctxsleep"
)

// Platform is the handle platform name of Slack people.
const Platform = "slack"

// api is the part of the Slack Web API the adapter uses. *slack.Client
// implements it.
type api interface {
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	UpdateViewContext(ctx context.Context, view slack.ModalViewRequest, externalID, hash, viewID string) (*slack.ViewResponse, error)
	PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	GetUserByEmailContext(ctx context.Context, email string) (*slack.User, error)
	GetPermalinkContext(ctx context.Context, params *slack.PermalinkParameters) (string, error)
}

var _ api = (*slack.Client)(nil)

// Options configure an Adapter. Zero values give the defaults.
type Options struct {
	// Command is the slash command, such as "/resolve", for help texts.
	Command string
	// SigningSecret verifies HTTP requests. The HTTP handler refuses to
	// start without it.
	SigningSecret string
	// Log receives ids, kinds and stages only; never case text.
	Log *slog.Logger
	// Metrics receives counts and latencies; nil records nothing.
	Metrics *metrics.Metrics
	// CallTimeout bounds each Web API call (default 10s). Calls made
	// before an acknowledgement are bounded tighter, by AckBudget.
	CallTimeout time.Duration
	// AckBudget is how long work before an acknowledgement may take in
	// all (default 2s). Slack allows 3s; the margin covers work that
	// finishes after its deadline passes, such as a store call in flight
	// when Redis dies (measured: up to about 0.55s over).
	AckBudget time.Duration
	// MaxRetries is how often a rate-limited call is tried again
	// (default 3); MaxRetryAfter is the longest wait honoured (default
	// 30s); a longer Retry-After fails the call.
	MaxRetries    int
	MaxRetryAfter time.Duration
	// UserCacheTTL is how long users.info answers are kept (default 10m).
	UserCacheTTL time.Duration
	// DedupeTTL is how long Events API event ids are remembered (default 1h).
	DedupeTTL time.Duration
	// Pace spreads bursts of calls before Slack has to answer 429: a
	// token bucket per Web API method, at the Rate named here, else in
	// DefaultPace, else DefaultRate. A Rate with Every 0 leaves its method
	// unpaced. A call that would have to wait past its context's deadline
	// fails at once instead.
	Pace map[string]Rate
	// NoPace turns pacing off (429s are still honoured).
	NoPace bool
	// Now is the clock; nil for the wall clock.
	Now func() time.Time
}

// Adapter is the Slack adapter. It implements bot.Sender for the
// dispatcher and handles inbound traffic over HTTP (ServeHTTP) or Socket
// Mode (RunSocketMode, HandleSocketEvent).
type Adapter struct {
	api        api       // the single bot token's client; nil with installs
	installs   *installs // the OAuth installs; nil with a single bot token
	router     *bot.Router
	people     *bot.People
	dispatcher *bot.Dispatcher
	store      conversation.Store
	opts       Options
	log        *slog.Logger
	metrics    *metrics.Metrics

	users *userCache
	// helpBodies holds the encoded answers to a slash command asking for
	// the help, by the help's text: it is the same for everyone.
	helpBodies sync.Map

	mu      sync.Mutex
	blocked map[string]time.Time // method → no calls before this, after a 429
	pace    *pacer               // nil when pacing is off

	wg    sync.WaitGroup
	sleep func(ctx context.Context, d time.Duration) error
	// quit is closed by Stop to cut short work still waiting after the
	// grace period.
	quit     chan struct{}
	quitOnce sync.Once
}

var _ bot.Sender = (*Adapter)(nil)

// New returns an adapter that calls Slack through client and carries what
// people do to router, sending to others through dispatcher. It registers
// itself with the dispatcher for the "slack" platform and, when the
// dispatcher has no fallback yet, as its fallback, so people the bot has
// not met on Slack are found by their email.
func New(client *slack.Client, router *bot.Router, dispatcher *bot.Dispatcher, opts Options) *Adapter {
	return newAdapter(client, router, dispatcher, opts)
}

func newAdapter(client api, router *bot.Router, dispatcher *bot.Dispatcher, opts Options) *Adapter {
	if opts.Command == "" {
		opts.Command = "/resolve"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 10 * time.Second
	}
	if opts.AckBudget <= 0 {
		opts.AckBudget = 2 * time.Second
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = 3
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = 30 * time.Second
	}
	if opts.UserCacheTTL <= 0 {
		opts.UserCacheTTL = 10 * time.Minute
	}
	if opts.DedupeTTL <= 0 {
		opts.DedupeTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Adapter{
		quit: make(chan struct{}),
		api:  client, router: router, people: router.People, dispatcher: dispatcher, store: router.Store,
		opts: opts, log: opts.Log, metrics: opts.Metrics,
		users:   newUserCache(opts.UserCacheTTL, opts.Now),
		blocked: map[string]time.Time{},
		pace:    newPacer(opts.NoPace, opts.Pace, time.Now),
		sleep:   ctxsleep.Sleep,
	}
	dispatcher.Register(a)
	if dispatcher.Fallback == nil {
		dispatcher.Fallback = a
	}
	return a
}

// Wait blocks until the work started after acknowledgements (sending to
// other people, updating cards) has finished. Tests use it instead of
// timing; serve uses it to finish cleanly.
func (a *Adapter) Wait() { a.wg.Wait() }

// Stop waits up to grace for the work started after acknowledgements, then
// cancels what is still running (paced or retried calls) and waits for it to
// return. What was acknowledged is already in the store; only messages to
// other people still queued are cut short, and they are logged.
func (a *Adapter) Stop(grace time.Duration) {
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(grace):
	}
	a.log.Warn("slack: stopping with work still queued; cutting it short")
	a.quitOnce.Do(func() { close(a.quit) })
	<-done
}

// background runs fn after the acknowledgement, detached from the
// request's cancellation but bounded in time, and cut short by Stop.
func (a *Adapter) background(parent context.Context, fn func(ctx context.Context)) {
	if fn == nil {
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), 2*time.Minute)
		defer cancel()
		go func() {
			select {
			case <-a.quit:
				cancel()
			case <-ctx.Done():
			}
		}()
		defer func() {
			if r := recover(); r != nil {
				a.log.Error("slack background work panicked", "panic", r)
			}
		}()
		fn(ctx)
	}()
}

// errPaced is returned when a call would have to wait for its turn past
// its context's deadline.
var errPaced = errors.New("slack: paced call would miss its deadline")

// call runs one Web API call with a timeout, honouring 429 Retry-After a
// bounded number of times, and counts it. Each call first waits its turn
// in the method's pace (see Options.Pace), so bursts are spread before
// Slack has to refuse them; while a method is rate limited, other calls to
// it wait too, so a burst is paced rather than repeated.
func (a *Adapter) call(ctx context.Context, method string, fn func(ctx context.Context) error) error {
	return a.callIn(ctx, method, "", fn)
}

// callIn is call for a method paced per channel, such as chat.postMessage.
func (a *Adapter) callIn(ctx context.Context, method, channel string, fn func(ctx context.Context) error) error {
	dl, hasDL := ctx.Deadline()
	wait, ok := a.pace.reserve(method, channel, dl, hasDL)
	if !ok {
		a.metrics.Call(Platform, method, "paced", errPaced)
		a.log.Warn("slack pace: call would miss its deadline", "method", method, "wait", wait.String())
		return errPaced
	}
	if wait > 0 {
		if err := a.sleep(ctx, wait); err != nil {
			a.metrics.Call(Platform, method, "timeout", err)
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		a.mu.Lock()
		until := a.blocked[method]
		a.mu.Unlock()
		if wait := until.Sub(time.Now()); wait > 0 {
			if err := a.sleep(ctx, wait); err != nil {
				a.metrics.Call(Platform, method, "timeout", err)
				return err
			}
		}
		cctx, cancel := context.WithTimeout(ctx, a.opts.CallTimeout)
		err := fn(cctx)
		cancel()
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			a.metrics.Call(Platform, method, "rate_limited", err)
			wait := rl.RetryAfter
			a.mu.Lock()
			a.blocked[method] = time.Now().Add(wait)
			a.mu.Unlock()
			dl, hasDL := ctx.Deadline()
			if attempt >= a.opts.MaxRetries || wait > a.opts.MaxRetryAfter || (hasDL && time.Until(dl) < wait) {
				a.log.Warn("slack rate limit: giving up", "method", method, "retry_after", wait.String())
				return err
			}
			if serr := a.sleep(ctx, wait); serr != nil {
				return err
			}
			continue
		}
		a.metrics.Call(Platform, method, reason(err), err)
		return err
	}
}

// reason names the kind of a failed call for metrics.
func reason(err error) string {
	if err == nil {
		return ""
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return "api_error"
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return "http_status"
	}
	return "error"
}

// ackCtx bounds the work done before an acknowledgement.
func (a *Adapter) ackCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, a.opts.AckBudget)
}

// isSlackUserID reports whether s looks like a Slack user id.
func isSlackUserID(s string) bool {
	return len(s) > 1 && (s[0] == 'U' || s[0] == 'W') && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0
}
