package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/resolvebot/resolvebot/adapters/metrics"
)

// tokenSource gives app tokens for calls to the Bot Connector.
type tokenSource interface {
	Token(ctx context.Context) (string, error)
}

// ConnectorError is a Bot Connector call that failed. Status is the last
// HTTP status (0 when the connector could not be reached) and Tries how many
// attempts were made.
type ConnectorError struct {
	Op     string
	Status int
	Tries  int
	Err    error
}

// Error implements error.
func (e *ConnectorError) Error() string {
	s := fmt.Sprintf("teams connector %s: ", e.Op)
	if e.Status != 0 {
		s += fmt.Sprintf("status %d", e.Status)
	} else {
		s += "unreachable"
	}
	if e.Tries > 1 {
		s += fmt.Sprintf(" after %d tries", e.Tries)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *ConnectorError) Unwrap() error { return e.Err }

// errUntrustedServiceURL refuses to send a token to a service URL that no
// validated activity came from and that is not configured.
var errUntrustedServiceURL = errors.New("service URL is not trusted")

// trustedURLs are the service URLs tokens may be sent to.
type trustedURLs struct {
	mu   sync.RWMutex
	urls map[string]bool
}

func (t *trustedURLs) add(u string) {
	if u == "" {
		return
	}
	t.mu.Lock()
	if t.urls == nil {
		t.urls = map[string]bool{}
	}
	t.urls[normaliseURL(u)] = true
	t.mu.Unlock()
}

func (t *trustedURLs) has(u string) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.urls[normaliseURL(u)]
}

// connector is our own Bot Connector REST client: a timeout on every call,
// retries with backoff and jitter on 429, 412, 502 and 504 (honouring
// Retry-After), escaped conversation ids, and tokens only to trusted
// service URLs.
type connector struct {
	client  *http.Client
	tokens  tokenSource // nil sends no token (insecure local emulation)
	trusted *trustedURLs
	timeout time.Duration // per attempt
	tries   int           // attempts in all
	base    time.Duration // first backoff
	// sleep waits d or until ctx ends; tests replace it to record waits.
	sleep   func(ctx context.Context, d time.Duration) error
	metrics *metrics.Metrics
}

func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusPreconditionFailed, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// callReason names a failed call's cause for metrics.
func callReason(status int) string {
	switch {
	case status == 0:
		return "unreachable"
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status >= 500:
		return "server_error"
	}
	return "refused"
}

// maxWait caps any single wait between tries.
const maxWait = 30 * time.Second

// do calls method on serviceURL+path with body as JSON and decodes a JSON
// answer into out (when not nil). It returns a *ConnectorError on failure.
func (c *connector) do(ctx context.Context, op, method, serviceURL, path string, body, out any) error {
	if !c.trusted.has(serviceURL) {
		return &ConnectorError{Op: op, Err: errUntrustedServiceURL}
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return &ConnectorError{Op: op, Err: err}
		}
	}
	endpoint := strings.TrimRight(serviceURL, "/") + path
	// Waits of base·2ⁿ plus up to half again at random, from the library:
	// the interval 1.25·base·2ⁿ randomised by ±20%.
	bo := &backoff.ExponentialBackOff{InitialInterval: c.base * 5 / 4, RandomizationFactor: 0.2, Multiplier: 2, MaxInterval: maxWait}
	bo.Reset()
	var last *ConnectorError
	for try := 1; try <= c.tries; try++ {
		status, header, err := c.once(ctx, method, endpoint, payload, out)
		c.metrics.Call(Platform, op, callReason(status), err)
		if err == nil {
			return nil
		}
		last = &ConnectorError{Op: op, Status: status, Tries: try, Err: err}
		if ctx.Err() != nil || (status != 0 && !retryable(status)) || try == c.tries {
			break
		}
		wait := bo.NextBackOff()
		if d, ok := retryAfter(header.Get("Retry-After"), time.Now()); ok {
			wait = d
		}
		wait = min(wait, maxWait)
		if err := c.sleep(ctx, wait); err != nil {
			break
		}
	}
	return last
}

// once makes one attempt with its own timeout.
func (c *connector) once(ctx context.Context, method, endpoint string, payload []byte, out any) (int, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		return 0, nil, err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if c.tokens != nil {
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			return 0, nil, fmt.Errorf("app token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, errors.New("request failed")
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, resp.Header, errors.New(http.StatusText(resp.StatusCode))
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, resp.Header, fmt.Errorf("decode answer: %w", err)
		}
	}
	return resp.StatusCode, resp.Header, nil
}

func convPath(conversationID string) string {
	return "/v3/conversations/" + url.PathEscape(conversationID)
}

// resourceResponse is the connector's answer to a send.
type resourceResponse struct {
	ID string `json:"id"`
}

// send posts a to a conversation and returns the new activity's id.
func (c *connector) send(ctx context.Context, serviceURL, conversationID string, a *outActivity) (string, error) {
	var r resourceResponse
	if err := c.do(ctx, "send", http.MethodPost, serviceURL, convPath(conversationID)+"/activities", a, &r); err != nil {
		return "", err
	}
	return r.ID, nil
}

// update replaces a sent activity.
func (c *connector) update(ctx context.Context, serviceURL, conversationID, activityID string, a *outActivity) error {
	a.ID = activityID
	return c.do(ctx, "update", http.MethodPut, serviceURL,
		convPath(conversationID)+"/activities/"+url.PathEscape(activityID), a, nil)
}

// delete removes a sent activity.
func (c *connector) delete(ctx context.Context, serviceURL, conversationID, activityID string) error {
	return c.do(ctx, "delete", http.MethodDelete, serviceURL,
		convPath(conversationID)+"/activities/"+url.PathEscape(activityID), nil, nil)
}

// createConversation opens (or finds) the 1:1 conversation between the bot
// and a user in tenant, and returns its id.
func (c *connector) createConversation(ctx context.Context, serviceURL, botID, userID, tenantID string) (string, error) {
	params := map[string]any{
		"isGroup":     false,
		"bot":         map[string]string{"id": botID},
		"members":     []map[string]string{{"id": userID}},
		"tenantId":    tenantID,
		"channelData": map[string]any{"tenant": map[string]string{"id": tenantID}},
	}
	var r resourceResponse
	if err := c.do(ctx, "create conversation", http.MethodPost, serviceURL, "/v3/conversations", params, &r); err != nil {
		return "", err
	}
	if r.ID == "" {
		return "", &ConnectorError{Op: "create conversation", Status: http.StatusOK, Err: errors.New("no conversation id")}
	}
	return r.ID, nil
}

// member is a conversation member as the Teams members API describes them.
type member struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	AadObjectID       string `json:"aadObjectId"`
	Email             string `json:"email"`
	UserPrincipalName string `json:"userPrincipalName"`
	TenantID          string `json:"tenantId"`
}

// member returns one member of a conversation.
func (c *connector) member(ctx context.Context, serviceURL, conversationID, memberID string) (member, error) {
	var m member
	err := c.do(ctx, "get member", http.MethodGet, serviceURL, convPath(conversationID)+"/members/"+url.PathEscape(memberID), nil, &m)
	return m, err
}

// members returns the members of a conversation (a team's or a chat's).
func (c *connector) members(ctx context.Context, serviceURL, conversationID string) ([]member, error) {
	var ms []member
	err := c.do(ctx, "get members", http.MethodGet, serviceURL, convPath(conversationID)+"/members", nil, &ms)
	return ms, err
}

// outActivity is an activity the bot sends. It is our own type so no zero
// timestamps or empty accounts are sent.
type outActivity struct {
	Type        string       `json:"type"`
	ID          string       `json:"id,omitempty"`
	Text        string       `json:"text,omitempty"`
	TextFormat  string       `json:"textFormat,omitempty"`
	Summary     string       `json:"summary,omitempty"`
	Attachments []attachment `json:"attachments,omitempty"`
}

// attachment carries an Adaptive Card (Content) or an inline image
// (ContentURL, a data URI).
type attachment struct {
	ContentType string `json:"contentType"`
	Content     any    `json:"content,omitempty"`
	ContentURL  string `json:"contentUrl,omitempty"`
	Name        string `json:"name,omitempty"`
}

// adaptiveCardType is the content type of Adaptive Card attachments.
const adaptiveCardType = "application/vnd.microsoft.card.adaptive"

func cardActivity(card map[string]any, summary string) *outActivity {
	return &outActivity{Type: "message", Summary: summary,
		Attachments: []attachment{{ContentType: adaptiveCardType, Content: card}}}
}
