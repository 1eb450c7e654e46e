package config

import "time"

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
