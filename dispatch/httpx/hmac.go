package httpx

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SignHMAC returns "sha256=" and the hex HMAC-SHA256 of body under secret:
// the webhook signature form Solaris documents, which paybatch also uses
// where a provider documents none (S-money) [I].
func SignHMAC(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyHMAC reports whether header is SignHMAC(secret, body). The
// comparison is constant-time so a caller cannot learn the signature byte by
// byte. An empty secret never verifies: a daemon started without one must
// not accept every webhook.
func VerifyHMAC(secret, body []byte, header string) bool {
	if len(secret) == 0 {
		return false
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
