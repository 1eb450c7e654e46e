package bot_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// sourceSays fails the test when a source document, where the shared seeds
// are at hand beside the repository, does not contain quote (its
// whitespace run together), so the quotes below cannot drift from it. On a
// clean clone the quotes stand on their own.
func sourceSays(t *testing.T, prefix, quote string) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "seeds", prefix+"_*.txt"))
	if len(matches) == 0 {
		return
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(b)), " "), quote) {
		t.Fatalf("source %s does not say %q", prefix, quote)
	}
}

// Devon (002, 003): the request for support online form sits beside the
// front door's number; the Independent Reviewing Unit reports differences
// seen in conferences to the group and is not where a practitioner is sent.
func TestDevonRoutes(t *testing.T) {
	sourceSays(t, "002", "If you are worried about the safety or wellbeing of a child or young person in Devon, please complete the request for support online form.")
	sourceSays(t, "002", "If you think that the child is at risk of significant harm, contact our Front Door directly by calling 0345 155 1071.")
	sourceSays(t, "003", "The PDG will also expect the Independent Reviewing Unit to report on any examples of inter-agency difference that becomes apparent in the conduct of child protection conferences")
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{Preset: "devon"})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")

	values := intakeValues("Priya Shah")
	values["immediate_risk"] = "yes"
	r := bottest.Raise(ctx, env.Router, bot.Inbound{Actor: sam, FormKey: bot.FormIntake, Values: values})
	risk := messageText(r.Messages...)
	for _, want := range []string{"0345 155 1071", "the request for support online form", "999"} {
		if !strings.Contains(risk, want) {
			t.Errorf("the immediate-risk answer lacks %q:\n%s", want, risk)
		}
	}
	if r.Step != nil {
		t.Errorf("a case was opened for a child at immediate risk")
	}

	values = intakeValues("Priya Shah")
	values["about"] = conversation.AboutCPConference
	r = bottest.Raise(ctx, env.Router, bot.Inbound{Actor: sam, FormKey: bot.FormIntake, Values: values})
	if out := messageText(r.Messages...); strings.Contains(out, "Independent Reviewing Unit") {
		t.Errorf("a conference decision is sent to the Independent Reviewing Unit, which reports differences and hears no dissent:\n%s", out)
	}
}

// Devon (002), "What happens when you submit a Case Resolution form?": the
// Devon SCP Manager checks the four stages were followed; if not, the person
// is advised of the next steps; if so, the Manager gets in touch and the
// evidence is gathered for the next Business Group meeting.
func TestDevonReferralTriage(t *testing.T) {
	sourceSays(t, "002", "The Devon SCP Manager reads the submission to check whether, in the first instance, the four stages of the Case Resolution Policy have been followed.")
	sourceSays(t, "002", "You will receive an email or a telephone call if the policy has not been followed advising of the next steps you should take.")
	sourceSays(t, "002", "the Devon SCP Manager will contact you to discuss this further. Evidence of efforts to resolve issues and reasons for a formal escalation will then be gathered to assist in a multi-agency approach to support and help resolve the disagreement at the next Devon SCP Business Group meeting.")
	p, err := config.Preset("devon")
	if err != nil {
		t.Fatal(err)
	}
	accept := bot.ActionForm(&p, conversation.VerbAcceptReferral).Intro
	for _, want := range []string{"four stages were followed", "Contact the person who raised it", "evidence of efforts to resolve it",
		"reasons for the formal escalation", "next Business Group meeting"} {
		if !strings.Contains(accept, want) {
			t.Errorf("accepting a referral says %q, lacking %q", accept, want)
		}
	}
	ret := bot.ActionForm(&p, conversation.VerbReturnReferral).Intro
	for _, want := range []string{"four stages", "not been followed", "next steps"} {
		if !strings.Contains(ret, want) {
			t.Errorf("returning a referral says %q, lacking %q", ret, want)
		}
	}
	for _, want := range []string{"check that the four stages", "you are told the next steps", "contacts you to discuss it",
		"next Business Group meeting", "No one from the group, the chair included, decides the case"} {
		if !strings.Contains(p.Referral.Guidance, want) {
			t.Errorf("the referral stage's guidance lacks %q:\n%s", want, p.Referral.Guidance)
		}
	}
}
