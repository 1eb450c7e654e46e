package config

import "testing"

// TestAnnualReportTo: the annual report goes to the body each document
// names (Wiltshire 5.1 "tabled with Executive"; Devon "tabled with the
// Partnership Executive Group"), to no one where a document names no one,
// and a file naming its own partnership does not keep the preset's body.
func TestAnnualReportTo(t *testing.T) {
	presets := map[string]string{"devon": "the Partnership Executive Group", "wiltshire": "the Executive", "plymouth": "", "rotherham": "", "generic": ""}
	for key, want := range presets {
		p, err := Preset(key)
		if err != nil {
			t.Fatal(err)
		}
		if p.AnnualReportTo != want {
			t.Errorf("%s: annual report to %q, want %q", key, p.AnnualReportTo, want)
		}
	}
	files := []struct{ body, want string }{
		{"partnership: devon\n", "the Partnership Executive Group"},
		{"partnership: devon\nprotocol:\n  partnership: Torbay Safeguarding Children Partnership\n", ""},
		{"partnership: devon\nprotocol:\n  partnership: Torbay Safeguarding Children Partnership\n  annual_report_to: the Torbay Executive\n", "the Torbay Executive"},
	}
	for _, tt := range files {
		cfg, _ := mustLoad(t, Options{Path: writeFile(t, tt.body)})
		if got := cfg.Protocol.AnnualReportTo; got != tt.want {
			t.Errorf("%q: annual report to %q, want %q", tt.body, got, tt.want)
		}
	}
}
