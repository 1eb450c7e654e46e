package conversation_test

import (
	"testing"

	"github.com/resolvebot/resolvebot/config"
	c "github.com/resolvebot/resolvebot/conversation"
)

// TestNotSureOfImmediateRisk: a person unsure whether a child is at
// immediate risk is pointed to the front door, as for yes, however they
// put it; "not sure" is no answer to the other yes/no questions.
func TestNotSureOfImmediateRisk(t *testing.T) {
	p, err := config.Preset(config.PresetKeys()[0])
	if err != nil {
		t.Fatal(err)
	}
	form := c.IntakeForm(&p, nil)
	tests := []struct {
		risk      string
		wantRoute c.RouteKind
		wantError bool
	}{
		{"yes", c.RouteImmediateRisk, false},
		{c.NotSure, c.RouteImmediateRisk, false},
		{"Not sure", c.RouteImmediateRisk, false},
		{"unsure", c.RouteImmediateRisk, false},
		{"I don’t know", c.RouteImmediateRisk, false},
		{"maybe", c.RouteImmediateRisk, false},
		{"no", "", false},
		{"perhaps not", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.risk, func(t *testing.T) {
			in, err := c.ParseIntake(&form, map[string]string{c.FieldImmediateRisk: tt.risk})
			if in.Route() != tt.wantRoute {
				t.Errorf("route = %q, want %q", in.Route(), tt.wantRoute)
			}
			if got := fieldsSaid(err)[c.FieldImmediateRisk] != ""; got != tt.wantError {
				t.Errorf("error on the question = %v (%v), want %v", got, err, tt.wantError)
			}
		})
	}
	if msg := english(form.Field(c.FieldFamilyInformed).CheckAnswer("not sure")); msg != "Please answer yes or no." {
		t.Errorf("family informed \"not sure\": %q, want a request for yes or no", msg)
	}
	if msg := english(form.Field(c.FieldImmediateRisk).CheckAnswer("perhaps not")); msg != "Please answer yes, no or not sure." {
		t.Errorf("immediate risk \"perhaps not\": %q", msg)
	}
}
