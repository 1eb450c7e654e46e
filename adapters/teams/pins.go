//go:build tools

package teams

// These imports are never built. They keep go.mod requiring fixed versions
// of msbotbuilder-go's vulnerable dependencies (golang-jwt/jwt v4 at 4.5.2
// or later, lestrrat-go/jwx v1 at 1.2.29 or later), so "go mod tidy" cannot
// drop the pins and let the module graph fall back to the old versions.
import (
	_ "github.com/golang-jwt/jwt/v4"
	_ "github.com/lestrrat-go/jwx/jwk"
)
