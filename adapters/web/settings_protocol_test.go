package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// withDissentRoute makes conference decisions lead out to a named dissent
// procedure, so that config check refuses a dissent route left empty.
func withDissentRoute(c *config.Config) {
	c.Protocol.Conference = nil
	c.Protocol.Routes.DissentProcedure = "the dissent procedure on the partnership's website"
}

// routesForm is the routes form as the page fills it, with change applied.
func routesForm(p *conversation.Protocol, change url.Values) url.Values {
	r := p.Routes
	form := url.Values{"version": {"1"}, "front_door": {r.FrontDoor}, "request_for_support": {r.RequestForSupport}, "police": {r.Police},
		"emergency": {r.Emergency}, "dissent_procedure": {r.DissentProcedure}, "whistleblowing": {r.Whistleblowing},
		"partnership_contact": {r.PartnershipContact}, "mediation": {r.Mediation}, "serious_concern_role": {p.SeriousConcernRole()}}
	for k, v := range change {
		form[k] = v
	}
	return form
}

// TestSettingsProtocolChanges: an admin changes each of the protocol's
// settings beyond the stages (the routes out of the ladder, a category
// added and renamed, the reminders and quiet hours, the referral) through
// check your answers; a GET or the check page changes nothing; on Save the
// change is used at once by the engine and recorded in the history with
// what it was before.
func TestSettingsProtocolChanges(t *testing.T) {
	w, live := newSettingsWorld(t)
	ada := w.browser().signIn(adaEmail)
	p := w.env.Engine.Protocol()
	ada.get("/web/settings").expect(http.StatusOK, "Routes out of the ladder", "Categories", html.EscapeString(p.Categories[0].Name),
		"Reminders and quiet hours", "Referral to the partnership", html.EscapeString(p.Referral.Body))

	cases := []struct {
		name, page, post string
		query            string
		form             url.Values
		check            []string // on the check page
		note             string   // in the history
		used             func(*conversation.Engine) bool
	}{
		{"police number", "/web/settings/routes", "/web/settings/routes", "police=0300+123+4567",
			routesForm(p, url.Values{"police": {"101 (ask for the public protection unit)"}}),
			[]string{"Police", "101 (ask for the public protection unit)"}, "Changed the routes out of the ladder",
			func(e *conversation.Engine) bool {
				return e.Protocol().Routes.Police == "101 (ask for the public protection unit)"
			}},
		{"serious concern role", "/web/settings/routes", "/web/settings/routes", "serious_concern_role=chair",
			routesForm(p, url.Values{"police": {"101 (ask for the public protection unit)"}, "serious_concern_role": {"serious concern chair"}}),
			[]string{"Who serious concerns are logged with", "serious concern chair"}, "Changed the routes out of the ladder",
			func(e *conversation.Engine) bool { return e.Protocol().SeriousConcernRole() == "serious concern chair" }},
		{"category added", "/web/settings/categories/new", "/web/settings/categories", "key=housing",
			url.Values{"key": {"housing"}, "name": {"Housing and homelessness"}},
			[]string{"Short name", "housing", "Housing and homelessness"}, "Added the category Housing and homelessness",
			func(e *conversation.Engine) bool {
				return e.Protocol().CategoryName("housing") == "Housing and homelessness"
			}},
		{"category renamed", "/web/settings/categories/" + p.Categories[1].Key, "/web/settings/categories", "name=Roles",
			url.Values{"existing": {"yes"}, "key": {p.Categories[1].Key}, "name": {"Who does what"}},
			[]string{html.EscapeString(p.Categories[1].Name), "Who does what"}, "Renamed the category " + p.Categories[1].Name + " to Who does what",
			func(e *conversation.Engine) bool {
				return e.Protocol().CategoryName(p.Categories[1].Key) == "Who does what"
			}},
		{"reminders and quiet hours", "/web/settings/nudges", "/web/settings/nudges", "quiet_start=19:00",
			url.Values{"reminder_days_before": {"2"}, "max_overdue_reminders": {"5"}, "quiet_start": {"18:30"}, "quiet_end": {"08:00"}},
			[]string{"Quiet hours start", "18:30", "08:00"}, "Reminders 2 working days before a deadline and 5 after it; quiet hours 18:30 to 08:00",
			func(e *conversation.Engine) bool {
				n := e.Nudges()
				return n.ReminderDaysBefore == 2 && n.MaxOverdueReminders == 5 && n.QuietStart == 18*time.Hour+30*time.Minute && n.QuietEnd == 8*time.Hour
			}},
		{"referral timescales", "/web/settings/referral", "/web/settings/referral", "days=30",
			url.Values{"name": {p.Referral.Name}, "body": {"Practice Development Group"}, "role": {p.Referral.Role}, "days": {"15"}, "ack_days": {"3"},
				"guidance": {p.Referral.Guidance}},
			[]string{"Practice Development Group", "15", "3"}, p.Referral.Name + ": 15 working days, 3 to acknowledge",
			func(e *conversation.Engine) bool {
				r := e.Protocol().Referral
				return r.Days == 15 && r.AckDays == 3 && r.Body == "Practice Development Group"
			}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			version := itoa(i + 1)
			q, _ := url.ParseQuery(c.query)
			for k := range q {
				// Coming back from the check page fills the form from the query.
				ada.get(c.page+"?"+c.query).expect(http.StatusOK, `name="`+k+`" `, `value="`+html.EscapeString(q.Get(k))+`"`)
			}
			c.form.Set("version", version)
			c.form.Del("action")
			ada.submit(c.post, c.form).expect(http.StatusOK, append([]string{"Check the change before saving it", "Save the change"}, c.check...)...)
			if _, v := live.Current(); itoa(int(v)) != version {
				t.Fatalf("a GET or the check page moved the settings to version %d", v)
			}
			if c.used(w.env.Engine) {
				t.Fatal("the engine uses the change before it is saved")
			}
			c.form.Set("action", "save")
			ada.submit(c.post, c.form).expect(http.StatusOK, "Your change is saved", html.EscapeString(c.note))
			if !c.used(w.env.Engine) {
				t.Error("the engine does not use the saved change")
			}
			ada.get("/web/settings/history").expect(http.StatusOK, "Version "+itoa(i+2)+": "+html.EscapeString(c.note), "Ada Admin")
		})
	}
}

// TestSettingsProtocolRefusals: a change to the protocol's settings that
// config check would refuse is refused with config check's own message,
// in the error summary and beside its field, and changes nothing, before
// the check page and on Save alike.
func TestSettingsProtocolRefusals(t *testing.T) {
	w, live := newSettingsWorldWith(t, withDissentRoute)
	ada := w.browser().signIn(adaEmail)
	p := w.env.Engine.Protocol()
	dissentMsg := checkMessage(t, "protocol:\n  conference: null\n  routes:\n    dissent_procedure: ''\n")
	noNameMsg := checkMessage(t, "protocol:\n  categories:\n    - {key: x, name: ''}\n")
	beforeMsg := checkMessage(t, "scheduler:\n  reminder_days_before: 21\n")
	overdueMsg := checkMessage(t, "scheduler:\n  max_overdue_reminders: -1\n")
	quietMsg := checkMessage(t, "scheduler:\n  quiet_hours:\n    start: '25:00'\n")
	daysMsg := checkMessage(t, "protocol:\n  referral:\n    days: 0\n")
	bodyMsg := checkMessage(t, "protocol:\n  referral:\n    body: ''\n")
	nudges := func(before, overdue, start string) url.Values {
		return url.Values{"reminder_days_before": {before}, "max_overdue_reminders": {overdue}, "quiet_start": {start}, "quiet_end": {"09:00"}}
	}
	referral := func(body, days string) url.Values {
		return url.Values{"name": {p.Referral.Name}, "body": {body}, "role": {p.Referral.Role}, "days": {days}, "ack_days": {"2"}}
	}
	cases := []struct {
		name, path string
		form       url.Values
		want       []string
	}{
		{"no dissent route", "/web/settings/routes", routesForm(p, url.Values{"dissent_procedure": {""}}),
			[]string{html.EscapeString(dissentMsg), `href="#f-dissent_procedure"`}},
		{"a category without a name", "/web/settings/categories", url.Values{"key": {"housing"}, "name": {""}},
			[]string{html.EscapeString(noNameMsg), `href="#f-name"`}},
		{"a category's short name in use", "/web/settings/categories", url.Values{"key": {p.Categories[0].Key}, "name": {"Again"}},
			[]string{"The short name " + p.Categories[0].Key + " is already used by", `href="#f-key"`}},
		{"reminders too early", "/web/settings/nudges", nudges("21", "3", "17:00"), []string{html.EscapeString(beforeMsg), `href="#f-reminder_days_before"`}},
		{"overdue reminders below none", "/web/settings/nudges", nudges("1", "-1", "17:00"), []string{html.EscapeString(overdueMsg), `href="#f-max_overdue_reminders"`}},
		{"reminders not a number", "/web/settings/nudges", nudges("1", "three", "17:00"), []string{"Enter a whole number, such as 3", `href="#f-max_overdue_reminders"`}},
		{"quiet hours not a time", "/web/settings/nudges", nudges("1", "3", "25:00"), []string{html.EscapeString(quietMsg), `href="#f-quiet_start"`}},
		{"referral in no days", "/web/settings/referral", referral(p.Referral.Body, "0"), []string{html.EscapeString(daysMsg), `href="#f-days"`}},
		{"referral heard by nobody", "/web/settings/referral", referral("", "10"), []string{html.EscapeString(bodyMsg), `href="#f-body"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.form.Set("version", "1")
			for _, action := range []string{"", "save"} {
				c.form.Set("action", action)
				ada.get("/web/settings")
				ada.submit(c.path, c.form).expect(http.StatusUnprocessableEntity, append([]string{"There is a problem"}, c.want...)...)
				if _, v := live.Current(); v != 1 {
					t.Fatalf("a refused change moved the settings to version %d", v)
				}
			}
		})
	}
	if got := w.env.Engine.Protocol().Routes.DissentProcedure; got != p.Routes.DissentProcedure {
		t.Errorf("the engine's dissent route is %q after refusals, want %q", got, p.Routes.DissentProcedure)
	}
}

// TestSettingsCategoryRemoval: a category an open case has cannot be
// removed (the page names the case and nothing changes); one no open case
// has is removed after a confirmation, recorded, and new cases can no
// longer choose it; the category conference decisions take cannot be
// removed (config check's message).
func TestSettingsCategoryRemoval(t *testing.T) {
	w, live := newSettingsWorld(t)
	ctx := context.Background()
	open := w.raise()
	ada := w.browser().signIn(adaEmail)
	p := w.env.Engine.Protocol()
	used, conference := open.Category, p.Conference.Category

	ada.get("/web/settings/categories/"+used).expect(http.StatusOK, "Remove this category")
	ada.get("/web/settings/categories/"+used+"/remove").expect(http.StatusOK, "Remove the category")
	ada.submit("/web/settings/categories/"+used+"/remove", url.Values{"version": {"1"}}).
		expect(http.StatusUnprocessableEntity, "There is a problem", "cannot be removed while cases that have it are still open", open.ID)
	if _, v := live.Current(); v != 1 {
		t.Fatalf("a refused removal moved the settings to version %d", v)
	}
	conferenceMsg := checkMessage(t, "protocol:\n  categories:\n    - {key: "+used+", name: A}\n")
	ada.get("/web/settings/categories/"+conference+"/remove").
		submit("/web/settings/categories/"+conference+"/remove", url.Values{"version": {"1"}}).
		expect(http.StatusUnprocessableEntity, "There is a problem", html.EscapeString(conferenceMsg))
	if _, v := live.Current(); v != 1 {
		t.Fatalf("removing the conference category moved the settings to version %d", v)
	}

	version := 1
	var gone conversation.Category
	for _, c := range p.Categories {
		if c.Key == used || c.Key == conference {
			continue
		}
		ada.get("/web/settings/categories/"+c.Key+"/remove").
			submit("/web/settings/categories/"+c.Key+"/remove", url.Values{"version": {itoa(version)}}).
			expect(http.StatusOK, "Your change is saved", "Removed the category "+html.EscapeString(c.Name))
		version, gone = version+1, c
	}
	got := w.env.Engine.Protocol().Categories
	if len(got) != 2 || got[0].Key != used || got[1].Key != conference {
		t.Fatalf("the engine's categories are %v, want only %s and %s", got, used, conference)
	}
	ada.get("/web/settings/history").expect(http.StatusOK, "Version "+itoa(version)+": Removed the category "+html.EscapeString(gone.Name))
	if _, err := w.env.Engine.Raise(ctx, w.sam, withCategory(w, gone.Key)); err == nil {
		t.Error("a new case took a category that was removed")
	}
}

// withCategory is the intake of a case in category.
func withCategory(w *world, category string) conversation.RaiseInput {
	in := bottest.Intake(w.gp, "school", "health-visiting")
	in.Category = category
	return in
}

// TestSettingsProtocolAdminOnly: someone who is not a partnership admin is
// refused every protocol settings page, to see and to change, and nothing
// changes.
func TestSettingsProtocolAdminOnly(t *testing.T) {
	w, live := newSettingsWorld(t)
	sam := w.browser().signIn(samEmail)
	cat := w.env.Engine.Protocol().Categories[0].Key
	for _, path := range []string{"/web/settings/routes", "/web/settings/nudges", "/web/settings/referral", "/web/settings/categories/new",
		"/web/settings/categories/" + cat, "/web/settings/categories/" + cat + "/remove"} {
		sam.get(path).expect(http.StatusForbidden, "Only a partnership admin can change the settings")
	}
	sam.get("/web/")
	for _, path := range []string{"/web/settings/routes", "/web/settings/nudges", "/web/settings/referral", "/web/settings/categories",
		"/web/settings/categories/" + cat + "/remove"} {
		sam.submit(path, url.Values{"version": {"1"}, "action": {"save"}, "key": {"housing"}, "name": {"Housing"}, "police": {"0"},
			"reminder_days_before": {"2"}, "max_overdue_reminders": {"2"}, "quiet_start": {"18:00"}, "quiet_end": {"08:00"},
			"body": {"X"}, "days": {"5"}, "ack_days": {"1"}}).expect(http.StatusForbidden, "Only a partnership admin can change the settings")
	}
	if _, v := live.Current(); v != 1 {
		t.Fatalf("a refused person moved the settings to version %d", v)
	}
	if slices.ContainsFunc(w.env.Engine.Protocol().Categories, func(c conversation.Category) bool { return c.Key == "housing" }) ||
		strings.Contains(w.env.Engine.Protocol().Routes.Police, "0") {
		t.Error("a refused person's change is in use")
	}
}
