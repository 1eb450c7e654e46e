package httpedge

import (
	"io"
	"net/http"
	"sync"
)

// Handler wraps h. A request whose Content-Length is over l.MaxBodyBytes
// gets 413, and one from a client that already has l.MaxBodyReadsPerClient
// bodies being read gets 429 with Retry-After; neither body is read and
// both connections are closed. Any other body is read, by h, through a
// reader that stops at l.MaxBodyBytes (http.MaxBytesReader) under the
// server's read deadline (ReadTimeout). Once the body is read to its end,
// fails or is closed, or h returns, the client's place is given back.
func Handler(h http.Handler, l Limits) http.Handler {
	l = l.withDefaults()
	s := &slots{max: l.MaxBodyReadsPerClient, held: map[string]int{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			h.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > l.MaxBodyBytes {
			l.refused("body_too_large")
			w.Header().Set("Connection", "close")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		client := Client(r, l)
		if !s.take(client) {
			l.refused("client_body_reads")
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many requests at once from this address", http.StatusTooManyRequests)
			return
		}
		release := sync.OnceFunc(func() { s.give(client) })
		defer release()
		r2 := r.WithContext(r.Context()) // the server still sees its own body, to close or drain after h
		r2.Body = &body{ReadCloser: http.MaxBytesReader(w, r.Body, l.MaxBodyBytes), release: release}
		h.ServeHTTP(w, r2)
	})
}

// body is a request body that gives back its client's place when it has
// been read to its end, has failed or is closed.
type body struct {
	io.ReadCloser
	release func()
}

// Read reads from the body; its first error, io.EOF included, gives the
// client's place back.
func (b *body) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.release()
	}
	return n, err
}

// Close closes the body and gives the client's place back. It returns the
// body's error.
func (b *body) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

// slots counts each client's bodies being read.
type slots struct {
	max  int
	mu   sync.Mutex
	held map[string]int
}

// take takes a place for client, reporting false when it has max already.
func (s *slots) take(client string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[client] >= s.max {
		return false
	}
	s.held[client]++
	return true
}

// give gives back a place taken for client.
func (s *slots) give(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.held[client] - 1; n > 0 {
		s.held[client] = n
	} else {
		delete(s.held, client)
	}
}
