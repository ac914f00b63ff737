package smoney

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/paybatch/paybatch/dispatch/httpx"
)

// S-money's documentation retrieved for PROVIDERS.md shows no webhook
// signature, so paybatch's own choice applies [I]: the sender signs the raw
// body with HMAC-SHA256 under a shared secret, "sha256=<hex>" in
// WebhookSignatureHeader (the header name is the receiver's to configure).
// The body is the Payout object [I]; only its Id is read.

// WebhookSignatureHeader is the default header of the signature [I].
const WebhookSignatureHeader = "X-Smoney-Signature"

// SignWebhook returns "sha256=" and the hex HMAC-SHA256 of body.
func SignWebhook(secret, body []byte) string { return httpx.SignHMAC(secret, body) }

// VerifyWebhook reports whether header is SignWebhook(secret, body),
// comparing in constant time. An empty secret never verifies.
func VerifyWebhook(secret, body []byte, header string) bool {
	return httpx.VerifyHMAC(secret, body, header)
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
