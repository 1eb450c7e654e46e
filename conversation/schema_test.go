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
	if !strings.HasPrefix(string(enc), `{"schema":1,"id":"sam@example.org"`) {
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
		{"current", string(enc), 1, false, ""},
		{"before versions", string(today), 0, true, ""},
		{"schema not first", `{"id":"sam@example.org","schema":1}`, 1, false, ""},
		{"empty object", `{}`, 0, true, ""},
		{"newer", `{"schema":2,"id":"sam@example.org"}`, 2, false, "newer resolvebot"},
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
			if v, _ := RecordSchema(out); v != SchemaVersion || changed && !strings.HasPrefix(string(out), `{"schema":1`) {
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
	}
	out, changed, err := UpgradeRecord(RecordPerson, []byte(`{"id":"a@example.org","full_name":"Ann","extra":[1,2]}`))
	if err != nil || !changed {
		t.Fatal(err)
	}
	if string(out) != `{"schema":1,"extra":[1,2],"id":"a@example.org","name":"Ann"}` {
		t.Fatalf("upgraded = %s", out)
	}
}
