package smoney

// Wire types shared by the adapter and the sandbox. Request field names are
// lower case as documented, responses PascalCase; amounts are long cents.

// MediaType is S-money's versioned JSON media type, sent as Accept and as
// Content-Type with a body.
const MediaType = "application/vnd.s-money.v1+json"

type holder struct {
	FirstName string `json:"FirstName,omitempty"`
	LastName  string `json:"LastName"`
}

// bankAccountRequest is POST /users/{appuserid}/bankaccounts.
type bankAccountRequest struct {
	DisplayName string `json:"displayname"`
	BIC         string `json:"bic,omitempty"`
	IBAN        string `json:"iban"`
	Holder      holder `json:"Holder"`
}

// bankAccount is a stored bank account.
type bankAccount struct {
	ID          int64  `json:"Id"`
	DisplayName string `json:"DisplayName"`
	BIC         string `json:"Bic"`
	IBAN        string `json:"Iban"`
	IsMine      bool   `json:"IsMine"`
	Status      int    `json:"Status"`
	Holder      holder `json:"Holder"`
}

// Stored bank account statuses [D].
const (
	accountValidated = 1
	accountAwaiting  = 2
	accountRefused   = 3
)

type idRef struct {
	ID int64 `json:"id"`
}

type fee struct {
	AmountWithVAT int64 `json:"amountWithVAT"`
	VAT           int64 `json:"VAT"`
}

type accountRef struct {
	AppAccountID string `json:"appaccountid"`
}

// payoutRequest is POST /users/{appuserid}/payouts/storedbankaccounts.
type payoutRequest struct {
	OrderID     string      `json:"orderid"`
	Amount      int64       `json:"amount"`
	BankAccount idRef       `json:"bankaccount"`
	Fee         fee         `json:"fee"`
	AccountID   *accountRef `json:"accountid,omitempty"`
	Message     string      `json:"message,omitempty"`
	Reference   string      `json:"reference,omitempty"`
	Motif       string      `json:"motif,omitempty"`
}

// payout is the Payout object.
type payout struct {
	OrderID       string         `json:"OrderId"`
	ID            int64          `json:"Id"`
	AccountID     *payoutAccount `json:"AccountId,omitempty"`
	BankAccount   bankAccount    `json:"BankAccount"`
	Amount        int64          `json:"Amount"`
	Fee           payoutFee      `json:"Fee"`
	OperationDate string         `json:"OperationDate"`
	Message       string         `json:"Message,omitempty"`
	Reference     string         `json:"Reference,omitempty"`
	Motif         string         `json:"Motif,omitempty"`
	ExecutedDate  *string        `json:"ExecutedDate"`
}

type payoutAccount struct {
	AppAccountID string `json:"AppAccountId"`
}

type payoutFee struct {
	AmountWithVAT int64 `json:"AmountWithVAT"`
	VAT           int64 `json:"VAT"`
	Status        int   `json:"Status"`
}

// Fee.Status values [D].
const (
	feePending   = 0
	feeSucceeded = 1
	feeCancelled = 2
	feeFailed    = 3
	feeExpired   = 4
	feeRefunded  = 5
)

// apiError is S-money's error body.
type apiError struct {
	Code         int    `json:"Code"`
	ErrorMessage string `json:"ErrorMessage"`
	Title        string `json:"Title"`
	Priority     int    `json:"Priority"`
}

// Error codes [D], plus what the sandbox needs and the dossier does not
// name [I].
const (
	codeInsufficientBalance = 110
	codeAccountIncorrect    = 111
	codeBankAccountNotFound = 302
	codeNotFound            = 356
	codeNotAllowed          = 362
	codeKYCLimit1           = 702
	codeKYCLimit2           = 703
	codeMissingParameter    = 704
	codeIBANInvalid         = 179
	codeIBANChecksum        = 180
	codeBICInvalid          = 182 // [I]
	codeBICUnknown          = 183 // [I]
	codeBICMismatch         = 1058
	codeTooManyAccounts     = 551
	codeDuplicateOrder      = 1005 // [I]
	codeUnauthorized        = 401  // [I] with HTTP 401
)
