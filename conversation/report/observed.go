package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Observed counts the inter-agency differences conference chairs and
// reviewing officers logged in the period (Wiltshire 3.1, Devon 2.8): how
// many, by category, by the pair of agencies and by the kind of meeting.
// It holds counts only, never what was written.
type Observed struct {
	Service  string `json:"service"`   // who reports them, e.g. "Conference and Reviewing Service"
	ReportTo string `json:"report_to"` // to whom, e.g. "the QA&P Sub Group"
	Total    int    `json:"total"`
	// ByCategory counts them by the protocol's categories.
	ByCategory []Count `json:"by_category"`
	// AgencyPairs counts them by the two agencies involved, in either
	// order (A is the one whose name sorts first).
	AgencyPairs []ObservedPair `json:"agency_pairs"`
	// ByMeeting counts them by conference or review.
	ByMeeting []Count `json:"by_meeting"`
}

// ObservedPair counts differences seen between two agencies.
type ObservedPair struct {
	A string `json:"a"`
	B string `json:"b"`
	N int    `json:"n"`
}

// AddObservations puts the period's observed differences into the report,
// counted by category, agency pair and meeting, under a protocol that has
// such a report (or when some were logged); observations outside the
// report's period are left out.
func (r *Report) AddObservations(obs []conversation.Observation, proto *conversation.Protocol) {
	od := proto.Observations
	var in []conversation.Observation
	for _, o := range obs {
		if r.Period.Contains(o.At) {
			in = append(in, o)
		}
	}
	if od == nil && len(in) == 0 {
		return
	}
	ob := &Observed{Total: len(in)}
	if od != nil {
		ob.Service, ob.ReportTo = od.Service, od.ReportTo
	}
	cats, meetings := map[string]int{}, map[string]int{}
	pairs := map[[2]string]int{}
	for _, o := range in {
		cats[o.Category]++
		meetings[o.Meeting]++
		a, b := o.AgencyA, o.AgencyB
		if r.AgencyName(b) < r.AgencyName(a) {
			a, b = b, a
		}
		pairs[[2]string{a, b}]++
	}
	for _, c := range proto.Categories {
		if n := cats[c.Key]; n > 0 {
			ob.ByCategory = append(ob.ByCategory, Count{Key: c.Key, Label: c.Name, N: n})
			delete(cats, c.Key)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(cats)) { // categories no longer in the protocol
		ob.ByCategory = append(ob.ByCategory, Count{Key: k, Label: k, N: cats[k]})
	}
	for _, m := range []string{conversation.MeetingConference, conversation.MeetingReview} {
		if n := meetings[m]; n > 0 {
			ob.ByMeeting = append(ob.ByMeeting, Count{Key: m, Label: proto.MeetingLabel(m), N: n})
		}
	}
	for k, n := range pairs {
		ob.AgencyPairs = append(ob.AgencyPairs, ObservedPair{A: k[0], B: k[1], N: n})
	}
	slices.SortFunc(ob.AgencyPairs, func(x, y ObservedPair) int {
		if x.N != y.N {
			return y.N - x.N
		}
		return strings.Compare(r.AgencyName(x.A)+"\x00"+r.AgencyName(x.B), r.AgencyName(y.A)+"\x00"+r.AgencyName(y.B))
	})
	r.Observed = ob
}

// title heads the section: "Differences seen in conferences and
// reviews (Conference and Reviewing Service, for the QA&P Sub Group)".
func (ob *Observed) title(w *messages.Catalogue) string {
	switch {
	case ob.Service != "" && ob.ReportTo != "":
		return w.Text("reportdoc.observed.title.for", messages.Args{"service": ob.Service, "report_to": ob.ReportTo})
	case ob.Service != "":
		return w.Text("reportdoc.observed.title.by", messages.Args{"service": ob.Service})
	}
	return w.Text("reportdoc.observed.title", nil)
}

// pairName names two agencies together: "School and Health".
func (r *Report) pairName(a, b string) string {
	return r.words().Text("reportdoc.observed.pair", messages.Args{"a": r.AgencyName(a), "b": r.AgencyName(b)})
}

// observedLines are the section's lines for people: the total, then the counts by
// category, agency pair and meeting.
func (r *Report) observedLines() []string {
	ob := r.Observed
	if ob == nil {
		return nil
	}
	w := r.words()
	out := []string{w.Text("reportdoc.observed.logged", messages.Args{"n": ob.Total})}
	join := func(cs []Count) string {
		parts := make([]string, 0, len(cs))
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s %d", c.Label, c.N))
		}
		return strings.Join(parts, "; ")
	}
	if len(ob.ByCategory) > 0 {
		out = append(out, w.Text("reportdoc.observed.by_category", messages.Args{"counts": join(ob.ByCategory)}))
	}
	if len(ob.AgencyPairs) > 0 {
		parts := make([]string, 0, len(ob.AgencyPairs))
		for _, p := range ob.AgencyPairs {
			parts = append(parts, fmt.Sprintf("%s %d", r.pairName(p.A, p.B), p.N))
		}
		out = append(out, w.Text("reportdoc.observed.between", messages.Args{"counts": strings.Join(parts, "; ")}))
	}
	if len(ob.ByMeeting) > 0 {
		out = append(out, w.Text("reportdoc.observed.where", messages.Args{"counts": join(ob.ByMeeting)}))
	}
	return out
}

// observedCSV returns the section's CSV rows.
func (r *Report) observedCSV() [][]string {
	ob := r.Observed
	if ob == nil {
		return nil
	}
	rows := [][]string{{"observed", "total", "", strconv.Itoa(ob.Total)}}
	for _, c := range ob.ByCategory {
		rows = append(rows, []string{"observed_category", c.Key, c.Label, strconv.Itoa(c.N)})
	}
	for _, p := range ob.AgencyPairs {
		rows = append(rows, []string{"observed_agency_pair", p.A + "+" + p.B, r.pairName(p.A, p.B), strconv.Itoa(p.N)})
	}
	for _, c := range ob.ByMeeting {
		rows = append(rows, []string{"observed_meeting", c.Key, c.Label, strconv.Itoa(c.N)})
	}
	return rows
}
