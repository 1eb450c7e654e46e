package config

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/resolvebot/resolvebot/conversation"
)

// DefaultPartnership is the preset used when the file names none.
const DefaultPartnership = "generic"

//go:embed presets/*.yaml
var presetFS embed.FS

// PresetKeys returns the keys of the built-in protocol presets, sorted.
func PresetKeys() []string {
	entries, err := fs.ReadDir(presetFS, "presets")
	if err != nil {
		return nil
	}
	keys := make([]string, 0, len(entries))
	for _, e := range entries {
		if k, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// Preset returns the built-in protocol for a partnership key (see
// PresetKeys), with Key set to key. It is the source document's protocol as
// written: a route the document does not give, such as a front-door number,
// is left empty, and Load fills a safe fallback and warns. It returns an
// error for an unknown key or a preset file that does not decode.
func Preset(key string) (conversation.Protocol, error) {
	var p conversation.Protocol
	if key == "" || strings.ContainsAny(key, "/\\.") {
		return p, fmt.Errorf("unknown partnership preset %q (choose one of: %s)", key, strings.Join(PresetKeys(), ", "))
	}
	data, err := presetFS.ReadFile(path.Join("presets", key+".yaml"))
	if err != nil {
		return p, fmt.Errorf("unknown partnership preset %q (choose one of: %s)", key, strings.Join(PresetKeys(), ", "))
	}
	return decodePreset(key, data)
}

// decodePreset decodes a preset file's protocol, refusing unknown keys.
func decodePreset(key string, data []byte) (conversation.Protocol, error) {
	var p conversation.Protocol
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return conversation.Protocol{}, fmt.Errorf("decode preset %s: %w", key, err)
	}
	p.Key = key
	return p, nil
}
