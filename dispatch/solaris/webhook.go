package solaris

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Solaris webhooks [D] are signed (VerifySignature) and informational only:
// events SEPA_CREDIT_TRANSACTION_DECLINED and BOOKING. The body is the
// resource [I]; we read only its id and fetch the transfer by GET.

// WebhookEventHeader names the event type of a delivery [I].
const WebhookEventHeader = "Solaris-Webhook-Event-Type"

// Webhook event types [D].
const (
	EventSCTDeclined = "SEPA_CREDIT_TRANSACTION_DECLINED"
	EventBooking     = "BOOKING"
)

// WebhookRef returns the credit transfer id a webhook body names: its
// transaction_id when the resource is a booking, else its id.
func WebhookRef(body []byte) (string, error) {
	var ev struct {
		ID            string `json:"id"`
		TransactionID string `json:"transaction_id"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return "", fmt.Errorf("solaris webhook: %w", err)
	}
	if ev.TransactionID != "" {
		return ev.TransactionID, nil
	}
	if ev.ID == "" {
		return "", errors.New("solaris webhook: no id")
	}
	return ev.ID, nil
}
