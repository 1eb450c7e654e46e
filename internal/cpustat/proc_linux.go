package cpustat

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux architecture Go supports).
const clockTick = 10 * time.Millisecond

// OfProcess returns the CPU time (user + system, all threads) that process
// pid has used, read from /proc/<pid>/stat, in steps of 10ms. Returns an
// error when there is no such process or its stat cannot be read.
func OfProcess(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read process %d cpu: %w", pid, err)
	}
	// The command name, in parentheses, may hold spaces: count fields from
	// after its closing parenthesis (field 3, the state, comes first).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("read process %d cpu: unreadable stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("read process %d cpu: unreadable stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("read process %d cpu: %w", pid, err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// RSS returns the resident set size of process pid in bytes, read from
// /proc/<pid>/status (VmRSS). Returns an error when there is no such
// process or its status cannot be read.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read process %d memory: %w", pid, err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read process %d memory: %w", pid, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("read process %d memory: no VmRSS", pid)
}
