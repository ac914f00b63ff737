package solaris

import (
	"crypto/rand"
	"encoding/hex"
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

// Sandbox simulates the Solaris API (paths without the /solaris prefix):
// OAuth2 tokens, Verification of Payee and SEPA credit transfers on billing
// and person accounts, with the magic-cents outcomes of the sandbox contract.
// Faults are applied by whoever mounts it (simulate.Faults.Wrap), as for
// every simulator.
type Sandbox struct {
	env  *simulate.Env
	opts SandboxOptions
	mux  *http.ServeMux

	mu        sync.Mutex
	tokens    map[string]time.Time // token → expiry
	issued    int
	vops      map[string]*vopResponse
	vopExp    map[string]time.Time
	transfers map[string]*sbTransfer
	order     []string
	byRef     map[string]string // account + "/" + reference → id
}

type sbTransfer struct {
	t       transfer
	account string
	created time.Time
	outcome simulate.Outcome
	booked  bool // recorded in the ledger
}

// SandboxOptions configure the simulator; zero values take the defaults.
type SandboxOptions struct {
	// Name is the ledger's provider name; default "solaris".
	Name string
	// TokenLifetime is the lifetime of issued tokens; default 1 h, as
	// documented. Tests shorten it to prove the adapter refreshes.
	TokenLifetime time.Duration
	// VoPLifetime is how long a verification of payee can be used; default
	// 5 minutes ("expires after minutes").
	VoPLifetime time.Duration
}

// IsPayout reports whether r is the request that moves money (the transfer
// create), where fault tests inject "commit then drop" and timeouts.
func IsPayout(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/transactions/sepa_credit_transfer")
}

// NewSandbox returns the simulator on env (ledger, clock, settle delay).
func NewSandbox(env *simulate.Env, opts SandboxOptions) *Sandbox {
	if opts.Name == "" {
		opts.Name = "solaris"
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	}
	if opts.VoPLifetime <= 0 {
		opts.VoPLifetime = 5 * time.Minute
	}
	s := &Sandbox{
		env: env, opts: opts,
		tokens: map[string]time.Time{}, vops: map[string]*vopResponse{}, vopExp: map[string]time.Time{},
		transfers: map[string]*sbTransfer{}, byRef: map[string]string{},
	}
	api := http.NewServeMux()
	for _, base := range []string{"/v1/accounts/{account}", "/v1/persons/{person}/accounts/{account}"} {
		api.HandleFunc("POST "+base+"/transactions/sepa_credit_transfer", s.create)
		api.HandleFunc("GET "+base+"/transactions/sepa_credit_transfer", s.list)
		api.HandleFunc("GET "+base+"/transactions/sepa_credit_transfer/{id}", s.get)
	}
	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, codeModelNotFound, "Not Found", "no such endpoint", "")
	}
	api.HandleFunc("/", notFound) // Solaris' error shape, not the mux's text
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /oauth2/token", s.token)
	s.mux.Handle("POST /v1/verifications_of_payee", s.authed(http.HandlerFunc(s.verify)))
	s.mux.Handle("/v1/", s.authed(api))
	s.mux.HandleFunc("/", notFound)
	return s
}

func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// TokensIssued counts the tokens handed out, for refresh tests.
func (s *Sandbox) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// RevokeTokens invalidates every issued token, as a key rotation would.
func (s *Sandbox) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

func (s *Sandbox) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id == "" || secret == "" {
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "Unauthorized", "client credentials missing or invalid", "")
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeError(w, http.StatusBadRequest, "invalid_grant", "Bad Request", "grant_type must be client_credentials", "grant_type")
		return
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	s.mu.Lock()
	s.tokens[tok] = s.env.Now().Add(s.opts.TokenLifetime)
	s.issued++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "bearer", ExpiresIn: int64(s.opts.TokenLifetime / time.Second)})
}

// authed refuses requests without a live bearer token, as Solaris does.
func (s *Sandbox) authed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		live := ok && known && s.env.Now().Before(exp)
		s.mu.Unlock()
		if !live {
			writeError(w, http.StatusUnauthorized, codeInvalidToken, "Invalid Token", "the access token is missing, invalid or expired", "")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// verify is Verification of Payee. It sees only iban and name, so outcomes
// are chosen by the name (see the package doc); the .55 amount case is
// decided at create.
func (s *Sandbox) verify(w http.ResponseWriter, r *http.Request) {
	var req vopRequest
	if !decode(w, r, &req) {
		return
	}
	switch {
	case !simulate.ValidIBAN(req.IBAN):
		writeError(w, http.StatusBadRequest, codeValidationError, "Validation Error", "iban is invalid", "iban")
		return
	case strings.TrimSpace(req.Name) == "":
		writeError(w, http.StatusBadRequest, codeValidationError, "Validation Error", "name is required", "name")
		return
	}
	status := vopMatch
	switch n := strings.ToLower(strings.ReplaceAll(req.Name, " ", "")); {
	case strings.Contains(n, "nomatch"), strings.Contains(n, "mismatch"):
		status = vopNoMatch
	case strings.Contains(n, "closematch"):
		status = vopCloseMatch
	case strings.Contains(n, "notpossible"):
		status = vopNotPossible
	}
	now := s.env.Now()
	v := &vopResponse{ID: fmt.Sprintf("vop-%d", s.env.NextID()), IBAN: req.IBAN, Name: req.Name,
		Result: vopResult{Status: status}, ExpiresAt: now.Add(s.opts.VoPLifetime).UTC().Format(time.RFC3339)}
	s.mu.Lock()
	s.vops[v.ID] = v
	s.vopExp[v.ID] = now.Add(s.opts.VoPLifetime)
	out := *v
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Sandbox) create(w http.ResponseWriter, r *http.Request) {
	var req transferRequest
	if !decode(w, r, &req) {
		return
	}
	person := r.PathValue("person") != ""
	if field, msg := checkTransfer(&req, person); field != "" {
		writeError(w, http.StatusBadRequest, codeInvalidModel, "Invalid Model", msg, field)
		return
	}
	account := r.PathValue("account")
	now := s.env.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.Reference != "" {
		if id, ok := s.byRef[account+"/"+req.Reference]; ok {
			// Idempotent replay: the existing transfer, nothing new.
			t := s.advance(s.transfers[id])
			writeJSON(w, http.StatusOK, t)
			return
		}
	}
	var vop *vopResponse
	if req.VerificationOfPayeeID != "" {
		vop = s.vops[req.VerificationOfPayeeID]
		if vop == nil || vop.UsedFor != "" || !now.Before(s.vopExp[vop.ID]) || vop.IBAN != req.RecipientIBAN {
			writeError(w, http.StatusUnprocessableEntity, codeVoPInvalid, "Unprocessable Entity", "verification of payee is unknown, used, expired or for another IBAN", fieldVerificationPayee)
			return
		}
	}
	outcome := simulate.OutcomeFor(req.Amount.Value)
	switch {
	case outcome == simulate.PayeeNoMatch || vop != nil && vop.Result.Status == vopNoMatch:
		if vop != nil {
			vop.Result.Status = vopNoMatch
			vop.UsedFor = "refused"
		}
		writeError(w, http.StatusUnprocessableEntity, codeVoPNoMatch, "Unprocessable Entity", "Verification of Payee: the name does not match the account", fieldVerificationPayee)
		return
	case outcome == simulate.BadAccount:
		writeError(w, http.StatusBadRequest, codeInvalidModel, "Invalid Model", "recipient_iban is not a reachable account", fieldRecipientIBAN)
		return
	}
	t := &sbTransfer{account: account, created: now, outcome: outcome, t: transfer{
		ID: fmt.Sprintf("sct-%d", s.env.NextID()), Reference: req.Reference, Status: stAccepted,
		Amount: req.Amount, RecipientIBAN: req.RecipientIBAN, RecipientName: req.RecipientName,
		RecipientBIC: req.RecipientBIC, Description: req.Description, EndToEndID: req.EndToEndID,
		VerificationOfPayeeID: req.VerificationOfPayeeID, CreatedAt: now.UTC().Format(time.RFC3339Nano),
	}}
	if vop != nil {
		vop.UsedFor = t.t.ID
	}
	if req.Reference != "" {
		s.byRef[account+"/"+req.Reference] = t.t.ID
	}
	s.transfers[t.t.ID] = t
	s.order = append(s.order, t.t.ID)
	// Transfers that will be declined never move money: only the others
	// are booked.
	if outcome == simulate.Succeed || outcome == simulate.StayPending {
		t.booked = true
		s.env.Ledger.Record(simulate.Entry{Provider: s.opts.Name, ID: t.t.ID, IBAN: req.RecipientIBAN,
			Amount: req.Amount.Value, Currency: req.Amount.Currency, EndToEndID: req.EndToEndID,
			BatchID: batchFromDescription(req.Description), Key: req.Reference, Status: stAccepted, CreatedAt: now})
	}
	writeJSON(w, http.StatusCreated, s.advance(t))
}

// checkTransfer validates a create body; it returns the offending field.
func checkTransfer(req *transferRequest, person bool) (field, msg string) {
	switch {
	case req.RecipientIBAN == "":
		return fieldRecipientIBAN, "recipient_iban is required"
	case !simulate.ValidIBAN(req.RecipientIBAN):
		return fieldRecipientIBAN, "recipient_iban is invalid"
	case req.RecipientBIC != "" && batch.ValidateBIC(req.RecipientBIC) != nil:
		return fieldRecipientBIC, "recipient_bic is invalid"
	case req.Amount.Value <= 0:
		return "amount", "amount.value must be a positive integer"
	case req.Amount.Unit != "cents":
		return "amount", `amount.unit must be "cents"`
	case req.Amount.Currency != "EUR":
		return "amount", "amount.currency must be EUR"
	case person && req.RecipientName == "":
		return "recipient_name", "recipient_name is required"
	case person && req.Reference == "":
		return "reference", "reference is required"
	case req.Reference != "" && !isUUID(req.Reference):
		return "reference", "reference must be a UUID"
	case utf8.RuneCountInString(req.Description) > maxDescription:
		return "description", "description is longer than 140 characters"
	case len(req.EndToEndID) > maxEndToEndID:
		return "end_to_end_id", "end_to_end_id is longer than 35 characters"
	}
	return "", ""
}

// advance moves a transfer on once the settle delay has passed and returns
// a copy of its state. Called with s.mu held.
func (s *Sandbox) advance(t *sbTransfer) transfer {
	if t.t.Status == stAccepted && s.env.Settled(t.created) {
		switch t.outcome {
		case simulate.Succeed:
			t.t.Status = stExecuted
		case simulate.InsufficientFunds:
			t.t.Status, t.t.DeclineReason = stDeclined, declineInsufficientFunds
		case simulate.NotAllowed:
			t.t.Status, t.t.DeclineReason = stDeclined, declineNotAllowed
		}
		if t.booked {
			s.env.Ledger.SetStatus(s.opts.Name, t.t.ID, t.t.Status)
		}
		if t.t.Status != stAccepted {
			s.notify(t)
		}
	}
	return t.t
}

// notify sends Solaris' webhook for a settled transfer: DECLINED or
// BOOKING [D], the transfer as body [I], signed with HMAC-SHA256 [D].
func (s *Sandbox) notify(t *sbTransfer) {
	if !s.env.Webhooks.Enabled() {
		return
	}
	event := EventBooking
	if t.t.Status == stDeclined {
		event = EventSCTDeclined
	}
	body, _ := json.Marshal(t.t)
	s.env.Webhooks.Send(s.opts.Name, body, func(h http.Header, body []byte, secret string) {
		h.Set(WebhookEventHeader, event)
		h.Set(SignatureHeader, Sign([]byte(secret), body))
	})
}

// Sweep settles every transfer that is due, so webhooks go out without
// anyone reading the transfer first.
func (s *Sandbox) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.transfers {
		s.advance(t)
	}
}

func (s *Sandbox) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t, ok := s.transfers[r.PathValue("id")]
	var out transfer
	if ok && t.account == r.PathValue("account") {
		out = s.advance(t)
	}
	s.mu.Unlock()
	if !ok || out.ID == "" {
		writeError(w, http.StatusNotFound, codeModelNotFound, "Model Not Found", "no sepa_credit_transfer with this id", "id")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// list pages through an account's transfers, oldest first, with
// filter[status] [D] and filter[reference] [I].
func (s *Sandbox) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	number, err1 := pageParam(q.Get("page[number]"), 1)
	size, err2 := pageParam(q.Get("page[size]"), 10)
	if err1 != nil || err2 != nil || size > 1000 {
		writeError(w, http.StatusBadRequest, codeInvalidModel, "Invalid Model", "page[number] and page[size] must be positive integers, size at most 1000", "page")
		return
	}
	status, ref := q.Get("filter[status]"), q.Get("filter[reference]")
	account := r.PathValue("account")
	s.mu.Lock()
	var match []transfer
	for _, id := range s.order {
		t := s.transfers[id]
		if t.account != account {
			continue
		}
		cur := s.advance(t)
		if (status == "" || cur.Status == status) && (ref == "" || cur.Reference == ref) {
			match = append(match, cur)
		}
	}
	s.mu.Unlock()
	out := []transfer{}
	if from := (number - 1) * size; from < len(match) {
		out = match[from:min(from+size, len(match))]
	}
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

// batchFromDescription recovers the batch id the adapter appends to the
// description ("… / batch ID" or "batch ID"), for the ledger.
func batchFromDescription(d string) string {
	if i := strings.LastIndex(d, "batch "); i >= 0 && (i == 0 || strings.HasSuffix(d[:i], " / ")) {
		return d[i+len("batch "):]
	}
	return ""
}

// decode reads a JSON body strictly: unknown fields are refused, so a
// misspelt field in the adapter fails in tests instead of being ignored.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidModel, "Invalid Model", "request body is not valid JSON for this endpoint", "")
		return false
	}
	return true
}

func writeError(w http.ResponseWriter, status int, code, title, detail, field string) {
	e := apiError{ID: "err-" + code, Status: status, Code: code, Title: title, Detail: detail}
	if field != "" {
		e.Source = &errorSource{Field: field, Message: detail}
	}
	writeJSON(w, status, errorBody{Errors: []apiError{e}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
