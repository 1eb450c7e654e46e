package web

import "net/http"

// OIDC configures sign-in through an OpenID Connect provider.
type OIDC struct {
	Name string // the provider as people know it, on its button
}

func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request)    { s.notFound(w, r) }
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) }
func (s *Server) oidcFinish(w http.ResponseWriter, r *http.Request)   { s.notFound(w, r) }
