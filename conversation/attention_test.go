package conversation

import (
	"testing"
	"time"
)

func TestPartnershipAttention(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	stage := func(key string, at time.Time) []StageRecord { return []StageRecord{{Key: key, StartedAt: at}} }
	ev := func(kind EventKind, at time.Time, fields map[string]string) Event {
		return Event{Kind: kind, At: at, Fields: fields}
	}
	stuck := ev(EventNudged, t0.Add(240*time.Hour), map[string]string{"nudge": string(NudgeStuck)})
	tests := []struct {
		name string
		c    Case
		want Attention
	}{
		{"open, nothing asked", Case{Status: StatusOpen, Stages: stage("professional", t0)}, AttentionNone},
		{"referred", Case{Status: StatusReferred, Stages: stage(ReferralStageKey, t0)}, AttentionReferral},
		{"referral accepted", Case{Status: StatusReferred, Stages: stage(ReferralStageKey, t0),
			Events: []Event{ev(EventReferralAccepted, t0.Add(time.Hour), nil)}}, AttentionNone},
		{"serious concern", Case{Status: StatusOpen, SeriousConcern: true, Stages: stage("professional", t0)}, AttentionSerious},
		{"serious concern resolved", Case{Status: StatusResolved, SeriousConcern: true, Stages: stage("professional", t0)}, AttentionNone},
		{"stuck", Case{Status: StatusOpen, Stages: stage("manager", t0), Events: []Event{stuck}}, AttentionStuck},
		{"stuck at an earlier stage", Case{Status: StatusOpen, Stages: stage("manager", t0.Add(300*time.Hour)), Events: []Event{stuck}}, AttentionNone},
		{"stuck, mediation offered since", Case{Status: StatusOpen, Mediation: true, Stages: stage("manager", t0),
			Events: []Event{stuck, ev(EventMediationOffered, t0.Add(250*time.Hour), nil)}}, AttentionNone},
		{"mediation asked for", Case{Status: StatusOpen, Mediation: true, Stages: stage("manager", t0),
			Events: []Event{ev(EventMediationRequested, t0.Add(time.Hour), nil)}}, AttentionMediation},
		{"mediation offered", Case{Status: StatusOpen, Mediation: true, Stages: stage("manager", t0),
			Events: []Event{ev(EventMediationRequested, t0.Add(time.Hour), nil), ev(EventMediationOffered, t0.Add(2*time.Hour), nil)}}, AttentionNone},
		{"withdrawn while stuck", Case{Status: StatusWithdrawn, Stages: stage("manager", t0), Events: []Event{stuck}}, AttentionNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PartnershipAttention(&tt.c); got != tt.want {
				t.Errorf("PartnershipAttention = %q, want %q", got, tt.want)
			}
		})
	}
}
