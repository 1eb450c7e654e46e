// Package report builds the partnership's standing-item report from cases:
// how many disagreements were raised and resolved, between which agencies,
// how far they climbed, how long they took in working days, which deadlines
// were missed, how agreed actions were followed through, what was learned,
// and where challenge is missing. A report holds counts — never a child
// reference, a case id or free text about a case, only the words of
// learning themes that pass conversation.ThemeWords' identifier checks —
// and renders as Markdown, CSV, JSON, a PDF or a PNG chart.
package report

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Period is the half-open interval [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// Previous returns the period of the same length just before p. Whole
// calendar months map to the month (or months) before.
func (p Period) Previous() Period {
	if p.From.Day() == 1 && p.To.Day() == 1 && p.From.Hour() == 0 && p.To.Hour() == 0 {
		months := (p.To.Year()-p.From.Year())*12 + int(p.To.Month()-p.From.Month())
		return Period{From: p.From.AddDate(0, -months, 0), To: p.From}
	}
	return Period{From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
}

// Year returns the calendar year containing t, in t's zone: the period of
// the annual report.
func Year(t time.Time) Period {
	from := time.Date(t.Year(), time.January, 1, 0, 0, 0, 0, t.Location())
	return Period{From: from, To: from.AddDate(1, 0, 0)}
}

// IsYear reports whether the period is one whole calendar year.
func (p Period) IsYear() bool {
	return p.From.Equal(Year(p.From).From) && p.To.Equal(Year(p.From).To)
}

// Month returns the calendar month containing t, in t's zone.
func Month(t time.Time) Period {
	from := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	return Period{From: from, To: from.AddDate(0, 1, 0)}
}

// Count is a labelled number.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// Pair counts disagreements raised by one agency about another.
type Pair struct {
	Raiser     string `json:"raiser"`
	Respondent string `json:"respondent"`
	N          int    `json:"n"`
}

// Totals are the headline counts of a period.
type Totals struct {
	Raised          int `json:"raised"`           // cases opened in the period
	Resolved        int `json:"resolved"`         // resolutions confirmed in the period
	Withdrawn       int `json:"withdrawn"`        // withdrawals in the period
	Open            int `json:"open"`             // cases unresolved at the period's end
	DeadlinesMissed int `json:"deadlines_missed"` // stage deadlines missed in the period
	Mediation       int `json:"mediation"`        // mediation asked for or offered in the period
	Referrals       int `json:"referrals"`        // formal referrals to the partnership in the period
	SeriousConcerns int `json:"serious_concerns"` // serious concerns logged with the partnership in the period
	// DeepDives and NoDeepDives count the serious-concern role's decisions
	// in the period that a broader deep dive is, or is not, needed.
	DeepDives   int `json:"deep_dives_needed"`
	NoDeepDives int `json:"deep_dives_not_needed"`
	// CrossBorder counts the cases raised in the period that cross into,
	// or come from, another partnership hosted on the same deployment
	// (conversation.Case.CrossBorderPartnership): each partnership's
	// report counts them once, marked so.
	CrossBorder int `json:"cross_border,omitempty"`
}

// Duration summarises working days from raising to confirmed resolution.
type Duration struct {
	Cases  int     `json:"cases"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
}

// MonthStages counts the cases raised in one month by the highest stage
// they reached.
type MonthStages struct {
	Month  string  `json:"month"` // YYYY-MM
	Stages []Count `json:"stages"`
}

// Report is the partnership report for one period.
type Report struct {
	Partnership string `json:"partnership"`
	Protocol    string `json:"protocol,omitempty"`
	// TabledWith is who an annual report goes to, as the protocol names
	// them (e.g. "the Partnership Executive Group"); empty otherwise.
	TabledWith      string        `json:"tabled_with,omitempty"`
	Period          Period        `json:"period"`
	Totals          Totals        `json:"totals"`
	Previous        Totals        `json:"previous"`
	PreviousPeriod  Period        `json:"previous_period"`
	ByCategory      []Count       `json:"by_category"`
	AgencyPairs     []Pair        `json:"agency_pairs"`
	HighestStage    []Count       `json:"highest_stage"`
	Outcomes        []Count       `json:"outcomes"`
	ResolutionDays  Duration      `json:"resolution_working_days"`
	MissedByStage   []Count       `json:"deadlines_missed_by_stage"`
	ByMonth         []MonthStages `json:"by_month"`
	NoChallengeFrom []Count       `json:"no_challenge_from"` // agencies in the directory that raised none (N is 0)
	// Actions counts the actions agreed at resolution and how they were
	// followed through; Learning the learning recorded at resolution, by
	// category (see BuildAsOf).
	Actions  Actions    `json:"actions"`
	Learning []Learning `json:"learning,omitempty"`
	// Observed counts the differences conference chairs and reviewing
	// officers logged in the period; nil under a protocol with no such
	// report when none were logged (see AddObservations).
	Observed *Observed `json:"observed_differences,omitempty"`
	// DeepDiveRole is the protocol's serious-concern role, whose deep-dive
	// decisions the totals count; empty when the protocol names none.
	DeepDiveRole string `json:"deep_dive_role,omitempty"`
	agencies     map[string]string
	// w is the wording of the report's fixed words: the protocol's
	// (Protocol.Wording), with its overrides.
	w *messages.Catalogue
}

// words is the report's wording, or the catalogue as it is for a Report
// not made by Build.
func (r *Report) words() *messages.Catalogue {
	if r.w == nil {
		return messages.English()
	}
	return r.w
}

// Agency is a directory agency, for names and the low-challenge warning.
type Agency struct {
	Key  string
	Name string
}

// Build computes the report for period from every case the store holds.
// Cases belong to the period by when they were raised; events by when they
// happened. Working days come from cal; fixed words from the protocol's
// wording (the catalogue's reportdoc.* texts with its overrides).
func Build(cases []*conversation.Case, proto *conversation.Protocol, cal *conversation.Calendar, agencies []Agency, period Period) *Report {
	r, _ := build(cases, proto, cal, agencies, period, period.To, nil)
	return r
}

// build is Build with actions counted as overdue as of end (see
// BuildAsOf), which also counts the headline figures of the extra periods
// in the same pass as the period's and the previous period's (see
// TotalsEach), and returns them in extra's order.
func build(cases []*conversation.Case, proto *conversation.Protocol, cal *conversation.Calendar, agencies []Agency, period Period, end time.Time, extra []Period) (*Report, []Totals) {
	r := &Report{Partnership: proto.Partnership, Protocol: proto.Name, Period: period, PreviousPeriod: period.Previous(), agencies: map[string]string{}, w: proto.Wording()}
	if period.IsYear() {
		r.TabledWith = proto.AnnualReportTo
	}
	r.DeepDiveRole = proto.SeriousConcernRole()
	for _, a := range agencies {
		r.agencies[a.Key] = a.Name
	}
	r.Actions, r.Learning = followThrough(cases, proto, cal, period, end)
	all := TotalsEach(cases, append([]Period{period, r.PreviousPeriod}, extra...))
	r.Totals, r.Previous = all[0], all[1]

	byCategory := map[string]int{}
	pairs := map[[2]string]int{}
	highest := map[string]int{}
	outcomes := map[string]int{}
	missed := map[string]int{}
	months := map[string]map[string]int{}
	raisedBy := map[string]int{}
	var days []float64
	for _, c := range cases {
		for _, e := range c.Events {
			if e.Kind == conversation.EventDeadlineMissed && period.Contains(e.At) {
				missed[e.Stage]++
			}
			if e.Kind == conversation.EventResolutionConfirmed && period.Contains(e.At) {
				days = append(days, float64(cal.WorkingDaysUntil(c.CreatedAt, e.At)))
			}
		}
		if !period.Contains(c.CreatedAt) {
			continue
		}
		byCategory[c.Category]++
		pairs[[2]string{c.Raiser.Agency, c.Respondent.Agency}]++
		raisedBy[c.Raiser.Agency]++
		top := highestStage(c, proto, period.To)
		highest[top]++
		m := c.CreatedAt.In(cal.Location()).Format("2006-01")
		if months[m] == nil {
			months[m] = map[string]int{}
		}
		months[m][top]++
		outcomes[string(statusAt(c, period.To))]++
	}
	for _, cat := range proto.Categories {
		if n := byCategory[cat.Key]; n > 0 {
			r.ByCategory = append(r.ByCategory, Count{Key: cat.Key, Label: cat.Name, N: n})
			delete(byCategory, cat.Key)
		}
	}
	for key, n := range byCategory { // categories no longer in the protocol
		r.ByCategory = append(r.ByCategory, Count{Key: key, Label: key, N: n})
	}
	for k, n := range pairs {
		r.AgencyPairs = append(r.AgencyPairs, Pair{Raiser: k[0], Respondent: k[1], N: n})
	}
	slices.SortFunc(r.AgencyPairs, func(a, b Pair) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.Raiser+"\x00"+a.Respondent, b.Raiser+"\x00"+b.Respondent)
	})
	for _, key := range stageKeys(proto) {
		if n := highest[key]; n > 0 {
			r.HighestStage = append(r.HighestStage, Count{Key: key, Label: proto.StageName(key), N: n})
		}
		// Every ladder stage is listed, so a stage with no misses reads as 0.
		if n := missed[key]; n > 0 || key != conversation.ReferralStageKey {
			r.MissedByStage = append(r.MissedByStage, Count{Key: key, Label: proto.StageName(key), N: n})
		}
	}
	for _, s := range []conversation.Status{conversation.StatusResolved, conversation.StatusOpen, conversation.StatusReferred, conversation.StatusWithdrawn, conversation.StatusClosed} {
		if n := outcomes[string(s)]; n > 0 {
			r.Outcomes = append(r.Outcomes, Count{Key: string(s), Label: outcomeLabel(r.w, s), N: n})
		}
	}
	r.ResolutionDays = summarise(days)
	for m := Month(period.From.In(cal.Location())).From; m.Before(period.To); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		ms := MonthStages{Month: key}
		for _, sk := range stageKeys(proto) {
			ms.Stages = append(ms.Stages, Count{Key: sk, Label: proto.StageName(sk), N: months[key][sk]})
		}
		r.ByMonth = append(r.ByMonth, ms)
	}
	for _, a := range agencies {
		if raisedBy[a.Key] == 0 {
			r.NoChallengeFrom = append(r.NoChallengeFrom, Count{Key: a.Key, Label: a.Name})
		}
	}
	return r, all[2:]
}

// NameAgencies adds the names of agencies outside the report's directory,
// such as another partnership's in a cross-border case, without counting
// them among the agencies that raised no challenge.
func (r *Report) NameAgencies(agencies []Agency) {
	for _, a := range agencies {
		if _, ok := r.agencies[a.Key]; !ok {
			r.agencies[a.Key] = a.Name
		}
	}
}

// AgencyName returns the display name of an agency key.
func (r *Report) AgencyName(key string) string {
	if n, ok := r.agencies[key]; ok {
		return n
	}
	return key
}

func stageKeys(p *conversation.Protocol) []string {
	keys := make([]string, 0, len(p.Stages)+1)
	for _, s := range p.Stages {
		keys = append(keys, s.Key)
	}
	return append(keys, conversation.ReferralStageKey)
}

// highestStage returns the highest stage the case had reached before end.
func highestStage(c *conversation.Case, p *conversation.Protocol, end time.Time) string {
	best, bestIdx := "", -2
	for _, s := range c.Stages {
		if !s.StartedAt.Before(end) {
			continue
		}
		if i := p.StageIndex(s.Key); i > bestIdx {
			best, bestIdx = s.Key, i
		}
	}
	if best == "" && len(c.Stages) > 0 {
		best = c.Stages[0].Key
	}
	return best
}

// statusAt works out a case's status at a moment from its timeline.
func statusAt(c *conversation.Case, end time.Time) conversation.Status {
	st := conversation.StatusOpen
	for _, e := range c.Events {
		if !e.At.Before(end) {
			break
		}
		switch e.Kind {
		case conversation.EventResolutionConfirmed:
			st = conversation.StatusResolved
		case conversation.EventWithdrawn:
			st = conversation.StatusWithdrawn
		case conversation.EventClosed:
			st = conversation.StatusClosed
		case conversation.EventReferred:
			st = conversation.StatusReferred
		case conversation.EventReferralReturned:
			st = conversation.StatusOpen
		}
	}
	return st
}

// outcomeLabel says where cases of status s stand at the period's end.
func outcomeLabel(w *messages.Catalogue, s conversation.Status) string {
	switch s {
	case conversation.StatusResolved:
		return w.Text("reportdoc.outcome.resolved", nil)
	case conversation.StatusOpen:
		return w.Text("reportdoc.outcome.open", nil)
	case conversation.StatusReferred:
		return w.Text("reportdoc.outcome.referred", nil)
	case conversation.StatusWithdrawn:
		return w.Text("reportdoc.outcome.withdrawn", nil)
	case conversation.StatusClosed:
		return w.Text("reportdoc.outcome.closed", nil)
	}
	return string(s)
}

// ForPartnership returns the cases partnership id counts in its report:
// its own and those that cross into it from another partnership hosted on
// the same deployment. All of cases when id is "" (a deployment of one).
func ForPartnership(cases []*conversation.Case, id string) []*conversation.Case {
	if id == "" {
		return cases
	}
	var out []*conversation.Case
	for _, c := range cases {
		if c.Partnership == id || c.CrossBorderPartnership == id {
			out = append(out, c)
		}
	}
	return out
}

// totals counts a period's headline figures.
func totals(cases []*conversation.Case, p Period) Totals { return TotalsEach(cases, []Period{p})[0] }

// hasEvent reports whether the case's timeline holds an event of kind k.
func hasEvent(c *conversation.Case, k conversation.EventKind) bool {
	for _, e := range c.Events {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// summarise returns the median and the 90th percentile (nearest rank) of days.
func summarise(days []float64) Duration {
	d := Duration{Cases: len(days)}
	if len(days) == 0 {
		return d
	}
	slices.Sort(days)
	n := len(days)
	if n%2 == 1 {
		d.Median = days[n/2]
	} else {
		d.Median = (days[n/2-1] + days[n/2]) / 2
	}
	rank := int(math.Ceil(0.9 * float64(n)))
	d.P90 = days[rank-1]
	return d
}
