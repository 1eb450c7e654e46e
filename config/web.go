package config

import "strings"

// EnvOIDCClientSecret is the client secret of the web page's OpenID
// Connect sign-in. Secret: from the environment only, never printed.
const EnvOIDCClientSecret = "RESOLVEBOT_OIDC_CLIENT_SECRET"

// Web configures the web page beyond what the email section gives it
// (the web section). The page itself is on whenever email is: the emails
// link to it and it signs people in by emailed links.
type Web struct {
	// OIDC offers sign-in with the organisation's identity provider too.
	OIDC OIDC
}

// OIDC configures sign-in through an OpenID Connect provider (web.oidc).
// The person is matched by the provider's verified email address.
type OIDC struct {
	Enabled bool // the file has a web.oidc section
	// Issuer is the provider's issuer URL (issuer); its discovery
	// document is at Issuer/.well-known/openid-configuration.
	Issuer   string
	ClientID string // client_id
	// ClientSecret comes from RESOLVEBOT_OIDC_CLIENT_SECRET only.
	ClientSecret string
	// Name is the provider as people know it, on the sign-in button
	// (name, default "your organisation").
	Name string
}

// webKeys are the keys of the web section.
func webKeys(w *Web) []field {
	return []field{
		{key: "oidc", doc: "sign-in with the organisation's identity provider through OpenID Connect, beside the emailed link; the person is matched by verified email",
			items: oidcKeys(&w.OIDC), parse: func(d *nodeDecoder, e entry, at string) {
				w.OIDC.Enabled = true
				d.section(e, at, oidcKeys(&w.OIDC))
			}},
	}
}

func oidcKeys(o *OIDC) []field {
	return []field{
		{key: "issuer", dst: &o.Issuer, doc: "the provider's issuer URL (https), such as https://login.microsoftonline.com/<tenant>/v2.0"},
		{key: "client_id", dst: &o.ClientID, doc: "the client (application) id registered with the provider; its redirect URI is <email.base_url>/web/sign-in/oidc/callback"},
		{key: "name", dst: &o.Name, def: "your organisation", doc: "the provider as people know it, on the sign-in button"},
		{key: "client_secret", dst: &o.ClientSecret, env: EnvOIDCClientSecret, envOnly: true, secret: true, doc: "the client secret"},
	}
}

// validateWeb fills web's defaults and checks what only the merged
// configuration shows.
func validateWeb(cfg *Config, col *collector) {
	o := &cfg.Web.OIDC
	if !o.Enabled {
		if o.ClientSecret != "" {
			col.warnAt("web.oidc.client_secret", "%s is set but the file has no web.oidc section, so it is not used", EnvOIDCClientSecret)
		}
		return
	}
	if o.Name == "" {
		o.Name = "your organisation"
	}
	if o.Issuer == "" {
		col.errorAt("web.oidc.issuer", "web.oidc needs the provider's issuer URL")
	} else if msg := checkTeamsURL(o.Issuer); msg != "" {
		col.errorAt("web.oidc.issuer", "%s", msg)
	} else {
		o.Issuer = strings.TrimRight(o.Issuer, "/")
	}
	if o.ClientID == "" {
		col.errorAt("web.oidc.client_id", "web.oidc needs the client id registered with the provider")
	}
	if o.ClientSecret == "" {
		col.errorAt("web.oidc", "web.oidc needs %s set in the environment", EnvOIDCClientSecret)
	}
	if !cfg.Email.Enabled {
		col.errorAt("web.oidc", "the web page needs an email section (its base_url, and the emailed links everyone else signs in with)")
	}
}
