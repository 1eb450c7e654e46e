package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// The health visiting agency of the settings tests' directory, third in
// it, and its senior manager there.
const (
	hvKey       = "health-visiting"
	hvName      = "Health Visiting (example)"
	hvSenior    = "health-visiting.senior-manager@example.org"
	hvAgencies  = "directory:\n  agencies:\n    - {key: csc, name: C}\n    - {key: school, name: S}\n    - key: health-visiting\n      name: H\n"
	solEmail    = "sol.senior@hv.example.nhs.uk"
	hvSeniorsAt = "/web/settings/people/agencies/" + hvKey + "/senior_manager/"
)

// toSeniorManagers raises a case from the school against health visiting
// and escalates it twice, each stage acknowledged, to the senior managers'
// stage, returning the case there.
func toSeniorManagers(t *testing.T, w *world) *conversation.Case {
	t.Helper()
	ctx := context.Background()
	c := w.raise()
	for range 2 {
		cur := c.Current()
		if _, err := w.env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: cur.Respondent[0], CaseID: c.ID}); err != nil {
			t.Fatalf("acknowledge at %s: %v", cur.Key, err)
		}
		res, err := w.env.Engine.Escalate(ctx, conversation.Cmd{Actor: cur.Raiser[0], CaseID: c.ID}, conversation.EscalateInput{Reason: "No answer yet."})
		if err != nil {
			t.Fatalf("escalate from %s: %v", cur.Key, err)
		}
		c = res.Case
	}
	w.env.Settle(t)
	return c
}

// emailedTo reports whether any email went to addr.
func emailedTo(w *world, addr string) bool {
	return slices.ContainsFunc(w.smtp.Messages(), func(m smtptest.Message) bool { return slices.Contains(m.To, addr) })
}

// TestSettingsDirectoryContacts: an admin adds a second senior manager to
// an agency and removes the first, each through its check page, recorded
// in the history and used at once: the next case to reach the senior
// managers brings in the new one, who is emailed, while a case already at
// that stage keeps the senior manager it had, who can still act on it. A
// GET changes nothing; someone who is not an admin is refused.
func TestSettingsDirectoryContacts(t *testing.T) {
	w, live := newSettingsWorld(t)
	ctx := context.Background()
	open := toSeniorManagers(t, w)
	if got := open.Current().Respondent; !slices.Equal(got, []string{hvSenior}) {
		t.Fatalf("the open case's senior managers are %v, want %s", got, hvSenior)
	}

	sam := w.browser().signIn(samEmail)
	for _, path := range []string{"/web/settings/agencies/" + hvKey + "/people", hvSeniorsAt + "new", "/web/settings/remove/agencies/" + hvKey + "/senior_manager/0",
		"/web/settings/agencies/" + hvKey + "/references", "/web/settings/agencies/" + hvKey + "/reach", "/web/settings/people/roles/0"} {
		sam.get(path).expect(http.StatusForbidden, "Only a partnership admin can change the settings")
	}
	sam.submit(hvSeniorsAt+"new", url.Values{"version": {"1"}, "name": {"Sam"}, "email": {samEmail}, "action": {"save"}}).expect(http.StatusForbidden)

	ada := w.browser().signIn(adaEmail)
	ada.get("/web/settings").expect(http.StatusOK, `href="/web/settings/agencies/`+hvKey+`/people"`, "Add a partnership role")
	ada.get("/web/settings/agencies/"+hvKey+"/people").expect(http.StatusOK, "Contacts and references", "Senior managers", hvSenior,
		"Safeguarding leads", "Add a senior manager", `href="`+hvSeniorsAt+`new"`, "Any reference")
	ada.get(hvSeniorsAt+"new?name=Sol&email="+url.QueryEscape(solEmail)).expect(http.StatusOK, "Add a senior manager", `value="`+solEmail+`"`)
	ada.get("/web/settings/remove/agencies/"+hvKey+"/senior_manager/0").expect(http.StatusOK, "Remove", hvSenior)
	for _, path := range []string{"/web/settings/agencies/" + hvKey + "/references?formats=X&example=Y", "/web/settings/agencies/" + hvKey + "/reach?reach=sms",
		"/web/settings/people/roles/new?name=P&role=x", "/web/settings/people/roles/0", "/web/settings/remove/roles/0", "/web/settings/people/chairs/new"} {
		ada.get(path).expect(http.StatusOK, "Back")
	}
	if _, v := live.Current(); v != 1 {
		t.Fatalf("a GET moved the settings to version %d", v)
	}

	form := url.Values{"version": {"1"}, "name": {"Sol Senior"}, "email": {solEmail}}
	ada.submit(hvSeniorsAt+"new", form).expect(http.StatusOK, "Check the change before saving it", "Sol Senior", solEmail)
	if _, v := live.Current(); v != 1 {
		t.Fatalf("the check page moved the settings to version %d", v)
	}
	form.Set("action", "save")
	ada.submit(hvSeniorsAt+"new", form).expect(http.StatusOK, "Your change is saved", "Added Sol Senior as senior manager of "+html.EscapeString(hvName), "Contacts and references", solEmail)
	ada.submit("/web/settings/remove/agencies/"+hvKey+"/senior_manager/0", url.Values{"version": {"2"}}).
		expect(http.StatusOK, "Your change is saved", "Removed Health Visiting Senior Manager (example), senior manager of "+html.EscapeString(hvName))
	ada.get("/web/settings/history").expect(http.StatusOK, "Version 3", "Version 2", "Ada Admin", solEmail, hvSenior)
	cfg, v := live.Current()
	if hv := cfg.Directory.Agencies[2].Contacts.SeniorManager; v != 3 || len(hv) != 1 || hv[0].Email != solEmail {
		t.Fatalf("at version %d health visiting's senior managers are %v, want only %s", v, hv, solEmail)
	}

	again, err := w.env.Store.GetCase(ctx, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Current().Respondent; !slices.Equal(got, []string{hvSenior}) {
		t.Errorf("the open case's senior managers became %v, want %s kept", got, hvSenior)
	}
	if _, err := w.env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: hvSenior, CaseID: open.ID}); err != nil {
		t.Errorf("the senior manager taken out of the directory can no longer acknowledge the case open with them: %v", err)
	}

	next := toSeniorManagers(t, w)
	if got := next.Current().Respondent; !slices.Equal(got, []string{bot.PersonID(solEmail)}) {
		t.Errorf("the next case's senior managers are %v, want the new one, %s", got, solEmail)
	}
	if !emailedTo(w, solEmail) {
		t.Errorf("the new senior manager was emailed nothing")
	}
}

// TestSettingsDirectoryPeople: an admin changes a contact, adds and
// removes a safeguarding lead, adds and changes a partnership role and a
// conference chair; each is recorded and used at once.
func TestSettingsDirectoryPeople(t *testing.T) {
	w, live := newSettingsWorld(t)
	ctx := context.Background()
	ada := w.browser().signIn(adaEmail)
	version := func() string { _, v := live.Current(); return itoa(int(v)) }

	// A manager's name and email, changed.
	ada.get("/web/settings/people/agencies/"+hvKey+"/manager/0").expect(http.StatusOK, "Change Health Visiting Manager (example)")
	form := url.Values{"version": {version()}, "name": {"Mo Manager"}, "email": {"mo.manager@hv.example.nhs.uk"}, "action": {"save"}}
	ada.submit("/web/settings/people/agencies/"+hvKey+"/manager/0", form).expect(http.StatusOK, "Your change is saved", "Changed Health Visiting Manager (example), manager of")
	if m := w.env.People; m != nil {
		if got, _ := m.StagePeople(ctx, hvKey, conversation.TierManager, nil); !slices.Equal(got, []string{"mo.manager@hv.example.nhs.uk"}) {
			t.Errorf("health visiting's managers are now %v", got)
		}
	}

	// A safeguarding lead, added and then removed.
	lead := "lee.lead@hv.example.nhs.uk"
	ada.get("/web/settings/agencies/"+hvKey+"/people").expect(http.StatusOK, "Add a safeguarding lead")
	ada.submit("/web/settings/people/agencies/"+hvKey+"/safeguarding_lead/new", url.Values{"version": {version()}, "name": {"Lee Lead"}, "email": {lead}, "action": {"save"}}).
		expect(http.StatusOK, "Added Lee Lead as safeguarding lead of")
	if got, _ := w.env.People.LeadAgencies(ctx, lead); !slices.Equal(got, []string{hvKey}) {
		t.Errorf("the new lead leads %v, want [%s]", got, hvKey)
	}
	ada.get("/web/settings/remove/agencies/"+hvKey+"/safeguarding_lead/0").expect(http.StatusOK, "Remove Lee Lead", lead)
	ada.submit("/web/settings/remove/agencies/"+hvKey+"/safeguarding_lead/0", url.Values{"version": {version()}}).expect(http.StatusOK, "Removed Lee Lead")
	if got, _ := w.env.People.LeadAgencies(ctx, lead); len(got) != 0 {
		t.Errorf("the lead taken out still leads %v", got)
	}

	// A partnership role, added, then its role changed.
	pat := "pat.qa@partnership.example.org"
	ada.get("/web/settings/people/roles/new").expect(http.StatusOK, "Add a partnership role", "Role")
	ada.submit("/web/settings/people/roles/new", url.Values{"version": {version()}, "name": {"Pat QA"}, "email": {pat}, "role": {"QA&P chair"}}).
		expect(http.StatusOK, "Check the change before saving it", "QA&amp;P chair")
	ada.submit("/web/settings/people/roles/new", url.Values{"version": {version()}, "name": {"Pat QA"}, "email": {pat}, "role": {"QA&P chair"}, "action": {"save"}}).
		expect(http.StatusOK, "Added Pat QA as QA&amp;P chair")
	if got, _ := w.env.People.Roles(ctx, pat); !slices.Equal(got, []string{"QA&P chair"}) {
		t.Errorf("the new role holder holds %v", got)
	}
	cfg, _ := live.Current()
	at := itoa(len(cfg.Directory.PartnershipRoles) - 1)
	ada.submit("/web/settings/people/roles/"+at, url.Values{"version": {version()}, "name": {"Pat QA"}, "email": {pat}, "role": {conversation.RolePartnershipAdmin}, "action": {"save"}}).
		expect(http.StatusOK, "Your change is saved")
	if got, _ := w.env.People.Roles(ctx, pat); !slices.Equal(got, []string{conversation.RolePartnershipAdmin}) {
		t.Errorf("the changed role holder holds %v", got)
	}
	pb := w.browser().signIn(pat)
	pb.get("/web/settings").expect(http.StatusOK, "Partnership roles")

	// A conference chair, added.
	ada.submit("/web/settings/people/chairs/new", url.Values{"version": {version()}, "name": {"Cy Chair"}, "email": {"cy.chair@partnership.example.org"}, "action": {"save"}}).
		expect(http.StatusOK, "Added Cy Chair as conference chair", "Conference chairs and reviewing officers", "cy.chair@partnership.example.org")
	if got, _ := w.env.People.RoleHolders(ctx, conversation.RoleConferenceChair); !slices.Contains(got, "cy.chair@partnership.example.org") {
		t.Errorf("the conference chairs are %v", got)
	}
	hist, err := live.History(ctx, 0)
	if err != nil || len(hist) != 7 {
		t.Fatalf("%d changes recorded (%v), want 7", len(hist), err)
	}
	if hist[0].By != adaEmail || !strings.Contains(hist[0].After, "cy.chair@partnership.example.org") || strings.Contains(hist[0].Before, "cy.chair") {
		t.Errorf("the last change is recorded as %+v", hist[0])
	}
}

// TestSettingsDirectoryReferences: an admin gives an agency case reference
// formats and an example, and an order of ways to reach its people; a
// reference the formats do not match is refused when raising from then on.
func TestSettingsDirectoryReferences(t *testing.T) {
	w, live := newSettingsWorld(t)
	ctx := context.Background()
	ada := w.browser().signIn(adaEmail)
	page := "/web/settings/agencies/school/references"
	ada.get(page).expect(http.StatusOK, "Case references of", "Formats", "Example")
	form := url.Values{"version": {"1"}, "formats": {"SCH-\\d{6}\r\n\r\nPUP[0-9]{5}"}, "example": {"SCH-447193"}}
	ada.submit(page, form).expect(http.StatusOK, "Check the change before saving it", "SCH-\\d{6}", "SCH-447193")
	form.Set("action", "save")
	ada.submit(page, form).expect(http.StatusOK, "Your change is saved", "Changed the case reference formats of")
	ada.get("/web/settings/agencies/school/people").expect(http.StatusOK, "<code>SCH-\\d{6}</code>", "<code>PUP[0-9]{5}</code>", "SCH-447193")
	cfg, _ := live.Current()
	if got := cfg.Directory.Agencies[1].ReferenceFormats; !slices.Equal(got, []string{`SCH-\d{6}`, `PUP[0-9]{5}`}) {
		t.Errorf("the school's formats are %q", got)
	}
	if _, err := w.env.Engine.Raise(ctx, w.sam, bottest.Intake(w.gp, "school", hvKey)); conversation.ErrorCode(err) != conversation.EINVALID {
		t.Errorf("a reference the school's new formats do not match was taken: %v", err)
	}

	reach := "/web/settings/agencies/school/reach"
	ada.get(reach).expect(http.StatusOK, "Ways, in order")
	ada.submit(reach, url.Values{"version": {"2"}, "reach": {"Teams, email"}, "action": {"save"}}).
		expect(http.StatusOK, "Your change is saved", "Reached by teams, email, in that order")
	cfg, _ = live.Current()
	if got := cfg.Directory.Agencies[1].Reach; !slices.Equal(got, []string{"teams", "email"}) {
		t.Errorf("the school's reach is %q", got)
	}
	ada.submit(reach, url.Values{"version": {"3"}, "reach": {""}, "action": {"save"}}).expect(http.StatusOK, "Your change is saved")
	if cfg, _ = live.Current(); cfg.Directory.Agencies[1].Reach != nil {
		t.Errorf("an empty answer left the school's reach %q, want each person's own way", cfg.Directory.Agencies[1].Reach)
	}
	hist, err := live.History(ctx, 0)
	if err != nil || len(hist) != 4 {
		t.Fatalf("%d changes recorded (%v), want 4", len(hist), err)
	}
	for i, want := range []string{"Changed how the people of", "Changed how the people of", "Changed the case reference formats of"} {
		if hist[i].By != adaEmail || !strings.HasPrefix(hist[i].Note, want) {
			t.Errorf("change %d is recorded as %q by %s, want %q… by %s", hist[i].Version, hist[i].Note, hist[i].By, want, adaEmail)
		}
	}
	if !strings.Contains(hist[2].After, `SCH-\d{6}`) || strings.Contains(hist[2].Before, "SCH-") {
		t.Errorf("the formats' change is recorded before %q after %q", hist[2].Before, hist[2].After)
	}
}

// TestSettingsDirectoryRefusals: a change config check would refuse is
// refused on the page with config check's own message, in the error
// summary and beside its field, before the check page and on Save, and
// changes nothing; so is taking away the last partnership admin.
func TestSettingsDirectoryRefusals(t *testing.T) {
	w, live := newSettingsWorld(t)
	ada := w.browser().signIn(adaEmail)
	cfg, _ := live.Current()
	admin := slices.IndexFunc(cfg.Directory.PartnershipRoles, func(r config.PartnershipRole) bool { return r.Role == conversation.RolePartnershipAdmin })
	emailMsg := checkMessage(t, hvAgencies+"      contacts:\n        manager: [{name: A, email: not-an-email}]\n")
	twiceMsg := checkMessage(t, hvAgencies+"      contacts:\n        manager:\n          - {name: A, email: health-visiting.manager@example.org}\n          - {name: B, email: health-visiting.manager@example.org}\n")
	noNameMsg := checkMessage(t, hvAgencies+"      contacts:\n        manager: [{name: \"\", email: a@hv.example.org}]\n")
	patternMsg := checkMessage(t, hvAgencies+"      reference_formats: [\"HV-(\\\\d{6}\"]\n      reference_example: HV-123456\n")
	exampleMsg := checkMessage(t, hvAgencies+"      reference_formats: [\"HV-\\\\d{6}\"]\n      reference_example: HV-12\n")
	wayMsg := checkMessage(t, hvAgencies+"      reach: [sms]\n")
	wayTwiceMsg := checkMessage(t, hvAgencies+"      reach: [email, email]\n")
	roleMsg := checkMessage(t, "directory:\n  partnership_roles:\n    - {name: P, email: \"P at x\", role: partnership manager}\n")
	hv := "/web/settings/people/agencies/" + hvKey + "/manager/"
	refs, reach := "/web/settings/agencies/"+hvKey+"/references", "/web/settings/agencies/"+hvKey+"/reach"
	cases := []struct {
		name, path string
		form       url.Values
		want       []string
	}{
		{"an email that is not one", hv + "new", url.Values{"name": {"A"}, "email": {"not-an-email"}}, []string{html.EscapeString(emailMsg), `href="#f-email"`}},
		{"a manager listed twice", hv + "new", url.Values{"name": {"B"}, "email": {"health-visiting.manager@example.org"}}, []string{html.EscapeString(twiceMsg), `href="#f-email"`}},
		{"a contact with no name", hv + "0", url.Values{"name": {""}, "email": {"a@hv.example.org"}}, []string{html.EscapeString(noNameMsg), `href="#f-name"`}},
		{"a pattern that does not compile", refs, url.Values{"formats": {"HV-(\\d{6}"}, "example": {"HV-123456"}}, []string{html.EscapeString(patternMsg), `href="#f-formats"`}},
		{"an example that matches no format", refs, url.Values{"formats": {"HV-\\d{6}"}, "example": {"HV-12"}}, []string{html.EscapeString(exampleMsg), `href="#f-example"`}},
		{"a way there is not", reach, url.Values{"reach": {"sms"}}, []string{html.EscapeString(wayMsg), `href="#f-reach"`}},
		{"a way twice", reach, url.Values{"reach": {"email, email"}}, []string{html.EscapeString(wayTwiceMsg), `href="#f-reach"`}},
		{"a role's email", "/web/settings/people/roles/new", url.Values{"name": {"P"}, "email": {"P at x"}, "role": {"partnership manager"}}, []string{html.EscapeString(roleMsg), `href="#f-email"`}},
		{"the last admin's role taken away", "/web/settings/people/roles/" + itoa(admin), url.Values{"name": {"Ada Admin"}, "email": {adaEmail}, "role": {"partnership manager"}},
			[]string{"Nobody would be a partnership admin after this change"}},
		{"the last admin removed", "/web/settings/remove/roles/" + itoa(admin), url.Values{}, []string{"Nobody would be a partnership admin after this change"}},
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
	ada.get("/web/settings/people/agencies/" + hvKey + "/manager/7").expect(http.StatusNotFound)
	ada.get("/web/settings/people/agencies/nowhere/manager/new").expect(http.StatusNotFound)
	ada.get("/web/settings/remove/roles/new").expect(http.StatusNotFound)
}
