package smoney

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

// SandboxOptions configure the simulator; zero values take the defaults.
type SandboxOptions struct {
	// Name is the ledger's provider name; default "smoney".
	Name string
	// Token, if set, is the only bearer token accepted; otherwise any
	// non-empty one is, as the sandbox contract says.
	Token string
}

// IsPayout reports whether r is the request that moves money (the payout
// create), where fault tests inject "commit then drop" and timeouts.
func IsPayout(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/payouts/storedbankaccounts")
}

// Sandbox simulates the S-money API under /api/{partner_domain}: stored bank
// accounts (IBAN/BIC checks, at most 3 new accounts per user in 7 days) and
// payouts to them with the magic-cents outcomes of the sandbox contract.
// Any user id is accepted. New accounts are validated at once (Status 1),
// except that a display name containing "refused" gets Status 3 and one
// containing "awaiting" stays at Status 2, so both adapter paths can be
// exercised. Faults are applied by whoever mounts it.
type Sandbox struct {
	env  *simulate.Env
	opts SandboxOptions
	mux  *http.ServeMux

	mu       sync.Mutex
	accounts map[string][]*bankAccount // user → stored accounts
	added    map[string][]time.Time    // user → registration times
	payouts  map[string]*sbPayout      // user + "/" + orderid
	order    map[string][]string       // user → orderids, oldest first
}

type sbPayout struct {
	p       payout
	created time.Time
	outcome simulate.Outcome
}

// maxNewAccounts is the documented limit of new accounts per user per week.
const (
	maxNewAccounts = 3
	newAccountSpan = 7 * 24 * time.Hour
)

// NewSandbox returns the simulator on env (ledger, clock, settle delay).
func NewSandbox(env *simulate.Env, opts SandboxOptions) *Sandbox {
	if opts.Name == "" {
		opts.Name = "smoney"
	}
	s := &Sandbox{env: env, opts: opts, accounts: map[string][]*bankAccount{}, added: map[string][]time.Time{},
		payouts: map[string]*sbPayout{}, order: map[string][]string{}}
	const base = "/api/{partner}/users/{user}"
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET "+base+"/bankaccounts", s.listAccounts)
	s.mux.HandleFunc("POST "+base+"/bankaccounts", s.addAccount)
	s.mux.HandleFunc("POST "+base+"/payouts/storedbankaccounts", s.create)
	s.mux.HandleFunc("GET "+base+"/payouts/{orderid}", s.get)
	s.mux.HandleFunc("GET "+base+"/payouts", s.list)
	// Unknown endpoints answer in S-money's shape but never with 356, which
	// the adapter takes as proof that a payout does not exist: a wrong path
	// must not look like "not paid".
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, apiError{Code: http.StatusNotFound, Title: "Not found", ErrorMessage: "no such endpoint", Priority: 1})
	})
	return s
}

// ServeHTTP checks the bearer token and the versioned media type first, as
// S-money does, then routes.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" || s.opts.Token != "" && tok != s.opts.Token {
		writeError(w, http.StatusUnauthorized, apiError{Code: codeUnauthorized, Title: "Unauthorized", ErrorMessage: "missing or invalid bearer token", Priority: 1})
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), MediaType) {
		writeError(w, http.StatusNotAcceptable, apiError{Code: 406, Title: "Not Acceptable", ErrorMessage: "Accept must be " + MediaType, Priority: 1})
		return
	}
	if r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), MediaType) {
		writeError(w, http.StatusUnsupportedMediaType, apiError{Code: 415, Title: "Unsupported Media Type", ErrorMessage: "Content-Type must be " + MediaType, Priority: 1})
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Sandbox) listAccounts(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := []bankAccount{}
	for _, a := range s.accounts[r.PathValue("user")] {
		out = append(out, *a)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Sandbox) addAccount(w http.ResponseWriter, r *http.Request) {
	var req bankAccountRequest
	if !decode(w, r, &req) {
		return
	}
	if e, bad := checkAccount(&req); bad {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	user := r.PathValue("user")
	now := s.env.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	recent := 0
	for _, t := range s.added[user] {
		if now.Sub(t) < newAccountSpan {
			recent++
		}
	}
	if recent >= maxNewAccounts {
		writeError(w, http.StatusBadRequest, apiError{Code: codeTooManyAccounts, Title: "Limit reached", ErrorMessage: "at most 3 new bank accounts per user in 7 days", Priority: 1})
		return
	}
	status := accountValidated
	switch dn := strings.ToLower(req.DisplayName); {
	case strings.Contains(dn, "refused"):
		status = accountRefused
	case strings.Contains(dn, "awaiting"):
		status = accountAwaiting
	}
	a := &bankAccount{ID: int64(s.env.NextID()), DisplayName: req.DisplayName, BIC: req.BIC, IBAN: req.IBAN,
		IsMine: false, Status: status, Holder: req.Holder}
	s.accounts[user] = append(s.accounts[user], a)
	s.added[user] = append(s.added[user], now)
	writeJSON(w, http.StatusCreated, *a)
}

// checkAccount validates a bank account as S-money would.
func checkAccount(req *bankAccountRequest) (apiError, bool) {
	bad := func(code int, msg string) (apiError, bool) {
		return apiError{Code: code, Title: "Invalid bank account", ErrorMessage: msg, Priority: 1}, true
	}
	switch {
	case req.DisplayName == "" || req.IBAN == "" || req.Holder.LastName == "":
		return apiError{Code: codeMissingParameter, Title: "Missing parameter", ErrorMessage: "displayname, iban and Holder.LastName are required", Priority: 1}, true
	case !simulate.ValidIBAN(req.IBAN) || strings.ContainsRune(req.IBAN, ' '):
		return bad(codeIBANInvalid, "iban is invalid")
	case req.BIC != "" && batch.ValidateBIC(req.BIC) != nil:
		return bad(codeBICInvalid, "bic is invalid")
	case req.BIC != "" && !batch.BICMatchesIBANCountry(req.BIC, req.IBAN):
		return bad(codeBICMismatch, "bic does not match the iban's country")
	}
	return apiError{}, false
}

func (s *Sandbox) create(w http.ResponseWriter, r *http.Request) {
	var req payoutRequest
	if !decode(w, r, &req) {
		return
	}
	missing := func(msg string) {
		writeError(w, http.StatusBadRequest, apiError{Code: codeMissingParameter, Title: "Missing parameter", ErrorMessage: msg, Priority: 1})
	}
	switch {
	case req.OrderID == "" || len(req.OrderID) > maxOrderID:
		missing("orderid is required, at most 255 characters")
		return
	case req.Amount <= 0:
		missing("amount must be a positive number of cents")
		return
	case req.BankAccount.ID == 0:
		missing("bankaccount.id is required")
		return
	case utf8.RuneCountInString(req.Motif) > maxMotif || len(req.Reference) > maxReference:
		missing("motif and reference are at most 35 characters")
		return
	}
	user := r.PathValue("user")
	now := s.env.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.payouts[user+"/"+req.OrderID]; dup {
		writeError(w, http.StatusBadRequest, apiError{Code: codeDuplicateOrder, Title: "Duplicate", ErrorMessage: "a payout with this orderid already exists", Priority: 1})
		return
	}
	var acct *bankAccount
	for _, a := range s.accounts[user] {
		if a.ID == req.BankAccount.ID {
			acct = a
		}
	}
	if acct == nil {
		writeError(w, http.StatusBadRequest, apiError{Code: codeBankAccountNotFound, Title: "Bank account not found", ErrorMessage: "no stored bank account with this id", Priority: 1})
		return
	}
	outcome := simulate.OutcomeFor(req.Amount)
	switch outcome {
	case simulate.InsufficientFunds:
		writeError(w, http.StatusBadRequest, apiError{Code: codeInsufficientBalance, Title: "Insufficient balance", ErrorMessage: "the account balance is too low", Priority: 1})
		return
	case simulate.BadAccount:
		writeError(w, http.StatusBadRequest, apiError{Code: codeAccountIncorrect, Title: "Account incorrect", ErrorMessage: "the beneficiary account is incorrect", Priority: 1})
		return
	case simulate.NotAllowed:
		writeError(w, http.StatusBadRequest, apiError{Code: codeNotAllowed, Title: "Not allowed", ErrorMessage: "the operation is not allowed for this user", Priority: 1})
		return
	}
	p := &sbPayout{created: now, outcome: outcome, p: payout{
		OrderID: req.OrderID, ID: int64(s.env.NextID()), BankAccount: *acct, Amount: req.Amount,
		Fee:           payoutFee{AmountWithVAT: req.Fee.AmountWithVAT, VAT: req.Fee.VAT, Status: feePending},
		OperationDate: now.UTC().Format(time.RFC3339), Message: req.Message, Reference: req.Reference, Motif: req.Motif,
	}}
	if req.AccountID != nil {
		p.p.AccountID = &payoutAccount{AppAccountID: req.AccountID.AppAccountID}
	}
	s.payouts[user+"/"+req.OrderID] = p
	s.order[user] = append(s.order[user], req.OrderID)
	s.env.Ledger.Record(simulate.Entry{Provider: s.opts.Name, ID: strconv.FormatInt(p.p.ID, 10), IBAN: acct.IBAN,
		Amount: req.Amount, Currency: "EUR", EndToEndID: req.Reference, BatchID: batchFromMessage(req.Message),
		Key: req.OrderID, Status: "created", CreatedAt: now})
	writeJSON(w, http.StatusCreated, s.advance(p))
}

// advance sets ExecutedDate once the settle delay has passed (never for
// .54) and returns a copy. Called with s.mu held.
func (s *Sandbox) advance(p *sbPayout) payout {
	if p.p.ExecutedDate == nil && p.outcome != simulate.StayPending && s.env.Settled(p.created) {
		d := p.created.Add(s.env.SettleDelay).UTC().Format(time.RFC3339)
		p.p.ExecutedDate = &d
		p.p.Fee.Status = feeSucceeded
		s.env.Ledger.SetStatus(s.opts.Name, strconv.FormatInt(p.p.ID, 10), "executed")
		s.notify(p)
	}
	return p.p
}

// notify sends the payout as webhook body, signed as paybatch chose for
// S-money [I] (see webhook.go).
func (s *Sandbox) notify(p *sbPayout) {
	if !s.env.Webhooks.Enabled() {
		return
	}
	body, _ := json.Marshal(p.p)
	s.env.Webhooks.Send(s.opts.Name, body, func(h http.Header, body []byte, secret string) {
		h.Set(WebhookSignatureHeader, SignWebhook([]byte(secret), body))
	})
}

// Sweep settles every payout that is due, so webhooks go out without
// anyone reading the payout first.
func (s *Sandbox) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.payouts {
		s.advance(p)
	}
}

func (s *Sandbox) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.payouts[r.PathValue("user")+"/"+r.PathValue("orderid")]
	var out payout
	if ok {
		out = s.advance(p)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, apiError{Code: codeNotFound, Title: "Not found", ErrorMessage: "no payout with this orderid", Priority: 1})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// list pages through a user's payouts, oldest first (page from 1).
func (s *Sandbox) list(w http.ResponseWriter, r *http.Request) {
	page, err1 := pageParam(r.URL.Query().Get("page"), 1)
	per, err2 := pageParam(r.URL.Query().Get("perpage"), 50)
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusBadRequest, apiError{Code: codeMissingParameter, Title: "Invalid parameter", ErrorMessage: "page and perpage must be positive integers", Priority: 1})
		return
	}
	user := r.PathValue("user")
	s.mu.Lock()
	ids := s.order[user]
	out := []payout{}
	for i := (page - 1) * per; i < len(ids) && i < page*per; i++ {
		out = append(out, s.advance(s.payouts[user+"/"+ids[i]]))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func pageParam(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("bad page parameter %q", v)
	}
	return n, nil
}

// batchFromMessage recovers the batch id the adapter appends to the message.
func batchFromMessage(m string) string {
	if i := strings.LastIndex(m, "batch "); i >= 0 && (i == 0 || strings.HasSuffix(m[:i], " / ")) {
		return m[i+len("batch "):]
	}
	return ""
}

// decode reads a JSON body strictly: unknown fields are refused, so a
// misspelt field in the adapter fails in tests instead of being ignored.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, apiError{Code: codeMissingParameter, Title: "Invalid request", ErrorMessage: "request body is not valid JSON for this endpoint", Priority: 1})
		return false
	}
	return true
}

func writeError(w http.ResponseWriter, status int, e apiError) { writeJSON(w, status, e) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
