package conversation

import (
	"context"
	"time"
)

// Ended reports whether a case in this status is over for good: resolved,
// withdrawn or closed. Retention deletes ended cases once they have been
// over for the configured period.
func (s Status) Ended() bool {
	return s == StatusResolved || s == StatusWithdrawn || s == StatusClosed
}

// EndedAt returns when the case ended: the time of its latest resolution,
// withdrawal or closing event. ok is false for a case that has not ended.
// Views, exports and notes after the end do not move it, so reading a
// record never keeps it longer.
func (c *Case) EndedAt() (at time.Time, ok bool) {
	if !c.Status.Ended() {
		return time.Time{}, false
	}
	for i := len(c.Events) - 1; i >= 0; i-- {
		switch c.Events[i].Kind {
		case EventResolutionConfirmed, EventWithdrawn, EventClosed:
			return c.Events[i].At, true
		}
	}
	return c.UpdatedAt, true
}

// PurgeItem is one case that retention removes, with no case text.
type PurgeItem struct {
	CaseID  string
	Status  Status
	EndedAt time.Time
}

// PurgeReport is what a purge removed, or would remove on a dry run.
type PurgeReport struct {
	Cutoff time.Time   // cases that ended at or before this go
	Cases  []PurgeItem // oldest first
	Drafts int         // expired drafts removed (0 on a dry run)
	// Observations counts the observed differences logged before Cutoff,
	// removed (or, on a dry run, that would be).
	Observations int
	// Downloads counts the dashboard downloads recorded before Cutoff,
	// removed (or, on a dry run, that would be).
	Downloads int
	DryRun    bool
}

// Purge deletes every case that ended (resolved, withdrawn or closed) at
// least keep ago, with its index entries and message refs, every observed
// difference logged and every dashboard download recorded more than keep
// ago, and every expired draft. With
// dryRun it only lists the cases and counts the observations. keep must be
// positive.
// Returns EINVALID for a keep of zero or less and EINTERNAL on store
// failure; cases deleted before a failure stay deleted.
func (e *Engine) Purge(ctx context.Context, keep time.Duration, dryRun bool) (*PurgeReport, error) {
	if keep <= 0 {
		return nil, Invalid("error.retention.none", nil)
	}
	now := e.now()
	rep := &PurgeReport{Cutoff: now.Add(-keep), DryRun: dryRun}
	cs, err := e.Store.ListCases(ctx, CaseFilter{Statuses: []Status{StatusResolved, StatusWithdrawn, StatusClosed}})
	if err != nil {
		return nil, Internal("list ended cases", err)
	}
	for i := len(cs) - 1; i >= 0; i-- { // oldest first
		c := cs[i]
		at, ok := c.EndedAt()
		if !ok || at.After(rep.Cutoff) {
			continue
		}
		if !dryRun {
			if err := e.Store.DeleteCase(ctx, c.ID); err != nil && ErrorCode(err) != ENOTFOUND {
				return rep, Internal("delete case "+c.ID, err)
			}
		}
		rep.Cases = append(rep.Cases, PurgeItem{CaseID: c.ID, Status: c.Status, EndedAt: at})
	}
	if st, ok := e.Store.(ObservationStore); ok {
		if dryRun {
			obs, err := st.Observations(ctx, time.Time{}, rep.Cutoff)
			if err != nil {
				return rep, Internal("list old observations", err)
			}
			rep.Observations = len(obs)
		} else {
			n, err := st.DeleteObservationsBefore(ctx, rep.Cutoff)
			rep.Observations = n
			if err != nil {
				return rep, Internal("delete old observations", err)
			}
		}
	}
	if err := e.purgeDownloads(ctx, rep); err != nil {
		return rep, err
	}
	if !dryRun {
		n, err := e.Store.DeleteExpiredDrafts(ctx, now)
		if err != nil {
			return rep, Internal("delete expired drafts", err)
		}
		rep.Drafts = n
	}
	return rep, nil
}

// purgeDownloads deletes, or on a dry run counts, the dashboard downloads
// recorded before rep's cutoff. Returns EINTERNAL on store failure.
func (e *Engine) purgeDownloads(ctx context.Context, rep *PurgeReport) error {
	if !rep.DryRun {
		n, err := e.Store.DeleteDownloadsBefore(ctx, rep.Cutoff)
		rep.Downloads = n
		if err != nil {
			return Internal("delete old downloads", err)
		}
		return nil
	}
	all, err := e.Store.Downloads(ctx, 0)
	if err != nil {
		return Internal("list old downloads", err)
	}
	for _, r := range all {
		if r.At.Before(rep.Cutoff) {
			rep.Downloads++
		}
	}
	return nil
}
