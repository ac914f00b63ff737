package p100

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch/httpx"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

// SandboxOptions configure the simulator.
type SandboxOptions struct {
	// Name is the ledger's provider name; default "p100".
	Name string
	// APIKey, if set, is the only key accepted; otherwise any non-empty
	// x-api-key is, as the sandbox contract says.
	APIKey string
	// Contacts replaces the seeded users: external user id → contact list.
	Contacts map[string][]Contact
}

// Contact is a seeded contact-list entry.
type Contact struct{ IBAN, Status string }

// SeedContacts are the users every p100 sandbox starts with.
func SeedContacts() map[string][]Contact {
	return map[string][]Contact{
		"u-1001": {
			{"DE89370400440532013000", ContactApproved},
			{"FR1420041010050500013M02606", ContactApproved},
			{"NL91ABNA0417164300", ContactPending},
		},
		"u-1002": {},
	}
}

// Sandbox simulates the p100 Partner API on a simulate.Env. It serves the
// default paths at its root.
type Sandbox struct {
	env  *simulate.Env
	name string
	key  string
	mux  *http.ServeMux

	mu        sync.Mutex
	contacts  map[string][]Contact
	transfers map[string]*sbTransfer
	byUser    map[string][]string // user → transfer ids, oldest first
}

type sbTransfer struct {
	id, user, amount, iban, title string
	minor                         int64
	created                       time.Time
	outcome                       simulate.Outcome
	approved                      bool
	status                        string
}

// NewSandbox returns a p100 simulator.
func NewSandbox(env *simulate.Env, o SandboxOptions) *Sandbox {
	s := &Sandbox{env: env, name: o.Name, key: o.APIKey, contacts: o.Contacts,
		transfers: map[string]*sbTransfer{}, byUser: map[string][]string{}}
	if s.name == "" {
		s.name = "p100"
	}
	if s.contacts == nil {
		s.contacts = SeedContacts()
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST "+DefaultCreatePath, s.create)
	s.mux.HandleFunc("POST "+DefaultLegacyCreatePath, s.create)
	s.mux.HandleFunc("GET /v1/sepa-transfer/details/{id}", s.details)
	s.mux.HandleFunc("GET /v1/user/sepa/contacts/{user}", s.contactList)
	s.mux.HandleFunc("GET /v1/user/sepa/info/{user}", s.info)
	s.mux.HandleFunc("GET /v1/user/transactions/{user}", s.transactions)
	return s
}

func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k := r.Header.Get("x-api-key")
	if k == "" || s.key != "" && k != s.key {
		writeError(w, http.StatusUnauthorized, CodeAccessDenied, "ACCESS_DENIED", "Access Denied")
		return
	}
	s.mux.ServeHTTP(w, r)
}

var amountRE = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,2})?$`)

func (s *Sandbox) create(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, CodeValidation, "INVALID_REQUEST", "request body is not valid JSON")
		return
	}
	s.mu.Lock()
	_, known := s.contacts[req.SourceExternalUserID]
	s.mu.Unlock()
	if req.SourceExternalUserID == "" || !known {
		writeError(w, http.StatusBadRequest, CodeInvalidUser, "INVALID_USER", "sourceExternalUserId does not name a user of this partner")
		return
	}
	var amt batch.Amount
	var err error
	if amountRE.MatchString(req.Amount) {
		amt, err = batch.ParseAmount(req.Amount, "EUR")
	}
	if !amountRE.MatchString(req.Amount) || err != nil || amt.Minor <= 0 {
		writeError(w, http.StatusBadRequest, CodeValidation, "INVALID_AMOUNT", "amount must be a positive decimal string with at most 2 decimals")
		return
	}
	if req.Currency != "eur" {
		writeError(w, http.StatusBadRequest, CodeValidation, "INVALID_CURRENCY", "currency must be eur")
		return
	}
	if !simulate.ValidIBAN(req.DestinationIBAN) {
		writeError(w, http.StatusBadRequest, CodeValidation, NameInvalidIBAN, "destinationIban is not a valid IBAN")
		return
	}
	if n := len([]rune(req.TransferTitle)); n == 0 || n > DefaultMaxTitleLen {
		writeError(w, http.StatusBadRequest, CodeValidation, "INVALID_TRANSFER_TITLE", fmt.Sprintf("transferTitle must have 1 to %d characters", DefaultMaxTitleLen))
		return
	}
	iban := normIBAN(req.DestinationIBAN)
	t := &sbTransfer{
		id: fmt.Sprintf("00000000-0000-4000-8000-%012d", s.env.NextID()), user: req.SourceExternalUserID,
		amount: req.Amount, iban: iban, title: req.TransferTitle, minor: amt.Minor,
		created: s.env.Now(), outcome: simulate.OutcomeFor(amt.Minor), status: StatusCreated,
	}
	s.mu.Lock()
	t.approved = slices.Contains(s.contacts[t.user], Contact{iban, ContactApproved})
	s.transfers[t.id] = t
	s.byUser[t.user] = append(s.byUser[t.user], t.id)
	s.mu.Unlock()
	tt := httpx.ParseTitle(t.title)
	s.env.Ledger.Record(simulate.Entry{
		Provider: s.name, ID: t.id, IBAN: iban, Amount: t.minor, Currency: "EUR",
		EndToEndID: tt.EndToEndID, BatchID: tt.BatchID, Key: tt.Key, Status: StatusCreated, CreatedAt: t.created,
	})
	writeJSON(w, http.StatusOK, createResponse{TransferID: t.id})
}

// evaluate moves a transfer to its final state once the settle delay has
// passed. Business errors surface here, as at p100: create checks format only.
func (s *Sandbox) evaluate(t *sbTransfer) (string, *apiError) {
	if !s.env.Settled(t.created) || t.outcome == simulate.StayPending {
		return StatusCreated, nil
	}
	var e *apiError
	switch {
	case !t.approved || t.outcome == simulate.NotAllowed:
		e = &apiError{CodeNotApproved, "DESTINATION_NOT_APPROVED", "destinationIban is not an APPROVED contact of the user"}
	case t.outcome == simulate.InsufficientFunds:
		e = &apiError{CodeInsufficient, "INSUFFICIENT_FUNDS", "insufficient funds"}
	case t.outcome == simulate.BadAccount:
		e = &apiError{CodeValidation, NameInvalidIBAN, "the destination account does not accept transfers"}
	}
	status := StatusSuccessful
	if e != nil {
		status = StatusFailed
	}
	if t.status != status {
		t.status = status
		s.env.Ledger.SetStatus(s.name, t.id, status)
		s.notify(t)
	}
	return status, e
}

// notify sends p100's webhook for t's new status: the body names the
// transfer [I], the shared secret goes in Authorization [D].
func (s *Sandbox) notify(t *sbTransfer) {
	if !s.env.Webhooks.Enabled() {
		return
	}
	body, _ := json.Marshal(WebhookEvent{Type: WebhookEventType, TransferID: t.id, Status: t.status})
	s.env.Webhooks.Send(s.name, body, func(h http.Header, _ []byte, secret string) {
		h.Set(WebhookAuthHeader, secret)
	})
}

// Sweep settles every transfer that is due, so webhooks go out without
// anyone reading the transfer first.
func (s *Sandbox) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.transfers {
		if t.status == StatusCreated {
			s.evaluate(t)
		}
	}
}

func (s *Sandbox) details(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t, ok := s.transfers[r.PathValue("id")]
	var d transferDetails
	if ok {
		status, e := s.evaluate(t)
		d = transferDetails{ID: t.id, Type: "SEPA_OUT", Amount: t.amount, TransferTitle: t.title,
			DestinationIBAN: t.iban, Status: status, Currency: "eur", Fee: "0.00",
			CreatedAt: t.created.UTC().Format(time.RFC3339), User: detailsUser{ExternalUserID: t.user}, Error: e}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, CodeNotFound, "TRANSFER_NOT_FOUND", "transfer not found")
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Sandbox) contactList(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	cs, ok := s.contacts[r.PathValue("user")]
	out := make([]contact, 0, len(cs))
	for _, c := range cs {
		out = append(out, contact{IBAN: c.IBAN, Status: c.Status})
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, CodeInvalidUser, "INVALID_USER", "user not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Sandbox) info(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("user")
	s.mu.Lock()
	_, ok := s.contacts[user]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, CodeInvalidUser, "INVALID_USER", "user not found")
		return
	}
	writeJSON(w, http.StatusOK, sepaInfo{IBAN: "DE02100100109307118603", Title: "p100 sandbox " + user, Swift: "PBNKDEFFXXX", AccountHolder: "Sandbox User " + user})
}

func (s *Sandbox) transactions(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("user")
	s.mu.Lock()
	_, ok := s.contacts[user]
	ids := s.byUser[user]
	out := make([]transaction, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- { // newest first
		t := s.transfers[ids[i]]
		status, e := s.evaluate(t)
		out = append(out, transaction{ID: t.id, Type: "SEPA_OUT", TransferTitle: t.title, Amount: t.amount,
			Status: status, CreatedAt: t.created.UTC().Format(time.RFC3339), Error: e})
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, CodeInvalidUser, "INVALID_USER", "user not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func normIBAN(s string) string { return strings.ToUpper(strings.ReplaceAll(s, " ", "")) }

func writeError(w http.ResponseWriter, status int, code, name, msg string) {
	writeJSON(w, status, apiError{ErrorCode: code, ErrorName: name, ErrorMessage: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
