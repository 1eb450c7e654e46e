package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// testSettings: a partnership's settings are stored with every change
// (who, when, before, after), each version once; a change made over a
// version someone else has moved on is a conflict and changes nothing;
// partnerships are kept apart; everything survives a restart.
func testSettings(t *testing.T, open Opener) {
	h := newHarness(t, open)
	ctx := context.Background()
	st, ok := h.s.(conversation.SettingsStore)
	if !ok {
		t.Fatalf("%T keeps no settings (conversation.SettingsStore)", h.s)
	}
	if _, err := st.Settings(ctx, "devon"); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Fatalf("Settings before any: %v, want ENOTFOUND", err)
	}
	if hist, err := st.SettingsHistory(ctx, "devon", 0); err != nil || len(hist) != 0 {
		t.Fatalf("SettingsHistory before any = %v, %v; want none", hist, err)
	}
	changes := []conversation.SettingsChange{
		{Partnership: "devon", Version: 1, At: t0, By: "config file", Note: "seeded", After: "partnership: devon\n"},
		{Partnership: "devon", Version: 2, At: t0.Add(time.Hour), By: "admin@example.org", Note: "stage manager: 5 working days",
			Before: "partnership: devon\n", After: "partnership: devon\nprotocol: {}\n"},
		{Partnership: "wiltshire", Version: 1, At: t0, By: "config file", After: "partnership: wiltshire\n"},
	}
	for _, c := range changes {
		if err := st.PutSettings(ctx, c); err != nil {
			t.Fatalf("PutSettings %s v%d: %v", c.Partnership, c.Version, err)
		}
	}
	refused := []struct {
		name string
		c    conversation.SettingsChange
		code string
	}{
		{"same version again", conversation.SettingsChange{Partnership: "devon", Version: 2, After: "x: 1\n"}, conversation.ECONFLICT},
		{"a version skipped", conversation.SettingsChange{Partnership: "devon", Version: 4, After: "x: 1\n"}, conversation.ECONFLICT},
		{"first at version 2", conversation.SettingsChange{Partnership: "rotherham", Version: 2, After: "x: 1\n"}, conversation.ECONFLICT},
		{"version 0", conversation.SettingsChange{Partnership: "devon", Version: 0, After: "x: 1\n"}, conversation.EINVALID},
		{"no partnership", conversation.SettingsChange{Version: 1, After: "x: 1\n"}, conversation.EINVALID},
	}
	for _, r := range refused {
		if err := st.PutSettings(ctx, r.c); conversation.ErrorCode(err) != r.code {
			t.Errorf("%s: PutSettings = %v, want %s", r.name, err, r.code)
		}
	}
	check := func(when string) {
		t.Helper()
		st := h.s.(conversation.SettingsStore)
		got, err := st.Settings(ctx, "devon")
		if err != nil || !sameChange(got, changes[1]) {
			t.Errorf("%s: Settings(devon) = %+v, %v; want %+v", when, got, err, changes[1])
		}
		hist, err := st.SettingsHistory(ctx, "devon", 0)
		if err != nil || len(hist) != 2 || !sameChange(hist[0], changes[1]) || !sameChange(hist[1], changes[0]) {
			t.Errorf("%s: SettingsHistory(devon) = %+v, %v; want versions 2, 1", when, hist, err)
		}
		if one, err := st.SettingsHistory(ctx, "devon", 1); err != nil || len(one) != 1 || one[0].Version != 2 {
			t.Errorf("%s: SettingsHistory(devon, 1) = %+v, %v; want version 2 alone", when, one, err)
		}
		if w, err := st.Settings(ctx, "wiltshire"); err != nil || !sameChange(w, changes[2]) {
			t.Errorf("%s: Settings(wiltshire) = %+v, %v; want its own", when, w, err)
		}
	}
	check("before restart")
	h.restart()
	check("after restart")
}

// testSettingsRace: of several changes made at once over the same version,
// exactly one is stored.
func testSettingsRace(t *testing.T, open Opener) {
	h := newHarness(t, open)
	ctx := context.Background()
	st, ok := h.s.(conversation.SettingsStore)
	if !ok {
		t.Fatalf("%T keeps no settings (conversation.SettingsStore)", h.s)
	}
	if err := st.PutSettings(ctx, conversation.SettingsChange{Partnership: "p", Version: 1, At: t0, By: "config file", After: "a: 1\n"}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.PutSettings(ctx, conversation.SettingsChange{Partnership: "p", Version: 2, At: t0, By: "admin@example.org", Before: "a: 1\n", After: "a: 2\n"})
		}()
	}
	wg.Wait()
	ok2 := 0
	for _, err := range errs {
		switch conversation.ErrorCode(err) {
		case "":
			ok2++
		case conversation.ECONFLICT:
		default:
			t.Errorf("PutSettings: %v, want nil or ECONFLICT", err)
		}
	}
	if hist, err := st.SettingsHistory(ctx, "p", 0); ok2 != 1 || err != nil || len(hist) != 2 {
		t.Errorf("%d changes stored over version 1, history %d long (%v); want exactly one", ok2, len(hist), err)
	}
}

func sameChange(a, b conversation.SettingsChange) bool {
	return a.Partnership == b.Partnership && a.Version == b.Version && a.At.Equal(b.At) && a.By == b.By &&
		a.Note == b.Note && a.Before == b.Before && a.After == b.After
}
