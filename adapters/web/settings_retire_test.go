package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/config"
)

// TestSettingsRetireAgency: retiring an agency that an open case involves
// is refused, naming the case, and changes nothing; retiring one that no
// open case involves takes it out of the directory and is recorded.
func TestSettingsRetireAgency(t *testing.T) {
	w, live := newSettingsWorld(t)
	open := w.raise() // school and health-visiting
	cfg, _ := live.Current()
	var spare config.Agency
	var busy config.Agency
	for _, a := range cfg.Directory.Agencies {
		switch {
		case a.Key == open.Respondent.Agency:
			busy = a
		case a.Key != open.Raiser.Agency && spare.Key == "":
			spare = a
		}
	}
	if busy.Key == "" || spare.Key == "" {
		t.Fatalf("the directory %v lacks the agencies the test needs", cfg.Directory.Agencies)
	}

	ada := w.browser().signIn(adaEmail)
	ada.get("/web/settings/agencies/"+busy.Key).expect(http.StatusOK, "Retire this agency", `href="/web/settings/agencies/`+busy.Key+`/retire"`)
	ada.get("/web/settings/agencies/"+busy.Key+"/retire").expect(http.StatusOK, "Retire "+html.EscapeString(busy.Name), "Retire the agency")
	ada.submit("/web/settings/agencies/"+busy.Key+"/retire", url.Values{"version": {"1"}}).
		expect(http.StatusUnprocessableEntity, "There is a problem", "cannot be retired while cases involving it are still open", open.ID)
	if _, v := live.Current(); v != 1 {
		t.Fatalf("a refused retirement moved the settings to version %d", v)
	}

	ada.submit("/web/settings/agencies/"+spare.Key+"/retire", url.Values{"version": {"1"}}).
		expect(http.StatusOK, "Your change is saved", "Retired "+html.EscapeString(spare.Name))
	now, v := live.Current()
	if v != 2 {
		t.Fatalf("the retirement left the settings at version %d, want 2", v)
	}
	for _, a := range now.Directory.Agencies {
		if a.Key == spare.Key {
			t.Errorf("%s is still in the directory after it was retired", spare.Key)
		}
	}
	if body := ada.get("/web/settings").body; strings.Contains(body, `href="/web/settings/agencies/`+spare.Key+`"`) {
		t.Errorf("the settings page still lists the retired agency %s", spare.Key)
	}
	ada.get("/web/settings/history").expect(http.StatusOK, "Version 2", "Retired "+html.EscapeString(spare.Name))
	ada.get("/web/settings/agencies/" + spare.Key + "/retire").expect(http.StatusNotFound)
}
