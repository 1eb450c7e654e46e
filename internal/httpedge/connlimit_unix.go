//go:build unix

package httpedge

import "syscall"

// ConnLimit returns the cap on open inbound connections for this process:
// its open-file limit (RLIMIT_NOFILE, which Go raises to the hard limit at
// start) less a reserve for the store, outbound calls and logs.
func ConnLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return connsFor(1024)
	}
	return connsFor(rl.Cur)
}
