package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// The scheduler puts the morning digest and the partnership summary in the
// outbox (conversation.EffectDigest, EffectSummary) holding only a day or a
// month, a person and case ids; the delivery worker builds each message
// here, from the store as it is when it sends.

// Digest builds the morning digest for the person to: the cases among ids
// still waiting for them, soonest deadline first.
// ok is false when none is (each was acknowledged, answered or deleted
// since), and then nothing should be sent. Returns the store's error when
// a case cannot be loaded.
func (r *Router) Digest(ctx context.Context, to string, ids []string) (m Message, ok bool, err error) {
	var cs []*conversation.Case
	for _, id := range ids {
		c, err := r.Store.GetCase(ctx, id)
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			continue
		}
		if err != nil {
			return Message{}, false, fmt.Errorf("load case %s: %w", id, err)
		}
		if c.Status != conversation.StatusOpen && c.Status != conversation.StatusReferred {
			continue
		}
		if slices.Contains(r.People.Owing(ctx, c), to) {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return Message{}, false, nil
	}
	slices.SortStableFunc(cs, func(a, b *conversation.Case) int { return a.Current().Deadline.Compare(b.Current().Deadline) })
	k := r.Cards
	m = Message{Kind: "digest", Title: k.Say("digest.chat.title", nil)}
	for _, c := range cs {
		cur := c.Current()
		m.List = append(m.List, k.Say("digest.chat.line", messages.Args{"case": c.ID, "stage": r.Engine.ProtocolOf(c).StageName(cur.Key), "deadline": k.Deadline(cur.Deadline)}))
		m.Cases = append(m.Cases, c.ID)
	}
	m.Text = k.Say("digest.chat.intro", messages.Args{"count": len(cs)})
	return m, true, nil
}

// SummaryPeriod names the period of partnership id's summary of month
// ("2006-01") as an outbox effect holds it: "id/2006-01", or the month
// alone for every case's summary (an id of "").
func SummaryPeriod(id, month string) string {
	if id == "" {
		return month
	}
	return id + "/" + month
}

// Summary builds the partnership's summary of the calendar month period
// names (see SummaryPeriod: "2006-01", or "id/2006-01" for one hosted
// partnership's) in the calendar's time zone, by the same report code as
// "report" in chat: counts and themes, never a child reference or free
// text. Returns EINVALID for a month that cannot be read and the store's
// error when the report cannot be built.
func (r *Router) Summary(ctx context.Context, period string) (Message, error) {
	id, month, ok := strings.Cut(period, "/")
	if !ok {
		id, month = "", period
	}
	from, err := time.ParseInLocation("2006-01", month, r.Engine.Calendar().Location())
	if err != nil {
		return Message{}, conversation.Invalid("error.summary_month", messages.Args{"month": strconv.Quote(month)})
	}
	rep, err := BuildPartnershipReport(ctx, r.Store, r.Engine, r.People, id, report.Period{From: from, To: from.AddDate(0, 1, 0)})
	if err != nil {
		return Message{}, fmt.Errorf("build report: %w", err)
	}
	m := r.Cards.ReportMessage(rep, "report", r.Log)
	m.Title = r.Cards.Say("summary.title", messages.Args{"month": from.Format("January 2006")})
	return m, nil
}
