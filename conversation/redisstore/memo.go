package redisstore

import (
	"crypto/sha1"
	"encoding/hex"
	"sync"

	"github.com/resolvebot/resolvebot/conversation"
)

// maxMemo and maxMemoBytes bound the cases a store remembers, by count
// and by the size of their stored JSON (a decoded case takes a few times
// that); past either, arbitrary cases are forgotten to make room.
const (
	maxMemo      = 4096
	maxMemoBytes = 16 << 20
)

// memo remembers, per case, the stored state record's SHA-1 and the state
// decoded from it, with how many events its log holds, as this process last read or wrote it. UpdateCase starts from
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
	bytes int // sum of the entries' sizes
}

type memoEntry struct {
	sum    string             // hex SHA-1 of the stored state record
	c      *conversation.Case // the state decoded from it, no events; never modified
	logged int                // how many events the case's log holds
	size   int                // length of the stored state record
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

// put remembers e for case id. e.c must not be modified afterwards. A case
// larger than the whole budget is not remembered.
func (m *memo) put(id string, e memoEntry) {
	size := e.size
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cases == nil {
		m.cases = make(map[string]memoEntry)
	}
	m.drop(id)
	if size > maxMemoBytes {
		return
	}
	for k := range m.cases {
		if len(m.cases) < maxMemo && m.bytes+size <= maxMemoBytes {
			break
		}
		m.drop(k)
	}
	m.cases[id] = e
	m.bytes += size
}

// drop forgets id; the caller holds mu.
func (m *memo) drop(id string) {
	if e, ok := m.cases[id]; ok {
		m.bytes -= e.size
		delete(m.cases, id)
	}
}

// forget drops id.
func (m *memo) forget(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drop(id)
}

// len returns how many cases are remembered and the size of their JSON.
func (m *memo) len() (cases, bytes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cases), m.bytes
}
