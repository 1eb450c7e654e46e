package teams

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot/bottest"
)

// testCertificate makes a throwaway self-signed certificate and returns it
// with its private key in PEM.
func testCertificate(t *testing.T) (*x509.Certificate, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "resolvebot test"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(0, 0).Add(100 * 365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return cert, append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
}

// TestCertificateCredential: with Options.Certificate and no password, the
// app token is asked for with a client assertion signed by the
// certificate's key, and the connector call carries that token. The
// configured service URL is trusted before any activity arrives.
func TestCertificateCredential(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	entra := teamstest.NewEntra(t, testTenant)
	conn := teamstest.NewConnector(t)
	cert, certPEM := testCertificate(t)
	a, err := New(env.Router, env.People, env.Dispatcher, Options{
		AppID: testAppID, Certificate: certPEM, TenantID: testTenant,
		TokenAuthority: entra.Authority(), OpenIDMetadataURL: "http://127.0.0.1:1/unused",
		ServiceURLs: []string{conn.URL()},
		HTTPClient:  entra.Server.Client(), Now: env.Clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.conn.send(context.Background(), conn.URL(), "a:conv", cardActivity(Render(nil, UnreachedNotice("x")), "t")); err != nil {
		t.Fatalf("send to a configured service URL: %v", err)
	}
	grants := entra.Grants()
	if len(grants) != 1 {
		t.Fatalf("%d token requests, want 1", len(grants))
	}
	g := grants[0]
	if g.Secret || g.Assertion == "" || g.ClientID != testAppID {
		t.Fatalf("token asked for with secret=%v, assertion=%v, client %q; want a certificate assertion", g.Secret, g.Assertion != "", g.ClientID)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(g.Assertion, claims, func(*jwt.Token) (any, error) { return cert.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithoutClaimsValidation()); err != nil {
		t.Fatalf("the client assertion is not signed by the certificate's key: %v", err)
	}
	if claims["iss"] != testAppID || claims["sub"] != testAppID {
		t.Errorf("assertion iss %v sub %v, want the app id", claims["iss"], claims["sub"])
	}
	calls := conn.Calls()
	if len(calls) != 1 || calls[0].Authorization != "Bearer app-token-1" {
		t.Fatalf("connector calls %+v, want one with the certificate's app token", calls)
	}
}

// TestBadCertificateIsRefused: an unreadable certificate stops New.
func TestBadCertificateIsRefused(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	_, err := New(env.Router, env.People, env.Dispatcher, Options{AppID: testAppID, TenantID: testTenant,
		Certificate: []byte("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")})
	if err == nil {
		t.Fatal("New accepted an unreadable certificate")
	}
}

// TestConfiguredIssuers: Options.Issuers replaces the accepted issuers.
func TestConfiguredIssuers(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	keys := teamstest.NewKeys(t)
	entra := teamstest.NewEntra(t, testTenant)
	conn := teamstest.NewConnector(t)
	const gov = "https://api.botframework.us"
	a, err := New(env.Router, env.People, env.Dispatcher, Options{
		AppID: testAppID, AppPassword: "test-secret", TenantID: testTenant,
		TokenAuthority: entra.Authority(), OpenIDMetadataURL: keys.MetadataURL(), Issuers: []string{gov},
		HTTPClient: entra.Server.Client(), Now: env.Clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	client := &teamstest.Client{Handler: a, Keys: keys, Connector: conn, AppID: testAppID, Now: env.Clock.Now}
	sam := teamstest.User{ID: "29:sam", AAD: "aad-sam", Name: "Sam Teacher", Email: "sam.teacher@example.org", Tenant: testTenant}
	conn.AddMember(sam.Member())
	for _, tc := range []struct {
		iss  string
		want int
	}{{gov, http.StatusOK}, {teamstest.Issuer, http.StatusUnauthorized}} {
		c := teamstest.Claims(testAppID, conn.URL(), env.Clock.Now())
		c["iss"] = tc.iss
		rec := client.PostWith(t, client.Message(sam, "help"), "Bearer "+keys.Sign(t, "key-1", c))
		a.Wait()
		if rec.Code != tc.want {
			t.Errorf("issuer %s: status %d, want %d", tc.iss, rec.Code, tc.want)
		}
	}
}
