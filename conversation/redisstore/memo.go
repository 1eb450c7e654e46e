package redisstore

import (
	"crypto/sha1"
	"encoding/hex"
	"sync"

	"github.com/resolvebot/resolvebot/conversation"
)

// maxMemo bounds the cases a store remembers; past it, an arbitrary one
// is forgotten for each new one.
const maxMemo = 4096

// memo remembers, per case, the stored JSON's SHA-1 and the case decoded
// from it, as this process last read or wrote it. UpdateCase starts from
// the remembered case instead of reading it again: its compare-and-set
// script writes only if the stored JSON still has that hash, and otherwise
// hands back what is stored, so a stale memo (another replica wrote since)
// costs one more script call and never a lost update. The hash covers the
// whole record, so a case deleted and stored again under the same id and
// version is not mistaken for the one remembered. The cases are kept as
// stored (sealed, when the sealed store wraps this one) and are never
// handed out: callers get clones. It is safe for concurrent use.
type memo struct {
	mu    sync.Mutex
	cases map[string]memoEntry
}

type memoEntry struct {
	sum string             // hex SHA-1 of the stored JSON
	c   *conversation.Case // decoded from it; never modified
}

// sum returns the hex SHA-1 of data, as Redis's redis.sha1hex gives it.
func sum(data []byte) string {
	h := sha1.Sum(data)
	return hex.EncodeToString(h[:])
}

// get returns the remembered entry for id.
func (m *memo) get(id string) (memoEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.cases[id]
	return e, ok
}

// put remembers c as stored in JSON whose SHA-1 is sum. c must not be
// modified afterwards.
func (m *memo) put(id, sum string, c *conversation.Case) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cases == nil {
		m.cases = make(map[string]memoEntry)
	}
	if _, ok := m.cases[id]; !ok && len(m.cases) >= maxMemo {
		for k := range m.cases {
			delete(m.cases, k)
			break
		}
	}
	m.cases[id] = memoEntry{sum: sum, c: c}
}

// forget drops id.
func (m *memo) forget(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.cases, id)
}

// len returns how many cases are remembered.
func (m *memo) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cases)
}
