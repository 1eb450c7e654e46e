package scheduler

import "context"

// ObservedDuePass is the due pass as its cron job runs it, for tests.
func (s *Scheduler) ObservedDuePass(ctx context.Context) (int, error) { return s.observedDuePass(ctx) }
