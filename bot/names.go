package bot

import (
	"sync"
	"time"
)

// nameTTL is how long a display name is reused before it is read again. A
// name changed on another replica shows there within this time.
const nameTTL = time.Minute

// maxNames bounds the names kept; past it the memo starts afresh.
const maxNames = 10_000

// names is a short-lived memo of display names by person id, so a card
// naming the same people on every line, or sent to several people, reads
// each person from the store once rather than once per mention. It holds
// only names, never case content. It is safe for concurrent use.
type names struct {
	mu      sync.Mutex
	entries map[string]nameEntry
}

type nameEntry struct {
	name    string
	expires time.Time
}

// get returns id's name if it was remembered less than nameTTL before now.
func (n *names) get(id string, now time.Time) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	e, ok := n.entries[id]
	if !ok || !now.Before(e.expires) {
		return "", false
	}
	return e.name, true
}

// put remembers id's name as of now; an empty name forgets it.
func (n *names) put(id, name string, now time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if name == "" {
		delete(n.entries, id)
		return
	}
	if n.entries == nil || len(n.entries) >= maxNames {
		n.entries = make(map[string]nameEntry)
	}
	n.entries[id] = nameEntry{name: name, expires: now.Add(nameTTL)}
}
