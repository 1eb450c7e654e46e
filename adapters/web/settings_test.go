package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/livesettings"
)

// adaEmail is the partnership admin of the settings tests.
const adaEmail = "ada.admin@partnership.example.org"

// newSettingsWorld is newWorld with a configured directory whose
// partnership roles include a partnership admin, and the settings pages on,
// over stored settings seeded from that configuration.
func newSettingsWorld(t *testing.T) (*world, *livesettings.Live) {
	t.Helper()
	return newSettingsWorldWith(t, func(*config.Config) {})
}

// newSettingsWorldWith is newSettingsWorld with configure's changes to the
// configuration the settings are seeded from.
func newSettingsWorldWith(t *testing.T, configure func(*config.Config)) (*world, *livesettings.Live) {
	t.Helper()
	env := bottest.New(t, bottest.Options{Configure: func(c *config.Config) {
		c.Directory.Demo = false
		c.Directory.PartnershipRoles = append(c.Directory.PartnershipRoles,
			config.PartnershipRole{Name: "Ada Admin", Email: adaEmail, Role: conversation.RolePartnershipAdmin})
		configure(c)
	}})
	ctx := context.Background()
	cfg, seed, err := livesettings.Effective(ctx, env.Config, env.Store, conversation.DefaultPartnershipID, env.Clock.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	live := livesettings.New(env.Config, cfg, seed.Version, env.Store.(conversation.SettingsStore), env.Engine, env.People,
		conversation.DefaultPartnershipID, env.Clock.Now, nil)
	w := serveSettings(t, env, func(o *web.Options) { o.Settings = livesettings.Web(live) })
	w.sam = env.Person(t, samEmail, "Sam Patel", "school", "")
	per, err := env.People.Resolve(ctx, gpEmail)
	if err != nil {
		t.Fatal(err)
	}
	w.gp = per.ID
	return w, live
}

// serveSettings serves env's web page, with email sign-in, under the
// settings options set.
func serveSettings(t *testing.T, env *bottest.Env, set func(*web.Options)) *world {
	t.Helper()
	s := smtptest.New(t, smtptest.Options{User: "bot", Password: "secret"})
	w := &world{t: t, env: env, smtp: s}
	mux := http.NewServeMux()
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	sender, err := email.New(env.Store, env.Router.Cards, email.Options{Host: s.Host, Port: s.Port, RootCAs: s.RootCAs,
		User: "bot", Password: "secret", From: "resolvebot@partnership.example.org", BaseURL: w.srv.URL,
		Timeout: 5 * time.Second, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w.sender = sender
	env.Dispatcher.Register(env.Inbox)
	env.Dispatcher.Register(sender)
	opts := web.Options{Router: env.Router, Store: env.Store, Mailer: sender, BaseURL: w.srv.URL, Now: env.Clock.Now}
	set(&opts)
	w.web = web.New(opts)
	env.Worker.SignIn = w.web.SendSignIn
	w.web.Mount(mux)
	return w
}

// checkMessage returns what `resolvebot config check` says about a file
// holding body: its first error's message.
func checkMessage(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "resolvebot.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, probs, _ := config.Load(config.Options{Path: p, Getenv: func(string) string { return "" }})
	for _, pr := range probs {
		if pr.Severity == config.SeverityError {
			return pr.Message
		}
	}
	t.Fatalf("config check finds no error in:\n%s", body)
	return ""
}

// TestSettingsTimescale: an admin changes a stage's timescale through check
// your answers; the change is recorded and shown in the history; a case
// already open keeps its deadline and a new case gets the new timescale; a
// GET changes nothing; someone who is not an admin is refused.
func TestSettingsTimescale(t *testing.T) {
	w, live := newSettingsWorld(t)
	ctx := context.Background()
	first := w.env.Engine.Protocol().Stages[0]
	open := w.raise()
	openDeadline := open.Current().Deadline

	sam := w.browser().signIn(samEmail)
	sam.get("/web/settings").expect(http.StatusForbidden, "Only a partnership admin can change the settings")
	if strings.Contains(sam.get("/web/").body, `href="/web/settings"`) {
		t.Error("the menu offers the settings to someone who is not an admin")
	}

	ada := w.browser().signIn(adaEmail)
	ada.get("/web/").expect(http.StatusOK, `href="/web/settings"`)
	ada.get("/web/settings").expect(http.StatusOK, "Timescales", first.Name, "Add an agency", "See every change")
	ada.get("/web/settings/stages/"+first.Key+"?days=19").expect(http.StatusOK, `value="19"`)
	if _, v := live.Current(); v != 1 {
		t.Fatalf("a GET moved the settings to version %d", v)
	}
	days := first.Days + 5
	form := url.Values{"version": {"1"}, "name": {first.Name}, "days": {itoa(days)}, "urgent_days": {itoa(first.UrgentDays)}, "ack_days": {itoa(first.AckDays)}}
	ada.submit("/web/settings/stages/"+first.Key, form).expect(http.StatusOK, "Check the change before saving it", "Save the change")
	if _, v := live.Current(); v != 1 {
		t.Fatalf("the check page moved the settings to version %d", v)
	}
	form.Set("action", "save")
	ada.submit("/web/settings/stages/"+first.Key, form).expect(http.StatusOK, "Your change is saved")
	if got := w.env.Engine.Protocol().Stages[0].Days; got != days {
		t.Fatalf("the engine's first stage has %d days, want %d", got, days)
	}
	ada.get("/web/settings/history").expect(http.StatusOK, "Version 2", "Ada Admin", html.EscapeString(first.Name), "days: "+itoa(days), "days: "+itoa(first.Days))

	again, err := w.env.Store.GetCase(ctx, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Current().Deadline.Equal(openDeadline) {
		t.Errorf("the open case's deadline moved from %v to %v", openDeadline, again.Current().Deadline)
	}
	fresh := w.raise()
	if want := w.env.Calendar.AddWorkingDays(fresh.Current().StartedAt, days); !fresh.Current().Deadline.Equal(want) {
		t.Errorf("a new case is due %v, want %v (%d working days)", fresh.Current().Deadline, want, days)
	}

	// The same form over version 1 now: someone else changed it first.
	form.Set("version", "1")
	ada.submit("/web/settings/stages/"+first.Key, form).expect(http.StatusConflict, "Someone else changed the settings first")
}

// TestSettingsRefusals: a change config check would refuse is refused on
// the page with config check's own message, in the error summary and
// beside its field, and changes nothing.
func TestSettingsRefusals(t *testing.T) {
	w, live := newSettingsWorld(t)
	first := w.env.Engine.Protocol().Stages[0]
	ada := w.browser().signIn(adaEmail)
	urgentMsg := checkMessage(t, "protocol:\n  stages:\n    - {key: a, name: A, raiser_tier: professional, days: 3, urgent_days: 4, ack_days: 1}\n")
	stageNameMsg := checkMessage(t, "protocol:\n  stages:\n    - {key: a, raiser_tier: professional, days: 3, urgent_days: 1, ack_days: 1}\n")
	emailMsg := checkMessage(t, "directory:\n  agencies:\n    - key: x\n      name: X\n      contacts:\n        manager: [{name: A, email: not-an-email}]\n")
	cases := []struct {
		name, path string
		form       url.Values
		want       []string
	}{
		{"urgent longer than standard", "/web/settings/stages/" + first.Key,
			url.Values{"name": {first.Name}, "days": {"3"}, "urgent_days": {"4"}, "ack_days": {"1"}}, []string{urgentMsg, `href="#f-urgent_days"`}},
		{"days not a number", "/web/settings/stages/" + first.Key,
			url.Values{"name": {first.Name}, "days": {"five"}, "urgent_days": {"1"}, "ack_days": {"1"}}, []string{"Enter a whole number of working days", `href="#f-days"`}},
		{"a contact's email", "/web/settings/agencies",
			url.Values{"key": {"gp"}, "name": {"Riverside Surgery"}, "manager_name": {"A"}, "manager_email": {"not-an-email"}},
			[]string{html.EscapeString(emailMsg), `href="#f-manager_email"`}},
		{"no name", "/web/settings/agencies", url.Values{"key": {"gp"}}, []string{"an agency needs a key and a name"}},
		{"a stage without a name", "/web/settings/stages/" + first.Key,
			url.Values{"name": {""}, "days": {"5"}, "urgent_days": {"1"}, "ack_days": {"1"}}, []string{stageNameMsg, `href="#f-name"`}},
		{"a short name in use", "/web/settings/agencies", url.Values{"key": {"csc"}, "name": {"Again"}}, []string{"The short name csc is already used by", `href="#f-key"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.form.Get("version") == "" {
				c.form.Set("version", "1")
			}
			for _, action := range []string{"", "save"} { // before the check page, and on Save
				c.form.Set("action", action)
				ada.get("/web/settings")
				ada.submit(c.path, c.form).expect(http.StatusUnprocessableEntity, append([]string{"There is a problem"}, c.want...)...)
				if _, v := live.Current(); v != 1 {
					t.Errorf("a refused change moved the settings to version %d", v)
				}
			}
		})
	}
}

// TestSettingsAgency: an admin adds an agency with a manager, who is then
// brought in when a case against the agency reaches the manager stage.
func TestSettingsAgency(t *testing.T) {
	w, _ := newSettingsWorld(t)
	ctx := context.Background()
	ada := w.browser().signIn(adaEmail)
	ada.get("/web/settings/agencies/new").expect(http.StatusOK, "Add an agency")
	form := url.Values{"version": {"1"}, "key": {"gp"}, "name": {"Riverside Surgery"}, "reach": {"email"},
		"manager_name": {"Mo Practice-Manager"}, "manager_email": {"mo.manager@riverside.example.nhs.uk"}}
	ada.submit("/web/settings/agencies", form).expect(http.StatusOK, "Check the change before saving it", "Riverside Surgery", "By email")
	form.Set("action", "save")
	ada.submit("/web/settings/agencies", form).expect(http.StatusOK, "Your change is saved", "Added Riverside Surgery")
	ada.get("/web/settings").expect(http.StatusOK, "Riverside Surgery", "mo.manager@riverside.example.nhs.uk")

	res, err := w.env.Engine.Raise(ctx, w.sam, bottest.Intake(w.gp, "school", "gp"))
	if err != nil {
		t.Fatal(err)
	}
	w.env.Settle(t)
	c := res.Case
	if _, err := w.env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: w.gp, CaseID: c.ID}); err != nil {
		t.Fatal(err)
	}
	up, err := w.env.Engine.Escalate(ctx, conversation.Cmd{Actor: w.sam, CaseID: c.ID}, conversation.EscalateInput{Reason: "No answer yet."})
	if err != nil {
		t.Fatal(err)
	}
	mo := bot.PersonID("mo.manager@riverside.example.nhs.uk")
	if got := up.Case.Current().Respondent; len(got) != 1 || got[0] != mo {
		t.Fatalf("the manager stage's other side is %v, want the new agency's manager %s", got, mo)
	}
	w.env.Settle(t)
	found := false
	for _, m := range w.smtp.Messages() {
		if strings.Contains(strings.Join(m.To, ","), "mo.manager@riverside.example.nhs.uk") {
			found = true
		}
	}
	if !found {
		t.Errorf("the new agency's manager, reached by email, was emailed nothing")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
