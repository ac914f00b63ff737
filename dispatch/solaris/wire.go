package solaris

// Wire types shared by the adapter and the sandbox. Field names are the
// API's; amounts are integer cents, never floating point.

// Money is Solaris' amount object.
type Money struct {
	Value    int64  `json:"value"`
	Unit     string `json:"unit"`
	Currency string `json:"currency"`
}

// tokenResponse is the OAuth2 client-credentials answer.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"` // seconds
}

// vopRequest is POST /v1/verifications_of_payee.
type vopRequest struct {
	IBAN string `json:"iban"`
	Name string `json:"name"`
}

// vopResponse is a verification of payee.
type vopResponse struct {
	ID        string    `json:"id"`
	IBAN      string    `json:"iban"`
	Name      string    `json:"name"`
	Result    vopResult `json:"result"`
	ExpiresAt string    `json:"expires_at"` // RFC 3339
	UsedFor   string    `json:"used_for,omitempty"`
}

type vopResult struct {
	Status        string `json:"status"`
	SuggestedName string `json:"suggested_name,omitempty"`
}

// Verification of Payee result statuses.
const (
	vopMatch        = "MATCH"
	vopCloseMatch   = "CLOSE_MATCH"
	vopNoMatch      = "NO_MATCH"
	vopNotPossible  = "VERIFICATION_NOT_POSSIBLE"
	vopNotSupported = "VERIFICATION_NOT_SUPPORTED"
)

// transferRequest is POST …/transactions/sepa_credit_transfer.
type transferRequest struct {
	Amount                Money  `json:"amount"`
	RecipientIBAN         string `json:"recipient_iban"`
	RecipientName         string `json:"recipient_name,omitempty"`
	RecipientBIC          string `json:"recipient_bic,omitempty"`
	Reference             string `json:"reference,omitempty"`
	Description           string `json:"description,omitempty"`
	EndToEndID            string `json:"end_to_end_id,omitempty"`
	VerificationOfPayeeID string `json:"verification_of_payee_id,omitempty"`
}

// transfer is a SEPA credit transfer as the API returns it.
type transfer struct {
	ID                    string `json:"id"`
	Reference             string `json:"reference,omitempty"`
	Status                string `json:"status"`
	Amount                Money  `json:"amount"`
	RecipientIBAN         string `json:"recipient_iban"`
	RecipientName         string `json:"recipient_name,omitempty"`
	RecipientBIC          string `json:"recipient_bic,omitempty"`
	Description           string `json:"description,omitempty"`
	EndToEndID            string `json:"end_to_end_id,omitempty"`
	VerificationOfPayeeID string `json:"verification_of_payee_id,omitempty"`
	CreatedAt             string `json:"created_at"`
	DeclineReason         string `json:"decline_reason,omitempty"` // [I]
}

// Transfer statuses [D].
const (
	stCreated               = "created"
	stAuthorizationRequired = "authorization_required"
	stConfirmationRequired  = "confirmation_required"
	stAccepted              = "accepted"
	stDeclined              = "declined"
	stExecuted              = "executed"
	stReviewNeeded          = "review_needed"
	stScheduled             = "scheduled"
	stCanceled              = "canceled"
)

// Decline reasons [I].
const (
	declineInsufficientFunds = "insufficient_funds"
	declineInvalidAccount    = "invalid_account"
	declineNotAllowed        = "not_allowed"
)

// errorBody is Solaris' error envelope.
type errorBody struct {
	Errors []apiError `json:"errors"`
}

type apiError struct {
	ID     string       `json:"id"`
	Status int          `json:"status"`
	Code   string       `json:"code"`
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Source *errorSource `json:"source,omitempty"`
}

type errorSource struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error codes [T], plus the sandbox's VoP refusal [I].
const (
	codeInvalidModel       = "invalid_model"
	codeValidationError    = "validation_error"
	codeInvalidToken       = "invalid_token"
	codeUnauthorized       = "unauthorized"
	codeModelNotFound      = "model_not_found"
	codeInsufficientFunds  = "insufficient_funds"
	codeForbidden          = "forbidden"
	codeVoPNoMatch         = "verification_of_payee_no_match"
	codeVoPInvalid         = "verification_of_payee_invalid"
	fieldRecipientIBAN     = "recipient_iban"
	fieldRecipientBIC      = "recipient_bic"
	fieldVerificationPayee = "verification_of_payee_id"
)
