package config

import (
	"net"
	"net/url"
	"strings"
)

// validateTeamsURLs checks the OpenID metadata URL and the token authority:
// each must be an absolute https URL, or http on a loopback host for local
// testing. An empty metadata URL falls back to the default.
func validateTeamsURLs(t *Teams, col *collector) {
	if t.OpenIDMetadataURL == "" {
		t.OpenIDMetadataURL = DefaultTeamsOpenIDMetadataURL
	}
	if msg := checkTeamsURL(t.OpenIDMetadataURL); msg != "" {
		col.errorAt("teams.openid_metadata_url", "%s", msg)
	}
	if t.TokenAuthority != "" {
		if msg := checkTeamsURL(t.TokenAuthority); msg != "" {
			col.errorAt("teams.token_authority", "%s", msg)
		} else {
			t.TokenAuthority = strings.TrimRight(t.TokenAuthority, "/")
		}
	}
}

// checkTeamsURL returns a problem with u, or "".
func checkTeamsURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || (p.Scheme != "https" && p.Scheme != "http") {
		return "must be an absolute URL such as https://login.example.com/path"
	}
	if p.Scheme == "http" {
		host := p.Hostname()
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "must use https (plain http is allowed only for localhost)"
		}
	}
	return ""
}
