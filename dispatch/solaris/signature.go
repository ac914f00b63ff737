package solaris

import "github.com/paybatch/paybatch/dispatch/httpx"

// SignatureHeader is the header Solaris signs webhooks in.
const SignatureHeader = "Solaris-Webhook-Signature"

// Sign returns the webhook signature of body: "sha256=" and the hex HMAC-SHA256.
func Sign(secret, body []byte) string { return httpx.SignHMAC(secret, body) }

// VerifySignature reports whether header is a valid signature of the raw
// body. The comparison is constant-time so a caller cannot learn the
// signature byte by byte. An empty secret never verifies: a daemon started
// without one must not accept every webhook.
func VerifySignature(secret, body []byte, header string) bool {
	return httpx.VerifyHMAC(secret, body, header)
}
