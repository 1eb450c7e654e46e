//go:build !linux

package cpustat

import (
	"errors"
	"time"
)

var errNoProc = errors.New("reading another process's cpu and memory needs Linux's /proc")

// OfProcess returns the CPU time process pid has used. Only Linux is
// supported: elsewhere it returns an error.
func OfProcess(pid int) (time.Duration, error) { return 0, errNoProc }

// RSS returns the resident set size of process pid in bytes. Only Linux
// is supported: elsewhere it returns an error.
func RSS(pid int) (int64, error) { return 0, errNoProc }
