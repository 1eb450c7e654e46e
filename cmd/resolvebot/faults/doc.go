// Package faults holds fault tests that run the real resolvebot binary as a
// subprocess: kill -9 mid-load on both stores, a Redis outage, a Redis
// Cluster conformance run, two replicas sharing one Redis, and a rate-limited
// Slack Web API, and 500 slow clients against a bot with 256 open files.
// They are behind the "faults" build tag:
//
//	go test -tags faults -count=1 ./cmd/resolvebot/faults/
//
// Tests that need redis-server and redis-cli find them on PATH; without
// them they skip, except under CI=true, where they fail.
package faults
