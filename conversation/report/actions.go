package report

import (
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Actions counts the actions agreed at resolution: how many were agreed in
// the period, how many were marked done in it (by their due date or
// after), and how many were overdue at its end (not done, due date
// passed), wherever they were agreed.
type Actions struct {
	Agreed     int `json:"agreed"`
	DoneOnTime int `json:"done_on_time"`
	DoneLate   int `json:"done_late"`
	Overdue    int `json:"overdue"`
}

// Any reports whether there is anything to show.
func (a Actions) Any() bool { return a.Agreed+a.DoneOnTime+a.DoneLate+a.Overdue > 0 }

// Quote is the words of one learning theme, as the person wrote them, that
// passed the identifier checks (conversation.ThemeWords).
type Quote struct {
	Kind  string `json:"kind"` // conversation.LearningLearned or LearningPrevention
	Words string `json:"words"`
}

// Learning is the learning recorded at resolution in the period about
// disagreements in one category: how many people said what they learned
// and what would have prevented it, the words that may be quoted, and how
// many were counted only because they might identify someone.
type Learning struct {
	Category   string  `json:"category"`
	Label      string  `json:"label"`
	Learned    int     `json:"learned"`
	Prevention int     `json:"prevention"`
	Quotes     []Quote `json:"quotes,omitempty"`
	Withheld   int     `json:"withheld"`
}

// BuildAsOf is Build for a report made at now: an action counts as overdue
// when its due date had passed by the period's end or now, whichever is
// earlier, so the current month's report does not count actions still due.
func BuildAsOf(cases []*conversation.Case, proto *conversation.Protocol, cal *conversation.Calendar, agencies []Agency, period Period, now time.Time) *Report {
	r, _ := build(cases, proto, cal, agencies, period, asOf(period, now), nil)
	return r
}

// asOf is the moment a report made at now counts overdue actions at: the
// period's end or now, whichever is earlier.
func asOf(period Period, now time.Time) time.Time {
	if now.Before(period.To) {
		return now
	}
	return period.To
}

// followThrough counts the period's agreed actions and learning, as of end.
func followThrough(cases []*conversation.Case, proto *conversation.Protocol, cal *conversation.Calendar, period Period, end time.Time) (Actions, []Learning) {
	var a Actions
	byCat := map[string]*Learning{}
	for _, c := range cases {
		if r := c.Resolution; r != nil && r.Confirmed {
			agreedIn := period.Contains(r.ConfirmedAt)
			for _, act := range r.Actions {
				if agreedIn {
					a.Agreed++
				}
				done := act.Done() && !act.DoneAt.After(end)
				switch {
				case done && period.Contains(act.DoneAt):
					if st := act.State(cal, end); st == conversation.ActionDoneLate {
						a.DoneLate++
					} else {
						a.DoneOnTime++
					}
				case !done && r.ConfirmedAt.Before(end) && !act.Due.IsZero() && end.After(act.DueBy(cal)):
					a.Overdue++
				}
			}
		}
		for _, e := range c.Events {
			if e.Kind != conversation.EventLearning || !period.Contains(e.At) || e.At.After(end) {
				continue
			}
			l := byCat[c.Category]
			if l == nil {
				l = &Learning{Category: c.Category, Label: proto.CategoryName(c.Category)}
				byCat[c.Category] = l
			}
			kind := e.Fields["kind"]
			if kind == conversation.LearningPrevention {
				l.Prevention++
			} else {
				kind = conversation.LearningLearned
				l.Learned++
			}
			words, ok := conversation.ThemeWords(e.Text, c)
			if !ok {
				l.Withheld++
				continue
			}
			q := Quote{Kind: kind, Words: words}
			if !slices.Contains(l.Quotes, q) {
				l.Quotes = append(l.Quotes, q)
			}
		}
	}
	var out []Learning
	for _, cat := range proto.Categories {
		if l := byCat[cat.Key]; l != nil {
			out = append(out, *l)
			delete(byCat, cat.Key)
		}
	}
	for _, k := range sortedKeys(byCat) { // categories no longer in the protocol
		out = append(out, *byCat[k])
	}
	for i := range out {
		slices.SortStableFunc(out[i].Quotes, func(x, y Quote) int { return strings.Compare(x.Kind, y.Kind) })
	}
	return a, out
}

func sortedKeys(m map[string]*Learning) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// line says the action counts in a sentence, in w's words.
func (a Actions) line(w *messages.Catalogue) string {
	return w.Text("reportdoc.actions.line", messages.Args{"agreed": a.Agreed, "on_time": a.DoneOnTime, "late": a.DoneLate, "overdue": a.Overdue})
}

// lines are the action counts one per line, in w's words.
func (a Actions) lines(w *messages.Catalogue) []string {
	return []string{w.Text("reportdoc.actions.agreed", messages.Args{"n": a.Agreed}),
		w.Text("reportdoc.actions.done_on_time", messages.Args{"n": a.DoneOnTime}),
		w.Text("reportdoc.actions.done_late", messages.Args{"n": a.DoneLate}),
		w.Text("reportdoc.actions.overdue", messages.Args{"n": a.Overdue})}
}

// quoteLabel introduces a quote by its kind.
func quoteLabel(w *messages.Catalogue, kind string) string {
	if kind == conversation.LearningPrevention {
		return w.Text("reportdoc.learning.prevention", nil)
	}
	return w.Text("reportdoc.learning.learned", nil)
}

// learningLines are the learning section's lines: per category, the counts
// and then each quotable theme.
func (r *Report) learningLines() []string {
	var out []string
	w := r.words()
	for _, l := range r.Learning {
		s := w.Text("reportdoc.learning.counts", messages.Args{"category": l.Label, "learned": l.Learned, "prevention": l.Prevention})
		if l.Withheld > 0 {
			s += w.Text("reportdoc.learning.withheld", messages.Args{"count": l.Withheld})
		}
		out = append(out, s)
		for _, q := range l.Quotes {
			out = append(out, "    "+w.Text("reportdoc.learning.quote", messages.Args{"kind": quoteLabel(w, q.Kind), "words": q.Words}))
		}
	}
	return out
}
