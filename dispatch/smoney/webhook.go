package smoney

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// S-money's documentation retrieved for PROVIDERS.md shows no webhook
// signature, so paybatch's own choice applies [I]: the sender signs the raw
// body with HMAC-SHA256 under a shared secret, "sha256=<hex>" in
// WebhookSignatureHeader (the header name is the receiver's to configure).
// The body is the Payout object [I]; only its Id is read.

// WebhookSignatureHeader is the default header of the signature [I].
const WebhookSignatureHeader = "X-Smoney-Signature"

// SignWebhook returns "sha256=" and the hex HMAC-SHA256 of body.
func SignWebhook(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook reports whether header is SignWebhook(secret, body),
// comparing in constant time. An empty secret never verifies.
func VerifyWebhook(secret, body []byte, header string) bool {
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

// WebhookRef returns the payout Id (the adapter's reference) a webhook
// body names.
func WebhookRef(body []byte) (string, error) {
	var ev struct {
		ID json.Number `json:"Id"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return "", fmt.Errorf("smoney webhook: %w", err)
	}
	id, err := strconv.ParseInt(ev.ID.String(), 10, 64)
	if err != nil || id <= 0 {
		return "", errors.New("smoney webhook: no payout Id")
	}
	return strconv.FormatInt(id, 10), nil
}
