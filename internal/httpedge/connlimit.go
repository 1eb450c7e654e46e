package httpedge

// reservedFiles are the open files kept for everything but inbound
// connections: the store (a bolt file, or a pool of Redis connections),
// calls to Slack and Teams, logs. A quarter of the limit is kept when that
// is more.
const reservedFiles = 96

// minConns is the least MaxConns derived from a tiny open-file limit.
const minConns = 16

// connsFor returns the connection cap for an open-file limit of files: what
// is left after the reserve, at least minConns.
func connsFor(files uint64) int {
	reserve := max(uint64(reservedFiles), files/4)
	if files <= reserve+minConns {
		return minConns
	}
	if n := files - reserve; n < 1<<20 {
		return int(n)
	}
	return 1 << 20
}
