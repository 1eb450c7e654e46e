package config

import (
	"maps"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// messagesDoc describes the messages setting, for the reference.
const messagesDoc = "the bot's wording changed for this partnership: a message key of bot/messages/en/ and its new text, " +
	"with the same {placeholders}; for a text with plural forms, key.one and key.other. Applied on top of the preset's messages"

// messagesSection decodes the file's messages: a mapping of message key to
// text, applied on top of the preset's. Each key's place is kept so a
// problem found in validateMessages points at its line and column.
func (d *nodeDecoder) messagesSection(e entry, at string, cfg *Config) {
	n := resolve(e.val)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, at, "expected a mapping of message key to text, got %s", kindName(n))
		return
	}
	over := maps.Clone(cfg.Protocol.Messages)
	if over == nil {
		over = map[string]string{}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		path := joinPath(at, k.Value)
		if line, ok := seen[k.Value]; ok {
			d.errorf(k, path, "%q is given twice (first at line %d)", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		if v.Kind != yaml.ScalarNode || isNull(v) {
			d.errorf(v, path, "expected the message's text, got %s", kindName(v))
			continue
		}
		over[k.Value] = v.Value
		d.col.set(path, d.at(k))
	}
	cfg.Protocol.Messages = over
}

// validateMessages checks the protocol's message overrides, the preset's
// and the file's, against the English catalogue: each must name a key it
// has, and keep that text's placeholders. A problem in the file is placed
// at its line and column; one in a preset names the preset.
func validateMessages(cfg *Config, col *collector) {
	probs := messages.English().Check(cfg.Protocol.Messages)
	for _, key := range slices.Sorted(maps.Keys(probs)) {
		path := "messages." + key
		if _, inFile := col.origin[path]; inFile {
			col.errorAt(path, "%s", probs[key])
		} else {
			col.add(SeverityError, "preset "+cfg.Partnership+" "+path, "%s", probs[key])
		}
	}
}
