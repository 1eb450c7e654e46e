package config

import (
	"strconv"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Scheduler configures the nudges, digests and summaries.
type Scheduler struct {
	// DuePass, Digest and Summary are cron specs in the calendar's zone.
	DuePass string // default "@every 1m"
	Digest  string // default "0 8 * * 1-5"
	Summary string // default "0 9 1 * *"
	// ReminderDaysBefore is how many working days ahead of a deadline the
	// stage's people are reminded (default 1; 0 in the file turns it off).
	ReminderDaysBefore int
	// MaxOverdueReminders is how many daily reminders follow a missed
	// deadline before the partnership is told the case is stuck (default 3).
	MaxOverdueReminders int
	// QuietStart and QuietEnd bound the quiet hours, from midnight: nothing
	// is sent from QuietStart until QuietEnd (default 17:00 to 09:00).
	QuietStart, QuietEnd time.Duration
	// SummaryTo lists the emails that receive the partnership summary;
	// empty means the partnership roles.
	SummaryTo []string
}

func defaultScheduler() Scheduler {
	return Scheduler{DuePass: "@every 1m", Digest: "0 8 * * 1-5", Summary: "0 9 1 * *",
		ReminderDaysBefore: 1, MaxOverdueReminders: 3, QuietStart: 17 * time.Hour, QuietEnd: 9 * time.Hour}
}

// scheduler decodes the scheduler section.
func (d *nodeDecoder) scheduler(n *yaml.Node, s *Scheduler) {
	m := d.mapping(n, "scheduler", []string{"due_pass", "digest", "summary", "reminder_days_before",
		"max_overdue_reminders", "quiet_hours", "summary_to"}, nil)
	for key, dst := range map[string]*string{"due_pass": &s.DuePass, "digest": &s.Digest, "summary": &s.Summary} {
		if e, ok := m[key]; ok && d.str(e, "scheduler."+key, dst) {
			if _, err := cron.ParseStandard(*dst); err != nil {
				d.errorf(e.val, "scheduler."+key, "not a cron schedule: %v (for example \"0 8 * * 1-5\" or \"@every 1m\")", err)
			}
		}
	}
	if e, ok := m["reminder_days_before"]; ok {
		d.integer(e, "scheduler.reminder_days_before", &s.ReminderDaysBefore)
		if s.ReminderDaysBefore < 0 || s.ReminderDaysBefore > 20 {
			d.errorf(e.val, "scheduler.reminder_days_before", "choose between 0 (no reminder) and 20 working days")
		}
	}
	if e, ok := m["max_overdue_reminders"]; ok {
		d.integer(e, "scheduler.max_overdue_reminders", &s.MaxOverdueReminders)
		if s.MaxOverdueReminders < 0 || s.MaxOverdueReminders > 20 {
			d.errorf(e.val, "scheduler.max_overdue_reminders", "choose between 0 and 20")
		}
	}
	if e, ok := m["quiet_hours"]; ok {
		qm := d.mapping(e.val, "scheduler.quiet_hours", []string{"start", "end"}, nil)
		if e, ok := qm["start"]; ok {
			d.clockTime(e, "scheduler.quiet_hours.start", &s.QuietStart)
		}
		if e, ok := qm["end"]; ok {
			d.clockTime(e, "scheduler.quiet_hours.end", &s.QuietEnd)
		}
	}
	if e, ok := m["summary_to"]; ok {
		if items, ok := d.list(e, "scheduler.summary_to"); ok {
			s.SummaryTo = nil
			for i, it := range items {
				var addr string
				d.email(entry{key: e.key, val: it}, "scheduler.summary_to["+strconv.Itoa(i)+"]", &addr)
				if addr != "" {
					s.SummaryTo = append(s.SummaryTo, addr)
				}
			}
		}
	}
}
