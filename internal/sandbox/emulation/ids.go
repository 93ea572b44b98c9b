package emulation

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomID returns n random bytes in hex: the per-answer ids and issued
// tokens of an emulation (Okta's errorId, Google's access tokens), which
// differ on every call as the vendors' do.
func RandomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
