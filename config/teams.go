package config

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/url"
	"os"
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
	for i, u := range t.ServiceURLs {
		if msg := checkTeamsURL(u); msg != "" {
			col.errorAt(fmt.Sprintf("teams.service_urls[%d]", i), "%s", msg)
		}
	}
	for i, iss := range t.Issuers {
		if strings.TrimSpace(iss) == "" {
			col.errorAt(fmt.Sprintf("teams.issuers[%d]", i), "an issuer cannot be empty")
		}
	}
}

// loadCertificate returns the PEM named by v, the value of
// MICROSOFT_APP_CERTIFICATE: the PEM text itself (real newlines or "\n"
// escapes, as some platforms store multi-line variables), or else the path
// of a PEM file. It must hold a certificate and an unencrypted private key.
// Problems never quote the value.
func loadCertificate(v string, col *collector) []byte {
	return loadCertificateAt("teams.app_certificate", EnvTeamsAppCertificate, v, col)
}

// loadCertificateAt is loadCertificate for the setting at path, given by
// the environment variable env.
func loadCertificateAt(path, env, v string, col *collector) []byte {
	var data []byte
	if strings.Contains(v, "-----BEGIN") {
		if !strings.Contains(v, "\n") {
			v = strings.ReplaceAll(v, `\n`, "\n")
		}
		data = []byte(v)
	} else {
		b, err := os.ReadFile(v)
		if err != nil {
			col.errorAt(path, "%s is neither PEM text nor a readable PEM file: %v", env, unwrapPath(err))
			return nil
		}
		data = b
	}
	if msg := checkCertificatePEM(data); msg != "" {
		col.errorAt(path, "%s: %s", env, msg)
		return nil
	}
	return data
}

// unwrapPath drops the path from a file error, leaving its reason.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// checkCertificatePEM returns what is wrong with a certificate PEM, or "".
func checkCertificatePEM(data []byte) string {
	var certs, keys int
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch {
		case b.Type == "CERTIFICATE":
			if _, err := x509.ParseCertificate(b.Bytes); err != nil {
				return "a CERTIFICATE block cannot be read"
			}
			certs++
		case b.Type == "ENCRYPTED PRIVATE KEY" || b.Headers["Proc-Type"] != "":
			return "the private key is encrypted; give it unencrypted (keep the variable or file secret)"
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			keys++
		}
	}
	switch {
	case certs == 0 && keys == 0:
		return "holds no PEM blocks; give a certificate and its private key in PEM"
	case certs == 0:
		return "holds no CERTIFICATE block"
	case keys == 0:
		return "holds no PRIVATE KEY block; the certificate needs its private key"
	}
	return ""
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
