package bot

import (
	"context"
	"sync"

	"github.com/resolvebot/resolvebot/conversation"
)

// caseMemo remembers the cases read during one claim's deliveries, so the
// effects of one step claimed together (its messages, one per person) read
// and unseal their case once, not once each. Each claim starts a new memo,
// so every claim still sees the case as stored at that moment, and a case
// that has moved on since a step is seen to have.
type caseMemo struct {
	mu    sync.Mutex
	reads map[string]*caseRead
}

type caseRead struct {
	once sync.Once
	c    *conversation.Case
	err  error
}

type caseMemoKey struct{}

// withCaseMemo returns ctx carrying a new, empty caseMemo.
func withCaseMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, caseMemoKey{}, &caseMemo{reads: map[string]*caseRead{}})
}

// getCase reads case id from the store, once per caseMemo in ctx (if any).
// Each caller gets its own copy. It returns the store's error.
func getCase(ctx context.Context, s conversation.Store, id string) (*conversation.Case, error) {
	m, _ := ctx.Value(caseMemoKey{}).(*caseMemo)
	if m == nil {
		return s.GetCase(ctx, id)
	}
	m.mu.Lock()
	r, ok := m.reads[id]
	if !ok {
		r = &caseRead{}
		m.reads[id] = r
	}
	m.mu.Unlock()
	r.once.Do(func() { r.c, r.err = s.GetCase(ctx, id) })
	if r.err != nil {
		return nil, r.err
	}
	return r.c.Clone(), nil
}
