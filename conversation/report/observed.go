package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

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
			ob.ByMeeting = append(ob.ByMeeting, Count{Key: m, Label: conversation.MeetingLabel(m), N: n})
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
func (ob *Observed) title() string {
	t := "Differences seen in conferences and reviews"
	switch {
	case ob.Service != "" && ob.ReportTo != "":
		t += fmt.Sprintf(" (%s, for %s)", ob.Service, ob.ReportTo)
	case ob.Service != "":
		t += " (" + ob.Service + ")"
	}
	return t
}

// observedLines are the section's lines for people: the total, then the counts by
// category, agency pair and meeting.
func (r *Report) observedLines() []string {
	ob := r.Observed
	if ob == nil {
		return nil
	}
	out := []string{"Logged: " + strconv.Itoa(ob.Total)}
	join := func(cs []Count) string {
		parts := make([]string, 0, len(cs))
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s %d", c.Label, c.N))
		}
		return strings.Join(parts, "; ")
	}
	if len(ob.ByCategory) > 0 {
		out = append(out, "By category: "+join(ob.ByCategory))
	}
	if len(ob.AgencyPairs) > 0 {
		parts := make([]string, 0, len(ob.AgencyPairs))
		for _, p := range ob.AgencyPairs {
			parts = append(parts, fmt.Sprintf("%s and %s %d", r.AgencyName(p.A), r.AgencyName(p.B), p.N))
		}
		out = append(out, "Between: "+strings.Join(parts, "; "))
	}
	if len(ob.ByMeeting) > 0 {
		out = append(out, "Where: "+join(ob.ByMeeting))
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
		rows = append(rows, []string{"observed_agency_pair", p.A + "+" + p.B, r.AgencyName(p.A) + " and " + r.AgencyName(p.B), strconv.Itoa(p.N)})
	}
	for _, c := range ob.ByMeeting {
		rows = append(rows, []string{"observed_meeting", c.Key, c.Label, strconv.Itoa(c.N)})
	}
	return rows
}
