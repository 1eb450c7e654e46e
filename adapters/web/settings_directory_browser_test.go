package web_test

import (
	"slices"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/web/webtest"
	"github.com/resolvebot/resolvebot/bot"
)

// signInTab signs a Chromium tab in as the partnership admin.
func signInTab(t *testing.T, w *world) *webtest.Tab {
	t.Helper()
	b := w.newTab(t)
	b.Open("/web/sign-in").Fill("#f-email", adaEmail).Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	return b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button").Says("Your cases")
}

// TestSettingsDirectoryInBrowser: in headless Chromium a partnership admin
// opens an agency's contacts and references from the settings, adds a
// senior manager (meeting config check's refusal of an email first),
// removes one, gives the agency reference formats (one refused, then
// checked and saved) and an order of ways to reach its people, and adds a
// partnership role. axe-core finds no WCAG 2.2 AA violation on any of
// these pages.
func TestSettingsDirectoryInBrowser(t *testing.T) {
	w, live := newSettingsWorld(t)
	b := signInTab(t, w)
	b.Click("a[href='/web/settings']").Says("Contacts and references", "Add a partnership role").Check("settings with the directory's links")
	b.Click("a[href='/web/settings/agencies/"+hvKey+"/people']").
		Says("Contacts and references", "Managers", "Senior managers", "Leaders", "Safeguarding leads", "Case references", "How its people are reached").
		Check("an agency's contacts and references")

	b.Click("a[href='" + hvSeniorsAt + "new']").Says("Add a senior manager").Check("add a senior manager")
	b.Fill("#f-name", "Sol Senior").Fill("#f-email", "sol at hv").Click("form[action='"+hvSeniorsAt+"new'] button").
		Says("There is a problem", "is not an email address").Check("add a senior manager refused")
	emptyField(b, "#f-email").Fill("#f-email", solEmail).Click("form[action='"+hvSeniorsAt+"new'] button").
		Says("Check the change before saving it", "Sol Senior", solEmail).Check("check the senior manager")
	b.Click("form[action='"+hvSeniorsAt+"new'] button").Says("Your change is saved", "Added Sol Senior", "Contacts and references", solEmail, hvSenior)
	b.Click("a[href='/web/settings/remove/agencies/"+hvKey+"/senior_manager/0']").Says("Remove Health Visiting Senior Manager (example)", hvSenior).
		Check("remove a senior manager")
	b.Click("form[action='/web/settings/remove/agencies/"+hvKey+"/senior_manager/0'] button").Says("Your change is saved", "Removed Health Visiting Senior Manager")

	refs := "/web/settings/agencies/" + hvKey + "/references"
	b.Open("/web/settings/agencies/" + hvKey + "/people").Click("a[href='" + refs + "']").Says("Case references of").Check("case references")
	b.Fill("#f-formats", "HV-(\\d{6}").Fill("#f-example", "HV-204913").Click("form[action='"+refs+"'] button").
		Says("There is a problem", "is not a valid pattern").Check("case references refused")
	emptyField(b, "#f-formats").Fill("#f-formats", "HV-\\d{6}\nNHS\\d{10}").Click("form[action='"+refs+"'] button").
		Says("Check the change before saving it", "HV-\\d{6}\nNHS\\d{10}", "HV-204913").Check("check the case references")
	b.Click("form[action='"+refs+"'] button").Says("Your change is saved", "Changed the case reference formats", "HV-\\d{6}", "NHS\\d{10}")
	cfg, _ := live.Current()
	if got := cfg.Directory.Agencies[2].ReferenceFormats; !slices.Equal(got, []string{`HV-\d{6}`, `NHS\d{10}`}) {
		t.Errorf("health visiting's formats are %q after the browser's change", got)
	}

	reach := "/web/settings/agencies/" + hvKey + "/reach"
	b.Click("a[href='" + reach + "']").Says("Ways, in order").Check("reach")
	b.Fill("#f-reach", "teams, email").Click("form[action='"+reach+"'] button").Says("Check the change before saving it", "teams, email").Check("check the reach")
	b.Click("form[action='"+reach+"'] button").Says("Your change is saved", "Reached by teams, email, in that order")

	b.Open("/web/settings").Click("a[href='/web/settings/people/roles/new']").Says("Add a partnership role", "Role").Check("add a partnership role")
	b.Fill("#f-name", "Pat QA").Fill("#f-email", "pat.qa@partnership.example.org").Fill("#f-role", "QA&P chair").
		Click("form[action='/web/settings/people/roles/new'] button").Says("Check the change before saving it", "QA&P chair").Check("check the partnership role")
	b.Click("form[action='/web/settings/people/roles/new'] button").Says("Your change is saved", "Added Pat QA as QA&P chair")
	if got, _ := w.env.People.Roles(t.Context(), "pat.qa@partnership.example.org"); !slices.Equal(got, []string{"QA&P chair"}) {
		t.Errorf("the new role holder holds %v", got)
	}
	if b.Checked < 13 {
		t.Fatalf("axe checked %d pages, want 13", b.Checked)
	}
}

// TestSettingsDirectoryKeyboard: with the keyboard only (Tab, typing,
// Enter) a partnership admin adds a senior manager to an agency through
// check your answers, and the next case to reach the senior managers
// brings them in.
func TestSettingsDirectoryKeyboard(t *testing.T) {
	w, live := newSettingsWorld(t)
	b := signInTab(t, w)
	b.Open("/web/settings").TabTo("Contacts and references\nof "+hvName).Enter().Says(hvName, "Senior managers")
	b.TabTo("Add a senior manager").Enter().Says("Add a senior manager")
	b.TabTo("Name").Keys("Sol Senior").TabTo("Work email").Keys(solEmail).Enter().Says("Check the change before saving it", solEmail)
	b.TabTo("Save the change").Enter().Says("Your change is saved", "Added Sol Senior")
	if _, v := live.Current(); v != 2 {
		t.Fatalf("the settings are at version %d after the keyboard change, want 2", v)
	}
	c := toSeniorManagers(t, w)
	if got := c.Current().Respondent; !slices.Contains(got, bot.PersonID(solEmail)) {
		t.Errorf("the next case's senior managers are %v, want %s among them", got, solEmail)
	}
}
