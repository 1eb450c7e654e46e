package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// DeliveryMetrics counts what the delivery worker does. Labels are kinds,
// platforms and outcomes only.
type DeliveryMetrics interface {
	// Delivery counts one attempt at an effect of kind on platform ("" when
	// none was reached) with its outcome: "delivered", "retry" or "failed".
	Delivery(kind, platform, outcome string)
}

// Worker is the outbox's delivery worker. It claims effects from the store
// with a lease, turns each into messages built from the stored case, sends
// them through the dispatcher's senders, and completes them; a failed send
// is retried with backoff (longer when the platform asks), and someone who
// cannot be reached at all is named to the person who acted. Effects are
// claimed one at a time per recipient, so each person hears of a case's
// steps in order; several workers (replicas) never hold the same effect.
type Worker struct {
	Router     *Router
	Dispatcher *Dispatcher
	Store      conversation.Store
	Log        *slog.Logger
	Metrics    DeliveryMetrics
	Now        func() time.Time
	// Owner names this worker in claims; unique per process by default.
	Owner string
	// Lease is how long a claim lasts: an effect whose worker died is
	// delivered by another after it (default 30 seconds). Each delivery
	// gets at most half of it.
	Lease time.Duration
	// Poll is how often the worker looks for work when nothing wakes it
	// (default 2 seconds).
	Poll time.Duration
	// Batch is how many effects one claim takes (default 16); they are
	// delivered Parallel at a time (default 4).
	Batch, Parallel int
	// MaxAttempts is how many tries a message gets before its recipient
	// counts as unreached (default 10, about 17 minutes of backoff); a
	// refresh or notice is then dropped. A step waiting to be expanded is
	// tried until it is.
	MaxAttempts int
	// SignIn, when set, sends the sign-in email an EffectSignIn asks for
	// (the web page's). Without it such effects are dropped.
	SignIn func(ctx context.Context, e conversation.Effect) error

	wake chan struct{}
	once sync.Once
}

// NewWorker returns a worker delivering the router's steps through d. It
// sets the router's Wake to its own.
func NewWorker(router *Router, d *Dispatcher, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Worker{Router: router, Dispatcher: d, Store: router.Store, Log: log, Now: router.now}
	w.init()
	router.Wake = w.Wake
	return w
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		if w.Owner == "" {
			var b [8]byte
			_, _ = rand.Read(b[:])
			w.Owner = "worker-" + hex.EncodeToString(b[:])
		}
		if w.Lease <= 0 {
			w.Lease = 30 * time.Second
		}
		if w.Poll <= 0 {
			w.Poll = 2 * time.Second
		}
		if w.Batch <= 0 {
			w.Batch = 16
		}
		if w.Parallel <= 0 {
			w.Parallel = 4
		}
		if w.MaxAttempts <= 0 {
			w.MaxAttempts = 10
		}
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.Log == nil {
			w.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Wake tells the worker there is new work, without waiting.
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers effects until ctx ends: at once when woken, and every Poll
// otherwise. When ctx ends it finishes the batch in hand (within the lease)
// and returns; call Drain afterwards to deliver what is left within a
// grace period.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if ctx.Err() != nil {
			return
		}
		n, err := w.Pass(context.WithoutCancel(ctx))
		if err != nil {
			w.Log.Error("outbox pass failed", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-t.C:
		}
	}
}

// Drain delivers until nothing is deliverable now or ctx ends; what is
// left (waiting for a retry, or cut off by ctx) stays in the outbox for
// the next pass or the next start. It returns how many effects it handled.
// Returns the store's error if a claim fails.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.init()
	total := 0
	for ctx.Err() == nil {
		n, err := w.Pass(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, nil
}

// Pass claims one batch and handles every effect in it: delivered,
// expanded, retried later or given up. It returns how many it claimed.
// Returns the store's error if the claim fails.
func (w *Worker) Pass(ctx context.Context) (int, error) {
	w.init()
	if ctx.Err() != nil {
		return 0, nil
	}
	effects, err := w.Store.ClaimEffects(ctx, w.Owner, w.Lease, w.Now(), w.Batch)
	if err != nil {
		return 0, err
	}
	ctx = withCaseMemo(ctx)
	sem := make(chan struct{}, w.Parallel)
	var wg sync.WaitGroup
	for _, e := range effects {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			w.handle(ctx, e)
		}()
	}
	wg.Wait()
	return len(effects), nil
}

// handle carries out one claimed effect and settles it in the store.
func (w *Worker) handle(ctx context.Context, e conversation.Effect) {
	ctx, span := startDelivery(ctx, e)
	defer span.End()
	dctx, cancel := context.WithTimeout(ctx, w.Lease/2)
	defer cancel()
	var (
		follow   []conversation.Effect
		platform string
		err      error
	)
	switch e.Kind {
	case conversation.EffectStep:
		follow, err = w.expand(dctx, e)
	case conversation.EffectMessage:
		platform, follow, err = w.message(dctx, e)
	case conversation.EffectRefresh:
		err = w.refresh(dctx, e)
	case conversation.EffectUnreached:
		platform, err = w.unreached(dctx, e)
	case conversation.EffectDigest:
		platform, err = w.digest(dctx, e)
	case conversation.EffectSummary:
		platform, err = w.summary(dctx, e)
	case conversation.EffectSignIn:
		platform = EmailPlatform
		if w.SignIn == nil {
			err = Permanent(errors.New("no web page to sign in to"))
			break
		}
		err = w.SignIn(dctx, e)
	default:
		w.Log.Error("unknown effect dropped", "case", e.CaseID, "kind", string(e.Kind))
	}
	// Settle even when ctx has ended (a shutdown's grace ran out), so the
	// effect is free for the next worker at once.
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer scancel()
	now := w.Now()
	if err == nil {
		w.count(e.Kind, platform, "delivered")
		w.settle(e, w.Store.CompleteEffect(sctx, e.ID, w.Owner, follow, now))
		return
	}
	permanent, after := sendFailure(err)
	// A step that cannot be expanded yet (the store failing) is never given
	// up: everything it would say hangs on it.
	if !permanent && (e.Attempts < w.MaxAttempts || e.Kind == conversation.EffectStep) {
		w.count(e.Kind, platform, "retry")
		w.Log.Warn("delivery failed; will retry", "case", e.CaseID, "kind", string(e.Kind), "attempt", e.Attempts, "err", err)
		w.settle(e, w.Store.RetryEffect(sctx, e.ID, w.Owner, now.Add(max(backoff(e.Attempts), after)), now))
		return
	}
	w.count(e.Kind, platform, "failed")
	w.Log.Warn("delivery given up", "case", e.CaseID, "kind", string(e.Kind), "attempts", e.Attempts, "err", err)
	if e.Kind == conversation.EffectMessage && e.Recipient != e.Actor && e.Actor != "" {
		follow = []conversation.Effect{{Kind: conversation.EffectUnreached, CaseID: e.CaseID, Version: e.Version,
			Actor: e.Actor, Recipient: e.Actor, Unreached: []string{e.Recipient}, CreatedAt: now}}
	}
	w.settle(e, w.Store.CompleteEffect(sctx, e.ID, w.Owner, follow, now))
}

// settle logs a failure to record an effect's outcome: the lease then runs
// out and the effect is delivered again.
func (w *Worker) settle(e conversation.Effect, err error) {
	if err != nil {
		w.Log.Error("outbox update failed", "case", e.CaseID, "kind", string(e.Kind), "err", err)
	}
}

func (w *Worker) count(kind conversation.EffectKind, platform, outcome string) {
	if w.Metrics != nil {
		w.Metrics.Delivery(string(kind), platform, outcome)
	}
}

// backoff is the wait before attempt+1: one second, doubling, at most ten
// minutes.
func backoff(attempt int) time.Duration {
	return min(time.Second<<min(max(attempt-1, 0), 10), 10*time.Minute)
}

// stepOf loads the case an effect is about and the events of its step.
// gone is true when the case has been deleted (retention): there is
// nothing left to say.
func (w *Worker) stepOf(ctx context.Context, e conversation.Effect) (c *conversation.Case, events []conversation.Event, gone bool, err error) {
	c, err = getCase(ctx, w.Store, e.CaseID)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return nil, nil, true, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	return c, conversation.StepEvents(c, &e), false, nil
}

// expand turns a step into one effect per person to tell, the actor first
// when the reply did not tell them, and a refresh of the case's cards.
func (w *Worker) expand(ctx context.Context, e conversation.Effect) ([]conversation.Effect, error) {
	c, events, gone, err := w.stepOf(ctx, e)
	if err != nil || gone {
		return nil, err
	}
	a := w.Router.announce(ctx, e.Actor, c, events)
	nudge := isNudge(events)
	child := func(kind conversation.EffectKind, to string) conversation.Effect {
		actor := e.Actor
		if nudge && kind == conversation.EffectMessage {
			// Nobody acted: who cannot be reached is named to the
			// raising side, who waits on them.
			actor = nudgeWatcher(c, to)
		}
		return conversation.Effect{Kind: kind, CaseID: e.CaseID, Version: e.Version, Actor: actor, Recipient: to,
			FromSeq: e.FromSeq, ToSeq: e.ToSeq, CreatedAt: e.CreatedAt}
	}
	var out []conversation.Effect
	if e.TellActor {
		out = append(out, child(conversation.EffectMessage, e.Actor))
	}
	for _, o := range a.out {
		out = append(out, child(conversation.EffectMessage, o.To))
	}
	return append(out, child(conversation.EffectRefresh, "")), nil
}

// message delivers one person's message about a step, built from the case
// as stored now.
func (w *Worker) message(ctx context.Context, e conversation.Effect) (string, []conversation.Effect, error) {
	c, events, gone, err := w.stepOf(ctx, e)
	if err != nil || gone {
		return "", nil, err
	}
	a := w.Router.announce(ctx, e.Actor, c, events)
	var m Message
	found := e.Recipient == e.Actor
	if found {
		m = a.self
	}
	for _, o := range a.out {
		if !found && o.To == e.Recipient {
			m, found = o.Message, true
		}
	}
	if !found && isNudge(events) {
		// The nudge no longer applies (the case moved on, or a later
		// reminder fell due while this one waited): nothing to say.
		return "", nil, nil
	}
	if !found {
		// The case has moved on so far that the step no longer names
		// them: they get the case as it is.
		m = w.Router.Cards.Card(ctx, c, e.Recipient, "")
	}
	per, err := w.Store.GetPerson(ctx, e.Recipient)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return "", nil, ErrNoRoute
	}
	if err != nil {
		return "", nil, err
	}
	platform, err := w.Dispatcher.deliver(ctx, per, m)
	return platform, nil, err
}

// refresh updates every sent copy of the case's card.
func (w *Worker) refresh(ctx context.Context, e conversation.Effect) error {
	c, _, gone, err := w.stepOf(ctx, e)
	if err != nil || gone {
		return err
	}
	return w.Dispatcher.Refresh(ctx, c)
}

// unreached tells the person who acted who could not be reached.
func (w *Worker) unreached(ctx context.Context, e conversation.Effect) (string, error) {
	per, err := w.Store.GetPerson(ctx, e.Recipient)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return "", ErrNoRoute
	}
	if err != nil {
		return "", err
	}
	if _, err := getCase(ctx, w.Store, e.CaseID); conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return "", nil
	}
	names := w.Router.People.Names(ctx, e.Unreached)
	if w.Dispatcher.Emails() {
		return w.Dispatcher.deliver(ctx, per, w.Dispatcher.unreachedByEmail(e.CaseID, names))
	}
	return w.Dispatcher.deliver(ctx, per, w.Dispatcher.Cards.UnreachedNotice(e.CaseID, names))
}

// digest sends a person their morning digest, built from the cases as
// they are now. A digest held up past its day is not sent (tomorrow's
// replaces it), nor one whose cases have all stopped waiting for them.
func (w *Worker) digest(ctx context.Context, e conversation.Effect) (string, error) {
	if day := w.Now().In(w.Router.Engine.Calendar.Location()).Format(time.DateOnly); day != e.Period {
		w.Log.Info("digest past its day not sent", "day", e.Period)
		return "", nil
	}
	m, ok, err := w.Router.Digest(ctx, e.Recipient, e.Cases)
	if err != nil || !ok {
		return "", err
	}
	return w.send(ctx, e.Recipient, m)
}

// summary sends a person the partnership's summary of a month.
func (w *Worker) summary(ctx context.Context, e conversation.Effect) (string, error) {
	m, err := w.Router.Summary(ctx, e.Period)
	if conversation.ErrorCode(err) == conversation.EINVALID {
		return "", Permanent(err)
	}
	if err != nil {
		return "", err
	}
	return w.send(ctx, e.Recipient, m)
}

// send delivers m to the person with id to along their reach list.
func (w *Worker) send(ctx context.Context, to string, m Message) (string, error) {
	per, err := w.Store.GetPerson(ctx, to)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return "", ErrNoRoute
	}
	if err != nil {
		return "", err
	}
	return w.Dispatcher.deliver(ctx, per, m)
}

// UnreachedNotice tells the person who acted on a case (caseID, or "" when
// not about one) that the people named could not be reached on any
// platform, and how to bring them in. It is in the catalogue's own words;
// Cards.UnreachedNotice uses the partnership's.
func UnreachedNotice(caseID, names string) Message {
	return (*Cards)(nil).UnreachedNotice(caseID, names)
}

// UnreachedNotice is the function UnreachedNotice in the partnership's
// words.
func (k *Cards) UnreachedNotice(caseID, names string) Message {
	about := ""
	if caseID != "" {
		about = k.Say("unreached.about", messages.Args{"case": caseID})
	}
	return Message{Kind: "notice", Tone: ToneWarning, CaseID: caseID, Title: k.Say("unreached.title", nil),
		Text: k.Say("unreached.chat", messages.Args{"names": names, "about": about})}
}
