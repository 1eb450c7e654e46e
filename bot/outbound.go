package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Sender delivers messages to people on one platform. Adapters implement it.
type Sender interface {
	// Platform names the platform whose handles this sender can reach.
	Platform() string
	// Send delivers m to the person through handle h and returns where the
	// copy landed, so it can be updated later.
	Send(ctx context.Context, to *conversation.Person, h conversation.Handle, m Message) (conversation.MessageRef, error)
	// Update replaces a sent copy with m.
	Update(ctx context.Context, ref conversation.MessageRef, m Message) error
}

// EmailPlatform names the email sender's platform, and email as a way to
// reach a person (see ReachEmail).
const EmailPlatform = "email"

// Dispatcher sends each Outbound on the recipient's own platform and keeps
// every copy of a case card up to date.
type Dispatcher struct {
	Store   conversation.Store
	Cards   *Cards
	Log     *slog.Logger
	senders map[string]Sender
	// Fallback, when set, reaches anyone with no handle on a registered
	// platform (the console uses it to show what each person would receive).
	Fallback Sender
}

// NewDispatcher returns a dispatcher over the given senders.
func NewDispatcher(store conversation.Store, cards *Cards, log *slog.Logger, senders ...Sender) *Dispatcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{Store: store, Cards: cards, Log: log, senders: map[string]Sender{}}
	for _, s := range senders {
		d.senders[s.Platform()] = s
	}
	return d
}

// Emails reports whether a sender for email is registered, so people with
// no chat handle are emailed.
func (d *Dispatcher) Emails() bool {
	_, ok := d.senders[EmailPlatform]
	return ok
}

// UnreachedByEmailNotice is UnreachedNotice when the bot also emails: the
// people named could not be reached on Teams, on Slack or by email (they
// have no address on record, or their mail server refused it). It is in
// the catalogue's own words; a Dispatcher uses the partnership's.
func UnreachedByEmailNotice(caseID, names string) Message {
	m := UnreachedNotice(caseID, names)
	m.Text = (*Cards)(nil).unreachedByEmailText(caseID, names, nil)
	return m
}

// unreachedByEmail is UnreachedByEmailNotice naming only the ways this
// bot has (the console and a partnership without Teams have no Teams to
// have tried), in the order "on Teams, on Slack or by email".
func (d *Dispatcher) unreachedByEmail(caseID, names string) Message {
	m := d.Cards.UnreachedNotice(caseID, names)
	var have []string
	for _, p := range []string{"teams", "slack", EmailPlatform} {
		if _, ok := d.senders[p]; ok {
			have = append(have, p)
		}
	}
	m.Text = d.Cards.unreachedByEmailText(caseID, names, have)
	return m
}

// unreachedByEmailText says that names could not be reached on the
// platforms given ("teams", "slack", EmailPlatform), or on all three when
// none is given.
func (k *Cards) unreachedByEmailText(caseID, names string, platforms []string) string {
	if len(platforms) == 0 {
		platforms = []string{"teams", "slack", EmailPlatform}
	}
	var ways []string
	for _, p := range platforms {
		switch p {
		case "teams":
			ways = append(ways, k.Say("unreached.way.teams", nil))
		case "slack":
			ways = append(ways, k.Say("unreached.way.slack", nil))
		case EmailPlatform:
			ways = append(ways, k.Say("unreached.way.email", nil))
		}
	}
	about := ""
	if caseID != "" {
		about = k.Say("unreached.about", messages.Args{"case": caseID})
	}
	return k.Say("unreached.by_email", messages.Args{"names": names, "ways": k.orList(ways), "about": about})
}

// reach returns the ways to reach per, first to last: their reach list
// with their agency's default (see People.Reach).
func (d *Dispatcher) reach(per *conversation.Person) []string {
	if d.Cards != nil && d.Cards.People != nil {
		return d.Cards.People.Reach(per)
	}
	return learnedReach(per)
}

// Deliver sends each outbound message at once, outside the outbox, and
// returns the ids of the people it could not reach. Everything a step or
// the scheduler causes goes through the outbox instead (see Worker); this
// is for tools and tests that show a person a message directly.
func (d *Dispatcher) Deliver(ctx context.Context, outs []Outbound) (unreached []string) {
	for _, o := range outs {
		per, err := d.Store.GetPerson(ctx, o.To)
		if err != nil {
			d.Log.Error("load recipient failed", "case", o.Message.CaseID, "err", err)
			unreached = append(unreached, o.To)
			continue
		}
		if _, err := d.deliver(ctx, per, o.Message); err != nil {
			unreached = append(unreached, o.To)
		}
	}
	return unreached
}

// Register adds a sender for its platform, replacing any earlier one.
func (d *Dispatcher) Register(s Sender) { d.senders[s.Platform()] = s }

// ErrNoRoute is the permanent failure to reach a person who has no handle
// on any platform the bot can send to.
var ErrNoRoute = Permanent(errors.New("no handle on a platform this bot reaches"))

// SendError is a failed send that says whether trying again can help and,
// for a platform's rate limit, when to try.
type SendError struct {
	Err        error
	Permanent  bool          // the platform will never take it (no such user, app not installed)
	RetryAfter time.Duration // the platform asked to wait this long
}

// Error implements error.
func (e *SendError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// Permanent marks err as a failure that no retry will cure.
func Permanent(err error) error { return &SendError{Err: err, Permanent: true} }

// RetryAfter marks err as a rate limit: try again after d.
func RetryAfter(err error, d time.Duration) error { return &SendError{Err: err, RetryAfter: d} }

// sendFailure reads what a send error says about trying again.
func sendFailure(err error) (permanent bool, after time.Duration) {
	var se *SendError
	if errors.As(err, &se) {
		return se.Permanent, se.RetryAfter
	}
	return false, 0
}

// deliver follows the person's reach list (see People.Reach): each way in
// turn, until one takes the message. A chat way is tried through each of
// the person's handles on it, or, with none, through the fallback when it
// serves that platform (Slack finds them by their email; the console shows
// everyone); email through the email sender at their address. A way that
// fails (not installed, the person gone, the address refused) falls
// through to the next. When the list names no way this dispatcher can
// use, the fallback is tried. It returns the platform that took the
// message; when none did, the last error, or ErrNoRoute when there was
// nothing to try. The error is permanent only when every try failed
// permanently.
func (d *Dispatcher) deliver(ctx context.Context, per *conversation.Person, m Message) (string, error) {
	var errs []error
	permanent := true
	var after time.Duration
	try := func(s Sender, h conversation.Handle) bool {
		ref, err := s.Send(ctx, per, h, m)
		if err != nil {
			d.Log.Warn("send failed", "platform", s.Platform(), "case", m.CaseID, "kind", m.Kind, "err", err)
			p, a := sendFailure(err)
			permanent = permanent && p
			after = max(after, a)
			errs = append(errs, fmt.Errorf("%s: %w", s.Platform(), err))
			return false
		}
		if m.CaseID != "" && m.Kind == "card" && ref.ID != "" {
			ref.CaseID, ref.PersonID = m.CaseID, per.ID
			if err := d.Store.AddMessageRef(ctx, ref); err != nil {
				d.Log.Error("record sent card failed", "case", m.CaseID, "err", err)
			}
		}
		return true
	}
	tried := false
	for _, way := range d.reach(per) {
		if way == EmailPlatform {
			if s, ok := d.senders[EmailPlatform]; ok && per.Email != "" {
				tried = true
				if try(s, conversation.Handle{Platform: EmailPlatform, User: per.Email}) {
					return EmailPlatform, nil
				}
			}
			continue
		}
		s, ok := d.senders[way]
		if !ok && d.Fallback != nil && d.Fallback.Platform() == way {
			s, ok = d.Fallback, true
		}
		if !ok {
			continue
		}
		handled := false
		for _, h := range per.Handles {
			if h.Platform != way {
				continue
			}
			handled, tried = true, true
			if try(s, h) {
				return way, nil
			}
		}
		if !handled && d.Fallback != nil && d.Fallback.Platform() == way {
			tried = true
			if try(d.Fallback, conversation.Handle{Platform: way, User: per.ID}) {
				return way, nil
			}
		}
	}
	if !tried && d.Fallback != nil {
		if try(d.Fallback, conversation.Handle{Platform: d.Fallback.Platform(), User: per.ID}) {
			return d.Fallback.Platform(), nil
		}
	}
	if len(errs) == 0 {
		return "", ErrNoRoute
	}
	err := errors.Join(errs...)
	if permanent {
		return "", Permanent(err)
	}
	// Marked temporary on the outside, so that a way that failed for good
	// inside it does not make the whole look permanent (errors.As finds
	// the outermost first).
	return "", &SendError{Err: err, RetryAfter: after}
}

// Refresh re-renders every sent copy of the case's card for its recipient,
// so buttons and state match the case everywhere. It tries every copy and
// returns the failures joined, marked permanent when every one was.
func (d *Dispatcher) Refresh(ctx context.Context, c *conversation.Case) error {
	if c == nil {
		return nil
	}
	refs, err := d.Store.MessageRefs(ctx, c.ID)
	if err != nil {
		d.Log.Error("load sent cards failed", "case", c.ID, "err", err)
		return err
	}
	var errs []error
	permanent := true
	for _, ref := range refs {
		s, ok := d.senders[ref.Platform]
		if !ok && d.Fallback != nil && d.Fallback.Platform() == ref.Platform {
			s, ok = d.Fallback, true
		}
		if !ok {
			continue
		}
		if err := s.Update(ctx, ref, d.Cards.Card(ctx, c, ref.PersonID, "")); err != nil {
			d.Log.Warn("update card failed", "platform", ref.Platform, "case", c.ID, "err", err)
			errs = append(errs, err)
			p, _ := sendFailure(err)
			permanent = permanent && p
		}
	}
	if len(errs) > 0 && permanent {
		return Permanent(errors.Join(errs...))
	}
	return errors.Join(errs...)
}
