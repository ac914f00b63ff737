package p100

// Wire types shared by the client and the sandbox. Field names are the
// provider's; [I] marks shapes PROVIDERS.md infers rather than documents.

// Default paths. Contacts, info and transactions were not retrieved from
// the provider's documentation [I], so every path is a Config value.
const (
	DefaultCreatePath       = "/v1/partner/sepa-transfer"
	DefaultLegacyCreatePath = "/v1/sepa-transfer"
	DefaultDetailsPath      = "/v1/sepa-transfer/details/{transferId}"
	DefaultContactsPath     = "/v1/user/sepa/contacts/{externalUserId}"
	DefaultInfoPath         = "/v1/user/sepa/info/{externalUserId}"
	DefaultTransactionsPath = "/v1/user/transactions/{externalUserId}"

	// DefaultMaxTitleLen bounds transferTitle [I]: the SEPA remittance limit.
	DefaultMaxTitleLen = 140
)

// Transfer statuses. Only SUCCESSFUL and FAILED are documented as final;
// the sandbox uses CREATED for everything before.
const (
	StatusCreated    = "CREATED"
	StatusSuccessful = "SUCCESSFUL"
	StatusFailed     = "FAILED"
)

// Contact statuses.
const (
	ContactApproved = "APPROVED"
	ContactPending  = "PENDING"
	ContactRejected = "REJECTED"
)

// Error codes [D] and names. P401, P434 and the error names are the
// sandbox's [I]: the documentation gives codes without names.
const (
	CodeAccessDenied   = "P401" // [I] HTTP 401 "Access Denied"
	CodeValidation     = "P403"
	CodeInvalidUser    = "P412"
	CodePartnerMissing = "P418"
	CodeNotFound       = "P428"
	CodeInsufficient   = "P433"
	CodeNotApproved    = "P434" // [I] destination not an APPROVED contact
	CodeUnknown        = "P500" // sent as HTTP 400, outcome unknown
	CodeUnavailable    = "P501" // sent as HTTP 400, outcome unknown

	NameInvalidIBAN = "INVALID_DESTINATION_IBAN" // a P403 about the IBAN: AC01
)

type createRequest struct {
	SourceExternalUserID string `json:"sourceExternalUserId"`
	Amount               string `json:"amount"`   // decimal string, EUR
	Currency             string `json:"currency"` // "eur"
	DestinationIBAN      string `json:"destinationIban"`
	TransferTitle        string `json:"transferTitle"`
}

type createResponse struct {
	TransferID string `json:"transferId"`
}

type apiError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorName    string `json:"errorName"`
	ErrorMessage string `json:"errorMessage"`
}

type detailsUser struct {
	ExternalUserID string `json:"externalUserId"`
}

type transferDetails struct {
	ID              string      `json:"id"`
	Type            string      `json:"type"`
	Amount          string      `json:"amount"`
	TransferTitle   string      `json:"transferTitle"`
	DestinationIBAN string      `json:"destinationIban"`
	Status          string      `json:"status"`
	Currency        string      `json:"currency"`
	Fee             string      `json:"fee"`
	CreatedAt       string      `json:"createdAt"`
	User            detailsUser `json:"user"`
	Error           *apiError   `json:"error,omitempty"`
}

// contact is one entry of a user's SEPA contact list [I].
type contact struct {
	IBAN   string `json:"iban"`
	Status string `json:"status"`
}

// sepaInfo is a user's own SEPA account [I].
type sepaInfo struct {
	IBAN          string `json:"iban"`
	Title         string `json:"title"`
	Swift         string `json:"swift"`
	AccountHolder string `json:"accountHolder"`
}

// transaction is one entry of a user's transaction history [I].
type transaction struct {
	ID            string    `json:"id"`
	Type          string    `json:"type"`
	TransferTitle string    `json:"transferTitle"`
	Amount        string    `json:"amount"`
	Status        string    `json:"status"`
	CreatedAt     string    `json:"createdAt"`
	Error         *apiError `json:"error,omitempty"`
}
