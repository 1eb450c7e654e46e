// Package docs holds tests that keep the project's documents true to the
// code.
package docs

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// notStored are types that pass through the Store interface but are not
// kept: a query's filter, and the outbox's counts.
var notStored = map[string]bool{"CaseFilter": true, "OutboxStats": true}

// storedTypes returns every struct type of package conversation that goes
// into or comes out of the Store interface (or the optional
// ObservationStore), and every struct type they
// hold, by name.
func storedTypes() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	pkg := reflect.TypeOf(conversation.Case{}).PkgPath()
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.PkgPath() != pkg || notStored[t.Name()] {
			return
		}
		if _, seen := out[t.Name()]; seen {
			return
		}
		out[t.Name()] = t
		for i := range t.NumField() {
			add(t.Field(i).Type)
		}
	}
	for _, store := range []reflect.Type{
		reflect.TypeOf((*conversation.Store)(nil)).Elem(),
		reflect.TypeOf((*conversation.ObservationStore)(nil)).Elem(),
	} {
		for i := range store.NumMethod() {
			m := store.Method(i).Type
			for j := range m.NumIn() {
				add(m.In(j))
			}
			for j := range m.NumOut() {
				add(m.Out(j))
			}
		}
	}
	return out
}

// jsonName is the name a field is stored under, or "" when it is not.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

var (
	heading = regexp.MustCompile("^#### `([A-Za-z]+)`")
	row     = regexp.MustCompile("^\\| `([A-Za-z_]+)` \\|.*\\| (sealed|no) \\|$")
)

// docTables reads the field tables of docs/data-protection.md: for each
// type, each field's row and whether it says the field is sealed.
func docTables(t *testing.T) map[string]map[string]bool {
	t.Helper()
	f, err := os.Open("data-protection.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]bool{}
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if m := heading.FindStringSubmatch(l); m != nil {
			cur = m[1]
			out[cur] = map[string]bool{}
			continue
		}
		if strings.HasPrefix(l, "#") {
			cur = ""
		}
		if m := row.FindStringSubmatch(l); m != nil && cur != "" {
			if _, dup := out[cur][m[1]]; dup {
				t.Errorf("%s.%s is listed twice", cur, m[1])
			}
			out[cur][m[1]] = m[2] == "sealed"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEveryStoredFieldIsListed: each field the stores keep has a row in the
// document's table for its type, and the tables list nothing that is not
// kept.
func TestEveryStoredFieldIsListed(t *testing.T) {
	types := storedTypes()
	for _, want := range []string{"Case", "Event", "StageRecord", "Person", "Handle", "Draft", "MessageRef", "DueItem", "Party", "Resolution", "Observation"} {
		if _, ok := types[want]; !ok {
			t.Fatalf("the Store interface no longer reaches %s; is storedTypes still finding every stored type? found %v", want, slices.Sorted(mapKeys(types)))
		}
	}
	doc := docTables(t)
	for name, typ := range types {
		rows, ok := doc[name]
		if !ok {
			t.Errorf("docs/data-protection.md has no table for the stored type %s (a \"#### `%s`\" heading and a row per field)", name, name)
			continue
		}
		fields := map[string]bool{}
		for i := range typ.NumField() {
			if n := jsonName(typ.Field(i)); n != "" {
				fields[n] = true
				if _, ok := rows[n]; !ok {
					t.Errorf("docs/data-protection.md: %s.%s is stored but not listed; add a row saying what it holds and whether it is sealed", name, n)
				}
			}
		}
		for n := range rows {
			if !fields[n] {
				t.Errorf("docs/data-protection.md lists %s.%s, which is not stored", name, n)
			}
		}
	}
	for name := range doc {
		if _, ok := types[name]; !ok {
			t.Errorf("docs/data-protection.md has a table for %s, which the stores do not keep", name)
		}
	}
}

// TestSealedColumnIsTrue: the fields the document calls sealed are exactly
// the ones the encryption layer changes.
func TestSealedColumnIsTrue(t *testing.T) {
	keys, err := sealed.ParseKeyring("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]bool{}
	var c conversation.Case
	fill(reflect.ValueOf(&c).Elem())
	before := c.Clone()
	if err := keys.SealCase(&c); err != nil {
		t.Fatal(err)
	}
	diff(reflect.ValueOf(before).Elem(), reflect.ValueOf(&c).Elem(), "", "", got)
	var d conversation.Draft
	fill(reflect.ValueOf(&d).Elem())
	dBefore := d
	dBefore.Values = map[string]string{}
	for k, v := range d.Values {
		dBefore.Values[k] = v
	}
	if err := keys.SealDraft(&d); err != nil {
		t.Fatal(err)
	}
	diff(reflect.ValueOf(dBefore), reflect.ValueOf(d), "", "", got)
	var o conversation.Observation
	fill(reflect.ValueOf(&o).Elem())
	diff(reflect.ValueOf(o), reflect.ValueOf(sealedObservation(t, keys, o)), "", "", got)
	var inst conversation.SlackInstallation
	fill(reflect.ValueOf(&inst).Elem())
	diff(reflect.ValueOf(inst), reflect.ValueOf(sealedInstallation(t, keys, inst)), "", "", got)
	if len(got["Case"]) == 0 || len(got["Draft"]) == 0 || len(got["Observation"]) == 0 {
		t.Fatalf("sealing changed nothing: %v", got)
	}

	for typ, rows := range docTables(t) {
		for field, saysSealed := range rows {
			if sealedNow := got[typ][field]; sealedNow != saysSealed {
				t.Errorf("docs/data-protection.md says %s.%s is sealed=%v; the encryption layer: %v", typ, field, saysSealed, sealedNow)
			}
		}
	}
}

// fill gives every field of v a value: strings "x", numbers 1, true, a
// time, one element in each slice and map, and a value behind each pointer.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0))
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k)
		fill(e)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}

// diff records in got, by type and stored field name, every string that
// differs between a and b.
func diff(a, b reflect.Value, typ, field string, got map[string]map[string]bool) {
	switch a.Kind() {
	case reflect.String:
		if a.String() != b.String() {
			if got[typ] == nil {
				got[typ] = map[string]bool{}
			}
			got[typ][field] = true
		}
	case reflect.Pointer:
		if !a.IsNil() && !b.IsNil() {
			diff(a.Elem(), b.Elem(), typ, field, got)
		}
	case reflect.Slice:
		for i := range min(a.Len(), b.Len()) {
			diff(a.Index(i), b.Index(i), typ, field, got)
		}
	case reflect.Map:
		for _, k := range a.MapKeys() {
			if bv := b.MapIndex(k); bv.IsValid() {
				diff(a.MapIndex(k), bv, typ, field, got)
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if n := jsonName(f); n != "" {
				diff(a.Field(i), b.Field(i), a.Type().Name(), n, got)
			}
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// sealedInstallation stores inst through the encryption layer over a bolt
// file and returns it as the file holds it.
func sealedInstallation(t *testing.T, keys *sealed.Keyring, inst conversation.SlackInstallation) conversation.SlackInstallation {
	t.Helper()
	ctx := context.Background()
	bs, err := boltstore.Open(filepath.Join(t.TempDir(), "resolvebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	if err := sealed.Wrap(bs, keys).PutSlackInstallation(ctx, &inst); err != nil {
		t.Fatal(err)
	}
	raw, err := bs.SlackInstallation(ctx, inst.Key())
	if err != nil {
		t.Fatalf("stored install: %v", err)
	}
	return *raw
}

// sealedObservation stores o through the encryption layer over a bolt file
// and returns it as the file holds it, its id as the store set it.
func sealedObservation(t *testing.T, keys *sealed.Keyring, o conversation.Observation) conversation.Observation {
	t.Helper()
	ctx := context.Background()
	id := o.ID
	bs, err := boltstore.Open(filepath.Join(t.TempDir(), "resolvebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	if err := sealed.Wrap(bs, keys).AddObservation(ctx, &o); err != nil {
		t.Fatal(err)
	}
	raw, err := bs.Observations(ctx, o.At, o.At.Add(time.Second))
	if err != nil || len(raw) != 1 {
		t.Fatalf("stored observations: %v, %v", raw, err)
	}
	raw[0].ID = id // the id is the store's to set, not sealing
	return raw[0]
}
