package conversation

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRecordSchema(t *testing.T) {
	p := Person{ID: "sam@example.org", Name: "Sam", Email: "sam@example.org"}
	enc, err := EncodeRecord(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(enc), `{"schema":2,"id":"sam@example.org"`) {
		t.Fatalf("EncodeRecord = %s", enc)
	}
	today, _ := json.Marshal(p) // how records were stored before versions
	tests := []struct {
		name    string
		data    string
		want    int
		upgrade bool
		err     string
	}{
		{"current", string(enc), 2, false, ""},
		{"before versions", string(today), 0, true, ""},
		{"version 1", `{"schema":1,"id":"sam@example.org","name":"Sam"}`, 1, true, ""},
		{"schema not first", `{"id":"sam@example.org","schema":2}`, 2, false, ""},
		{"empty object", `{}`, 0, true, ""},
		{"newer", `{"schema":3,"id":"sam@example.org"}`, 3, false, "newer resolvebot"},
		{"not json", `{"schema":`, 0, false, "unexpected end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ver, err := RecordSchema([]byte(tt.data))
			if tt.err == "" || tt.name == "newer" {
				if err != nil || ver != tt.want {
					t.Fatalf("RecordSchema = %d, %v; want %d", ver, err, tt.want)
				}
			}
			out, changed, err := UpgradeRecord(RecordPerson, []byte(tt.data))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("UpgradeRecord error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || changed != tt.upgrade {
				t.Fatalf("UpgradeRecord changed=%v err=%v", changed, err)
			}
			if v, _ := RecordSchema(out); v != SchemaVersion || changed && !strings.HasPrefix(string(out), `{"schema":2`) {
				t.Fatalf("upgraded record %s", out)
			}
			var got Person
			if err := DecodeRecord(RecordPerson, []byte(tt.data), &got); err != nil {
				t.Fatal(err)
			}
			if tt.want >= 0 && tt.data != "{}" && (got.ID != p.ID || got.Name != "" && got.Name != p.Name) {
				t.Fatalf("decoded %+v", got)
			}
		})
	}
}

// An upgrade step sees the old fields and may reshape them; fields it does
// not know are kept.
func TestUpgradeStepsRunInOrder(t *testing.T) {
	saved := upgrades
	defer func() { upgrades = saved }()
	upgrades = []func(string, map[string]json.RawMessage) error{
		func(kind string, f map[string]json.RawMessage) error {
			if kind == RecordPerson {
				f["name"] = f["full_name"] // a field renamed in version 1
				delete(f, "full_name")
			}
			return nil
		},
		func(string, map[string]json.RawMessage) error { return nil },
	}
	out, changed, err := UpgradeRecord(RecordPerson, []byte(`{"id":"a@example.org","full_name":"Ann","extra":[1,2]}`))
	if err != nil || !changed {
		t.Fatal(err)
	}
	if string(out) != `{"schema":2,"extra":[1,2],"id":"a@example.org","name":"Ann"}` {
		t.Fatalf("upgraded = %s", out)
	}
}

// A case record of version 1 holds its events inside; DecodeState reads
// them as the case's whole timeline, and a state record written now holds
// none and says how many its log has.
func TestDecodeStateReadsBothForms(t *testing.T) {
	old := `{"schema":1,"id":"CR-2026-0001","version":3,"events":[{"seq":1,"kind":"raised"},{"seq":2,"kind":"note","text":"x"}]}`
	c, logged, inline, err := DecodeState([]byte(old))
	if err != nil || c.ID != "CR-2026-0001" || c.Version != 3 || logged != 2 || len(inline) != 2 || inline[1].Text != "x" || c.Events != nil {
		t.Fatalf("DecodeState(version 1) = %+v, %d, %v, %v", c, logged, inline, err)
	}
	c.Events = inline
	enc, err := EncodeState(c, 2)
	if err != nil || strings.Contains(string(enc), `"events"`) || !strings.HasPrefix(string(enc), `{"schema":2,`) || !strings.Contains(string(enc), `"logged":2`) {
		t.Fatalf("EncodeState = %s, %v", enc, err)
	}
	c2, logged, inline, err := DecodeState(enc)
	if err != nil || c2.Version != 3 || logged != 2 || inline != nil {
		t.Fatalf("DecodeState(current) = %+v, %d, %v, %v", c2, logged, inline, err)
	}
}
