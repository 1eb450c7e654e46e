package cpustat

import (
	"os"
	"testing"
	"time"
)

// TestOfProcess: this process's CPU time read from /proc grows as it
// works and agrees with getrusage's reading; its RSS is plausible; a
// process that does not exist is an error.
func TestOfProcess(t *testing.T) {
	pid := os.Getpid()
	before, err := OfProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for start := process(); process()-start < 200*time.Millisecond; {
		x++
	}
	after, err := OfProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if d := after - before; d < 100*time.Millisecond {
		t.Errorf("200ms of work counted as %s", d)
	}
	if own := process(); after > own+50*time.Millisecond || after < own-500*time.Millisecond {
		t.Errorf("/proc says %s, getrusage %s", after, own)
	}
	rss, err := RSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 || rss > 1<<34 {
		t.Errorf("RSS %d bytes", rss)
	}
	if _, err := OfProcess(1 << 30); err == nil {
		t.Error("OfProcess of no process: no error")
	}
	if _, err := RSS(1 << 30); err == nil {
		t.Error("RSS of no process: no error")
	}
}
