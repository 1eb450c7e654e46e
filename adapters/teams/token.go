package teams

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// botFrameworkScope is the scope of app tokens for the Bot Connector.
const botFrameworkScope = "https://api.botframework.com/.default"

// Authority hosts and the multi-tenant Bot Framework tenant.
const (
	defaultAuthorityHost = "https://login.microsoftonline.com"
	multiTenantTenant    = "botframework.com"
)

// Authority returns the Entra authority for the bot's app tokens: override
// when set, else login.microsoftonline.com/{tenant} for a single-tenant bot
// (or one with a tenant id) and login.microsoftonline.com/botframework.com
// for a multi-tenant bot without one.
func Authority(override, tenantID string) string {
	if override != "" {
		return strings.TrimRight(override, "/")
	}
	if tenantID != "" {
		return defaultAuthorityHost + "/" + tenantID
	}
	return defaultAuthorityHost + "/" + multiTenantTenant
}

// appTokenClient is the part of MSAL's confidential client we use.
type appTokenClient interface {
	AcquireTokenByCredential(ctx context.Context, scopes []string, opts ...confidential.AcquireByCredentialOption) (confidential.AuthResult, error)
}

// msalTokens gives app tokens from MSAL, which caches them until shortly
// before they expire.
type msalTokens struct {
	client appTokenClient
}

// newMSALTokens builds a confidential client for appID at authority, with a
// client secret or, when certPEM is set, a certificate and its private key
// in PEM. Returns an error when the credential or authority is unusable.
func newMSALTokens(appID, secret string, certPEM []byte, authority string, hc *http.Client) (*msalTokens, error) {
	var cred confidential.Credential
	var err error
	switch {
	case len(certPEM) > 0:
		certs, key, perr := confidential.CertFromPEM(certPEM, "")
		if perr != nil {
			return nil, fmt.Errorf("read certificate: %w", perr)
		}
		cred, err = confidential.NewCredFromCert(certs, key)
	case secret != "":
		cred, err = confidential.NewCredFromSecret(secret)
	default:
		return nil, errors.New("no client secret or certificate")
	}
	if err != nil {
		return nil, fmt.Errorf("credential: %w", err)
	}
	opts := []confidential.Option{}
	if hc != nil {
		opts = append(opts, confidential.WithHTTPClient(hc))
	}
	if !strings.HasPrefix(authority, defaultAuthorityHost+"/") {
		// A sovereign cloud or a test authority: no discovery through the
		// public cloud.
		opts = append(opts, confidential.WithInstanceDiscovery(false))
	}
	c, err := confidential.New(authority, appID, cred, opts...)
	if err != nil {
		return nil, fmt.Errorf("token client: %w", err)
	}
	return &msalTokens{client: c}, nil
}

// Token returns an app token for the Bot Connector. Returns an error when
// Entra refuses or cannot be reached; the error never holds a secret.
func (m *msalTokens) Token(ctx context.Context) (string, error) {
	r, err := m.client.AcquireTokenByCredential(ctx, []string{botFrameworkScope})
	if err != nil {
		return "", errors.New("app token refused or unavailable")
	}
	return r.AccessToken, nil
}
