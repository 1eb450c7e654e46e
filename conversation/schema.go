package conversation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// SchemaVersion is the format version of stored records: every case,
// person, draft and message ref a store writes carries it as its first
// JSON field, "schema". Records written before versions existed have none
// and are version 0. Claims and remembered keys are short-lived
// bookkeeping and carry none.
//
// To change a record's format: raise SchemaVersion and add the step from
// the previous version to upgrades. Stores read older records through
// DecodeRecord, which upgrades them; "resolvebot migrate" rewrites them.
const SchemaVersion = 2

// Record kinds, as DecodeRecord's upgrades see them.
const (
	RecordCase   = "case"
	RecordPerson = "person"
	RecordDraft  = "draft"
	RecordRef    = "ref"
	// RecordSummary is a case's summary (see SummaryOf), as Migrate
	// counts the ones it writes for cases stored before summaries were kept.
	RecordSummary = "summary"
	RecordEvent   = "event" // one event of a case's log (see CaseLog)
	// RecordSlackInstall is a Slack app install (see SlackInstallation).
	RecordSlackInstall = "slack_install"
)

// upgrades[v] turns the fields of a record of kind from version v into
// version v+1.
var upgrades = []func(kind string, fields map[string]json.RawMessage) error{
	// 0 → 1: version 0 (before records carried a version) has exactly
	// the fields of version 1.
	0: func(string, map[string]json.RawMessage) error { return nil },
	// 1 → 2: a case record of version 1 holds its whole timeline in
	// "events"; from version 2 it holds the case's state only, its events
	// stored beside it one by one (see CaseLog), and "logged" says how
	// many there are. The fields stay as they are here: stores read a case
	// with its events inside and move them to the log when they next write
	// it, or on "resolvebot migrate". Other records are unchanged.
	1: func(string, map[string]json.RawMessage) error { return nil },
}

// schemaHead starts every record EncodeRecord writes.
var schemaHead = []byte(`{"schema":` + strconv.Itoa(SchemaVersion))

// EncodeRecord returns the stored form of a record: its JSON object with
// "schema": SchemaVersion as the first field. It returns an error if v
// does not encode as a JSON object.
func EncodeRecord(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("a stored record must be a JSON object")
	}
	out := make([]byte, 0, len(b)+len(schemaHead)+1)
	out = append(out, schemaHead...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// RecordSchema returns the schema version of a stored record: its
// "schema" field, or 0 when it has none (written before versions).
func RecordSchema(data []byte) (int, error) {
	if rest, ok := bytes.CutPrefix(data, []byte(`{"schema":`)); ok {
		if i := bytes.IndexAny(rest, ",}"); i > 0 {
			if n, err := strconv.Atoi(string(rest[:i])); err == nil {
				return n, nil
			}
		}
	}
	var s struct {
		Schema int `json:"schema"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return 0, err
	}
	return s.Schema, nil
}

// DecodeRecord reads a stored record of kind into v, upgrading it first
// (UpgradeRecord) when it is older than SchemaVersion. It returns the
// errors UpgradeRecord does, and json's when data does not fit v.
func DecodeRecord(kind string, data []byte, v any) error {
	data, _, err := UpgradeRecord(kind, data)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// UpgradeRecord returns a stored record of kind in the current format,
// and whether that needed a change: a record older than SchemaVersion has
// each upgrade step applied to its fields, and comes back with "schema"
// first and its other fields as they were (none is dropped). It returns an
// error if data is not a JSON object, or was written by a newer resolvebot
// (a higher version), which this one must not read, and rewrite, with
// fields missing.
func UpgradeRecord(kind string, data []byte) ([]byte, bool, error) {
	ver, err := RecordSchema(data)
	if err != nil {
		return nil, false, err
	}
	switch {
	case ver == SchemaVersion:
		return data, false, nil
	case ver > SchemaVersion:
		return nil, false, fmt.Errorf("this %s was stored by a newer resolvebot (schema %d; this one reads up to %d): upgrade resolvebot", kind, ver, SchemaVersion)
	case ver < 0:
		return nil, false, fmt.Errorf("this %s has schema %d", kind, ver)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, false, err
	}
	for ; ver < SchemaVersion; ver++ {
		if err := upgrades[ver](kind, fields); err != nil {
			return nil, false, fmt.Errorf("upgrade %s from schema %d: %w", kind, ver, err)
		}
	}
	delete(fields, "schema")
	out, err := EncodeRecord(fields)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// MigrateReport says what a store's Migrate did: per record kind, how
// many records it read and how many it rewrote in the current format.
type MigrateReport struct {
	Read, Upgraded map[string]int
}

// Count adds one record of kind, upgraded or not.
func (r *MigrateReport) Count(kind string, upgraded bool) {
	if r.Read == nil {
		r.Read, r.Upgraded = map[string]int{}, map[string]int{}
	}
	r.Read[kind]++
	if upgraded {
		r.Upgraded[kind]++
	}
}
