// Package sealed encrypts the free text and child references of cases and
// drafts at rest, once for every store: Store wraps any conversation.Store,
// sealing on the way in and opening on the way out, so the stores keep
// storing JSON and never see a key.
//
// Each sensitive string is sealed on its own with AES-256-GCM (the standard
// library's AEAD) into a self-describing value:
//
//	rbenc1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>
//
// The key id says which key opens it and the 12-byte nonce is random per
// value, so values sealed under different keys live side by side: after a
// rotation old records stay readable and new writes use the primary key.
// The additional data binds each value to its case (or draft owner) and
// field, so a sealed value copied to another case or field does not open.
// Empty strings stay empty.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
)

// Prefix starts every sealed value.
const Prefix = "rbenc1."

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

const nonceSize = 12

// Key is one named encryption key.
type Key struct {
	ID     string // letters, digits, - and _; at most 32 characters
	Secret []byte // KeySize bytes
}

// Keyring holds the keys that open sealed values, by id, and the primary
// key that seals new ones. A nil *Keyring seals nothing: values are stored
// as they are, and sealed values cannot be opened. It is safe for
// concurrent use.
type Keyring struct {
	primary string
	aeads   map[string]cipher.AEAD
}

// NewKeyring returns a keyring of keys, the first being the primary.
// Returns an error for no keys, a repeated or malformed id, or a secret that
// is not KeySize bytes; the error never contains key material.
func NewKeyring(keys []Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("no encryption keys")
	}
	k := &Keyring{primary: keys[0].ID, aeads: map[string]cipher.AEAD{}}
	for i, key := range keys {
		if !validID(key.ID) {
			return nil, fmt.Errorf("key %d: the id must be 1 to 32 letters, digits, - or _", i+1)
		}
		if _, dup := k.aeads[key.ID]; dup {
			return nil, fmt.Errorf("key %d: the id %q is used twice", i+1, key.ID)
		}
		if len(key.Secret) != KeySize {
			return nil, fmt.Errorf("key %q: must be %d bytes (base64 of 32 random bytes), got %d", key.ID, KeySize, len(key.Secret))
		}
		block, err := aes.NewCipher(key.Secret)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", key.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", key.ID, err)
		}
		k.aeads[key.ID] = aead
	}
	return k, nil
}

// ParseKeys reads keys written as comma-separated "id:base64" pairs, the
// first being the primary, as in RESOLVEBOT_ENCRYPTION_KEYS. Standard and
// URL base64, padded or not, are accepted. Returns an error naming the
// position of a malformed pair; it never contains key material.
func ParseKeys(s string) ([]Key, error) {
	var out []Key
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("key %d: write it as id:base64key", i+1)
		}
		secret, err := decodeKey(strings.TrimSpace(b64))
		if err != nil {
			return nil, fmt.Errorf("key %d (%s): not base64", i+1, safeID(id))
		}
		out = append(out, Key{ID: strings.TrimSpace(id), Secret: secret})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no keys given")
	}
	return out, nil
}

// ParseKeyring is ParseKeys then NewKeyring.
func ParseKeyring(s string) (*Keyring, error) {
	keys, err := ParseKeys(s)
	if err != nil {
		return nil, err
	}
	return NewKeyring(keys)
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64")
}

func validID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func safeID(id string) string {
	if validID(strings.TrimSpace(id)) {
		return strings.TrimSpace(id)
	}
	return "?"
}

// Primary returns the id of the key that seals new values, or "" for a nil
// keyring.
func (k *Keyring) Primary() string {
	if k == nil {
		return ""
	}
	return k.primary
}

// IDs returns the ids of the keys, the primary first.
func (k *Keyring) IDs() []string {
	if k == nil {
		return nil
	}
	out := []string{k.primary}
	for id := range k.aeads {
		if id != k.primary {
			out = append(out, id)
		}
	}
	return out
}

// Seal encrypts plaintext under the primary key, bound to aad. An empty
// plaintext, or a nil keyring, returns plaintext unchanged. Returns an error
// only if the system's random source fails.
func (k *Keyring) Seal(plaintext, aad string) (string, error) {
	if k == nil || plaintext == "" {
		return plaintext, nil
	}
	aead := k.aeads[k.primary]
	buf := make([]byte, nonceSize, nonceSize+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("random nonce: %w", err)
	}
	buf = aead.Seal(buf, buf[:nonceSize], []byte(plaintext), []byte(aad))
	return Prefix + k.primary + "." + base64.RawURLEncoding.EncodeToString(buf), nil
}

// Open decrypts a value made by Seal with the same aad. A value that is not
// sealed is returned as it is, so records written before encryption was
// turned on stay readable. Returns an error, without any of the value, when
// the key it names is not in the keyring (or the keyring is nil), or when it
// does not authenticate (a wrong key, aad or a damaged value).
func (k *Keyring) Open(value, aad string) (string, error) {
	id, data, ok := parse(value)
	if !ok {
		return value, nil
	}
	if k == nil {
		return "", fmt.Errorf("a value is encrypted with key %q but no encryption key is configured", id)
	}
	aead, found := k.aeads[id]
	if !found {
		return "", fmt.Errorf("a value is encrypted with key %q, which is not configured", id)
	}
	pt, err := aead.Open(nil, data[:nonceSize], data[nonceSize:], []byte(aad))
	if err != nil {
		return "", fmt.Errorf("a value sealed with key %q does not open: wrong key, or the record was damaged or moved", id)
	}
	return string(pt), nil
}

// KeyID returns the id of the key a sealed value names; ok is false for a
// value that is not sealed.
func KeyID(value string) (id string, ok bool) {
	id, _, ok = parse(value)
	return id, ok
}

// IsSealed reports whether value is a sealed value.
func IsSealed(value string) bool {
	_, _, ok := parse(value)
	return ok
}

// parse splits a sealed value into its key id and nonce ‖ ciphertext.
func parse(value string) (id string, data []byte, ok bool) {
	rest, found := strings.CutPrefix(value, Prefix)
	if !found {
		return "", nil, false
	}
	id, b64, found := strings.Cut(rest, ".")
	if !found || !validID(id) {
		return "", nil, false
	}
	data, err := base64.RawURLEncoding.DecodeString(b64)
	if err != nil || len(data) < nonceSize+16 {
		return "", nil, false
	}
	return id, data, true
}
