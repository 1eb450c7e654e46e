package config

import (
	"fmt"
	"regexp"
	"strings"
)

// TeamsRegistration is one more Azure Bot registration the Teams adapter
// answers for (teams.registrations): Azure creates single-tenant bots
// only, so an agency on another tenant brings its own. Its secret comes
// from the environment variable it names, never from the file.
type TeamsRegistration struct {
	AppID    string // the registration's Microsoft App ID
	TenantID string // its Entra tenant
	// PasswordEnv and CertificateEnv name the environment variables that
	// hold its client secret, or its certificate and private key in PEM
	// (text or a file path, as MICROSOFT_APP_CERTIFICATE).
	PasswordEnv, CertificateEnv string
	// TokenAuthority overrides login.microsoftonline.com/{TenantID}.
	TokenAuthority string
	// ServiceURLs are Bot Connector service URLs this registration alone
	// trusts with its token before any activity for it arrives
	// (teams.service_urls are trusted by every registration).
	ServiceURLs []string
	// AppPassword and AppCertificate are read from the variables named.
	// Secret: never printed.
	AppPassword    string
	AppCertificate []byte
}

func teamsRegistrationKeys(r *TeamsRegistration) []field {
	return []field{
		{key: "app_id", dst: &r.AppID, doc: "the registration's Microsoft App ID"},
		{key: "tenant_id", dst: &r.TenantID, doc: "its Entra tenant (the bot is single-tenant)"},
		{key: "password_env", dst: &r.PasswordEnv, doc: "the environment variable holding its client secret"},
		{key: "certificate_env", dst: &r.CertificateEnv, doc: "the environment variable holding its certificate and private key (PEM text or a file path), instead of a client secret"},
		{key: "token_authority", dst: &r.TokenAuthority, def: "(login.microsoftonline.com/{tenant_id})", doc: "the Entra authority for its app tokens"},
		{key: "service_urls", dst: &r.ServiceURLs, doc: "Bot Connector URLs this registration alone trusts with its token before any request for it (https)"},
		{key: "password", refused: "give password_env, the name of an environment variable holding the secret"},
		{key: "certificate", refused: "give certificate_env, the name of an environment variable holding the certificate"},
	}
}

// envName is what an environment variable's name may be.
var envName = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// applyTeamsRegistrationsEnv reads each registration's secret from the
// variable it names.
func applyTeamsRegistrationsEnv(cfg *Config, getenv func(string) string, col *collector) {
	for i := range cfg.Teams.Registrations {
		r := &cfg.Teams.Registrations[i]
		at := fmt.Sprintf("teams.registrations[%d]", i)
		for _, v := range []struct{ key, name string }{{"password_env", r.PasswordEnv}, {"certificate_env", r.CertificateEnv}} {
			if v.name != "" && !envName.MatchString(v.name) {
				col.errorAt(at+"."+v.key, "%q is not an environment variable's name (capitals, digits and _)", v.name)
			}
		}
		if r.PasswordEnv != "" && envName.MatchString(r.PasswordEnv) {
			r.AppPassword = strings.TrimSpace(getenv(r.PasswordEnv))
		}
		if r.CertificateEnv != "" && envName.MatchString(r.CertificateEnv) {
			if v := strings.TrimSpace(getenv(r.CertificateEnv)); v != "" {
				r.AppCertificate = loadCertificateAt(at+".certificate_env", r.CertificateEnv, v, col)
			}
		}
	}
}

// validateTeamsRegistrations checks the registrations beside the main
// one: each has an app id, a tenant and (but when packaging) a secret or
// certificate in the environment, and no app id is listed twice.
func validateTeamsRegistrations(t *Teams, col *collector, packaging bool) {
	seen := map[string]bool{}
	if t.AppID != "" {
		seen[strings.ToLower(t.AppID)] = true
	}
	for i, r := range t.Registrations {
		at := fmt.Sprintf("teams.registrations[%d]", i)
		switch {
		case r.AppID == "":
			col.errorAt(at+".app_id", "each registration needs its app id")
		case seen[strings.ToLower(r.AppID)]:
			col.errorAt(at+".app_id", "the app id %s is listed twice", r.AppID)
		}
		seen[strings.ToLower(r.AppID)] = true
		if r.TenantID == "" {
			col.errorAt(at+".tenant_id", "each registration needs its tenant: Azure creates single-tenant bots only")
		}
		if r.TokenAuthority != "" {
			if msg := checkTeamsURL(r.TokenAuthority); msg != "" {
				col.errorAt(at+".token_authority", "%s", msg)
			}
		}
		for j, u := range r.ServiceURLs {
			if msg := checkTeamsURL(u); msg != "" {
				col.errorAt(fmt.Sprintf("%s.service_urls[%d]", at, j), "%s", msg)
			}
		}
		if packaging {
			continue
		}
		switch {
		case r.PasswordEnv == "" && r.CertificateEnv == "":
			col.errorAt(at, "give password_env or certificate_env: the environment variable holding the registration's secret")
		case r.AppPassword == "" && len(r.AppCertificate) == 0:
			col.errorAt(at, "the environment variable %s is not set", strings.TrimSpace(r.PasswordEnv+" "+r.CertificateEnv))
		}
	}
	if len(t.Registrations) > 0 && t.AppID == "" && !packaging {
		col.errorAt("teams.registrations", "registrations are added to the main one: set %s (and its tenant and secret) too", EnvTeamsAppID)
	}
}
