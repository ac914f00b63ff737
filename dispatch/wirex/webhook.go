package wirex

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
)

// Wirex webhooks [D]: POST {base}/v2/webhooks/activities with the activity,
// no signature, no retries. Anyone can send one, so a webhook is only ever
// a hint to re-fetch the activity, never a status. To keep strangers from
// making paybatch call Wirex at will, the receiver may require a shared
// token of its own [I] — in WebhookTokenHeader or the "token" query
// parameter of the URL registered with Wirex.

// WebhookTokenHeader carries paybatch's optional shared token [I].
const WebhookTokenHeader = "X-Paybatch-Webhook-Token"

// WebhookTokenParam is the query parameter alternative [I].
const WebhookTokenParam = "token"

// VerifyWebhookToken reports whether token equals secret, in constant time.
// An empty secret never verifies; whether a token is required at all is
// the caller's configuration.
func VerifyWebhookToken(secret []byte, token string) bool {
	if len(secret) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(token), secret) == 1
}

// WebhookRef returns the activity id a webhook body names.
func WebhookRef(body []byte) (string, error) {
	var ev struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return "", fmt.Errorf("wirex webhook: %w", err)
	}
	if ev.ID == "" {
		return "", errors.New("wirex webhook: no activity id")
	}
	return ev.ID, nil
}
