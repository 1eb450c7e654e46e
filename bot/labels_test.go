package bot_test

import (
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestLabelsLeaveOptionalToRenderers: Slack marks an optional input
// "(optional)" itself and the console adds it too, so no label says it
// again ("Note (optional) (optional)").
func TestLabelsLeaveOptionalToRenderers(t *testing.T) {
	f := newFixture(t)
	forms := map[string]*conversation.Form{"profile": f.Router.Cards.ProfileForm(f.People.Agencies())}
	in := conversation.IntakeForm(f.Engine.Protocol, f.People.Agencies())
	forms["intake"] = &in
	for _, v := range []conversation.Verb{conversation.VerbRespond, conversation.VerbNote, conversation.VerbEscalate,
		conversation.VerbPropose, conversation.VerbDispute, conversation.VerbWithdraw, conversation.VerbRefer,
		conversation.VerbMediation, conversation.VerbExtend, conversation.VerbReassign, conversation.VerbAcceptReferral,
		conversation.VerbReturnReferral, conversation.VerbOfferMediation, conversation.VerbClose} {
		forms[string(v)] = bot.ActionForm(f.Engine.Protocol, v)
	}
	for name, form := range forms {
		for _, fd := range form.Fields {
			if strings.Contains(strings.ToLower(fd.Label), "optional") {
				t.Errorf("%s form: label %q says optional; the renderers do", name, fd.Label)
			}
		}
	}
}
