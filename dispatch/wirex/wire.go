package wirex

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Wire types shared by the client and the sandbox. Field names are Wirex's;
// [I] marks shapes PROVIDERS.md infers rather than documents.

// Default paths [D].
const (
	DefaultTokenPath    = "/api/v1/token"
	DefaultUserPath     = "/api/v2/user"
	DefaultEstimatePath = "/api/v2/bank/transfer/estimate"
	DefaultTransferPath = "/api/v1/bank/transfer"
	DefaultFeedPath     = "/api/v1/activity/feed"

	// MaxReference is the documented reference limit.
	MaxReference = 140
	// CapabilityThirdParty allows payouts to someone else's account.
	CapabilityThirdParty = "SepaOut3rdParty"
	CapabilityFirstParty = "SepaOut1stParty"
)

// Activity statuses [D].
const (
	ActivityPending   = "Pending"
	ActivityCompleted = "Completed"
	ActivityFailed    = "Failed"
)

// Error reasons [D]; ErrorUnauthorized is the sandbox's [I].
const (
	ErrorMissingField = "ErrorMissingField"
	ErrorInvalidField = "ErrorInvalidField"
	ErrorNotFound     = "ErrorNotFound"
	ErrorNotSupported = "ErrorNotSupported"
	ErrorUnauthorized = "ErrorUnauthorized"
)

// Failure reason of a Failed activity [I].
const FailureInsufficientFunds = "InsufficientFunds"

type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
}

type tokenResponse struct {
	AccessToken string   `json:"access_token"`
	TokenType   string   `json:"token_type"`
	ExpiresAt   flexTime `json:"expires_at"`
}

// flexTime reads RFC 3339 or Unix seconds: the documentation does not show
// the format of expires_at [I].
type flexTime struct{ time.Time }

func (t *flexTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.Parse(time.RFC3339, s)
		t.Time = v
		return err
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return errors.New("expires_at is neither RFC 3339 nor Unix seconds")
	}
	t.Time = time.Unix(n, 0)
	return nil
}

func (t flexTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339))
}

// userResponse is GET /api/v2/user, reduced to what the adapter reads [I].
type userResponse struct {
	ID           string   `json:"id"`
	UserAddress  string   `json:"user_address"`
	Capabilities []string `json:"capabilities"`
}

type recipient struct {
	FirstName   string `json:"first_name,omitempty"`
	LastName    string `json:"last_name,omitempty"`
	CompanyName string `json:"company_name,omitempty"`
}

type recipientAccount struct {
	IBAN string `json:"iban"`
	BIC  string `json:"bic"`
}

// estimateRequest's Amount is a JSON number written from batch.Amount's
// exact decimal text, never from a float.
type estimateRequest struct {
	AccountID        string           `json:"account_id"`
	Amount           json.Number      `json:"amount"`
	Tokens           []string         `json:"tokens,omitempty"`
	Recipient        recipient        `json:"recipient"`
	RecipientAccount recipientAccount `json:"recipient_account"`
	Reference        string           `json:"reference"`
}

type estimatedAmount struct {
	Amount        json.Number `json:"amount"`
	PreciseAmount string      `json:"precise_amount"`
	TokenAddress  string      `json:"token_address"`
	TokenSymbol   string      `json:"token_symbol"`
	Rate          json.Number `json:"rate"`
}

type estimateResponse struct {
	ID               string            `json:"id"`
	ExpiresAt        flexTime          `json:"expires_at"`
	Amount           json.Number       `json:"amount"`
	Currency         string            `json:"currency"`
	EstimatedAmounts []estimatedAmount `json:"estimated_amounts"`
}

type transferRequest struct {
	AccountID        string           `json:"account_id"`
	TokenAddress     string           `json:"token_address"`
	EstimationID     string           `json:"estimation_id,omitempty"`
	Amount           json.Number      `json:"amount,omitempty"`
	Recipient        recipient        `json:"recipient"`
	RecipientAccount recipientAccount `json:"recipient_account"`
	Reference        string           `json:"reference"`
}

type transferResponse struct {
	ID string `json:"id"`
}

type step struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

// activity is one feed entry, reduced to what payouts need [I].
type activity struct {
	ID            string      `json:"id"`
	Type          string      `json:"type"`
	Status        string      `json:"status"`
	Reference     string      `json:"reference"`
	Amount        json.Number `json:"amount"`
	Currency      string      `json:"currency"`
	CreatedAt     string      `json:"created_at"`
	Steps         []step      `json:"steps"`
	FailureReason string      `json:"failure_reason,omitempty"`
}

// feedResponse is one page of GET /api/v1/activity/feed [I]; page_number
// starts at 1.
type feedResponse struct {
	Data       []activity `json:"data"`
	PageNumber int        `json:"page_number"`
	PageSize   int        `json:"page_size"`
	TotalCount int        `json:"total_count"`
}

type errorCategory struct {
	Category       string `json:"category"`
	HTTPStatusCode int    `json:"http_status_code"`
}

type errorDetail struct {
	Key     string `json:"key"`
	Details string `json:"details"`
}

type apiError struct {
	ErrorReason      string        `json:"error_reason"`
	ErrorDescription string        `json:"error_description"`
	ErrorCategory    errorCategory `json:"error_category"`
	ErrorDetails     []errorDetail `json:"error_details"`
}

// field returns the key of the first error detail, the field at fault.
func (e *apiError) field() string {
	if len(e.ErrorDetails) == 0 {
		return ""
	}
	return e.ErrorDetails[0].Key
}
