package p100

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// p100 webhooks [D]: a POST carrying the partner's shared secret in the
// Authorization header (not an HMAC of the body), retried up to 5 times.
// The body's shape was not retrieved [I]: we read only the transfer id, as
// transferId (or id), and never its status: the status is fetched by GET.

// WebhookAuthHeader carries the shared secret.
const WebhookAuthHeader = "Authorization"

// WebhookEvent is the body the sandbox sends [I].
type WebhookEvent struct {
	Type       string `json:"type"`
	TransferID string `json:"transferId"`
	Status     string `json:"status"`
}

// WebhookEventType is the sandbox's event name [I].
const WebhookEventType = "SEPA_TRANSFER_STATUS_CHANGED"

// VerifyWebhook reports whether header carries secret, either bare or as
// "Bearer <secret>". The comparison is constant-time; an empty secret never
// verifies, so a daemon without one refuses every p100 webhook.
func VerifyWebhook(secret []byte, header string) bool {
	if len(secret) == 0 {
		return false
	}
	got := strings.TrimSpace(header)
	if b, ok := strings.CutPrefix(got, "Bearer "); ok {
		got = strings.TrimSpace(b)
	}
	// ConstantTimeCompare returns early on a length mismatch, which tells an
	// attacker only the secret's length.
	return subtle.ConstantTimeCompare([]byte(got), secret) == 1
}

// WebhookRef returns the transfer id a webhook body names.
func WebhookRef(body []byte) (string, error) {
	var ev struct {
		TransferID string `json:"transferId"`
		ID         string `json:"id"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return "", fmt.Errorf("p100 webhook: %w", err)
	}
	ref := ev.TransferID
	if ref == "" {
		ref = ev.ID
	}
	if ref == "" {
		return "", errors.New("p100 webhook: no transferId")
	}
	return ref, nil
}
