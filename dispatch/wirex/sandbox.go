package wirex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch/httpx"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

// SandboxOptions configure the simulator; zero values are the defaults.
type SandboxOptions struct {
	Name          string        // ledger provider name; default "wirex"
	TokenLifetime time.Duration // default 48h, as documented
	EstimateTTL   time.Duration // how long an estimation can be executed; default 2m [I]
	// Capabilities of the sandbox user; nil means both SEPA-out kinds.
	Capabilities []string
}

// SandboxToken is the token the simulator quotes in its estimations.
const (
	SandboxTokenAddress = "0x00000000000000000000000000000000000e0e0e"
	SandboxTokenSymbol  = "EURe"
)

// Sandbox simulates Wirex BaaS on a simulate.Env, serving the default paths
// at its root.
type Sandbox struct {
	env  *simulate.Env
	opts SandboxOptions
	mux  *http.ServeMux

	mu          sync.Mutex
	tokens      map[string]time.Time // access token → expiry
	estimations map[string]*sbEstimation
	activities  []*sbActivity // oldest first
}

type sbEstimation struct {
	id        string
	expiresAt time.Time
	req       estimateRequest
	minor     int64
	executed  bool
}

type sbActivity struct {
	id      string
	est     *sbEstimation
	created time.Time
	outcome simulate.Outcome
	status  string
}

// NewSandbox returns a Wirex simulator.
func NewSandbox(env *simulate.Env, o SandboxOptions) *Sandbox {
	if o.Name == "" {
		o.Name = "wirex"
	}
	if o.TokenLifetime == 0 {
		o.TokenLifetime = 48 * time.Hour
	}
	if o.EstimateTTL == 0 {
		o.EstimateTTL = 2 * time.Minute
	}
	if o.Capabilities == nil {
		o.Capabilities = []string{CapabilityFirstParty, CapabilityThirdParty}
	}
	s := &Sandbox{env: env, opts: o, tokens: map[string]time.Time{}, estimations: map[string]*sbEstimation{}}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST "+DefaultTokenPath, s.token)
	s.mux.Handle("GET "+DefaultUserPath, s.auth(s.user))
	s.mux.Handle("POST "+DefaultEstimatePath, s.auth(s.estimate))
	s.mux.Handle("POST "+DefaultTransferPath, s.auth(s.execute))
	s.mux.Handle("GET "+DefaultFeedPath, s.auth(s.feed))
	return s
}

func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Sandbox) token(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if !decode(w, r, &req) {
		return
	}
	if req.GrantType != "client_credentials" {
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "grant_type must be client_credentials", "grant_type")
		return
	}
	if req.ClientID == "" || req.ClientSecret == "" {
		writeError(w, http.StatusUnauthorized, ErrorUnauthorized, "invalid client credentials", "")
		return
	}
	tok := fmt.Sprintf("sbx-token-%d", s.env.NextID())
	exp := s.env.Now().Add(s.opts.TokenLifetime)
	s.mu.Lock()
	s.tokens[tok] = exp
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresAt: flexTime{exp}})
}

// auth checks the bearer token and the headers every call carries.
func (s *Sandbox) auth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		s.mu.Unlock()
		if !ok || !known || !s.env.Now().Before(exp) {
			writeError(w, http.StatusUnauthorized, ErrorUnauthorized, "access token missing, unknown or expired", "Authorization")
			return
		}
		for _, h := range []string{"X-Chain-Id", "X-User-Address"} {
			if r.Header.Get(h) == "" {
				writeError(w, http.StatusBadRequest, ErrorMissingField, h+" header is required", h)
				return
			}
		}
		next(w, r)
	})
}

func (s *Sandbox) user(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userResponse{ID: "sbx-user-1", UserAddress: r.Header.Get("X-User-Address"), Capabilities: s.opts.Capabilities})
}

var (
	amountRE = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,2})?$`)
	bicRE    = regexp.MustCompile(`^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
)

// amount reads a JSON number exactly: a quoted string or a float literal
// with more than two decimals is refused, as the provider's validation would.
func amount(raw json.Number) (int64, bool) {
	if !amountRE.MatchString(string(raw)) {
		return 0, false
	}
	a, err := batch.ParseAmount(string(raw), "EUR")
	return a.Minor, err == nil && a.Minor > 0
}

func (s *Sandbox) estimate(w http.ResponseWriter, r *http.Request) {
	var req estimateRequest
	if !decode(w, r, &req) {
		return
	}
	minor, ok := amount(req.Amount)
	switch {
	case req.AccountID == "":
		writeError(w, http.StatusBadRequest, ErrorMissingField, "account_id is required", "account_id")
	case !ok:
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "amount must be a positive number with at most 2 decimals", "amount")
	case req.Recipient.CompanyName == "" && (req.Recipient.FirstName == "" || req.Recipient.LastName == ""):
		writeError(w, http.StatusBadRequest, ErrorMissingField, "recipient needs first_name and last_name, or company_name", "recipient")
	case req.RecipientAccount.BIC == "":
		writeError(w, http.StatusBadRequest, ErrorMissingField, "recipient_account.bic is required", "recipient_account.bic")
	case !bicRE.MatchString(req.RecipientAccount.BIC):
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "recipient_account.bic is not a BIC", "recipient_account.bic")
	case !simulate.ValidIBAN(req.RecipientAccount.IBAN) || simulate.OutcomeFor(minor) == simulate.BadAccount:
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "recipient_account.iban is not a valid account", "recipient_account.iban")
	case req.Reference == "" || len([]rune(req.Reference)) > MaxReference:
		writeError(w, http.StatusBadRequest, ErrorInvalidField, fmt.Sprintf("reference must have 1 to %d characters", MaxReference), "reference")
	case !slices.Contains(s.opts.Capabilities, CapabilityThirdParty) || simulate.OutcomeFor(minor) == simulate.NotAllowed:
		writeError(w, http.StatusBadRequest, ErrorNotSupported, "third-party SEPA payouts are not enabled for this user", CapabilityThirdParty)
	default:
		e := &sbEstimation{id: fmt.Sprintf("est-%06d", s.env.NextID()), expiresAt: s.env.Now().Add(s.opts.EstimateTTL), req: req, minor: minor}
		s.mu.Lock()
		s.estimations[e.id] = e
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, estimateResponse{
			ID: e.id, ExpiresAt: flexTime{e.expiresAt}, Amount: req.Amount, Currency: "EUR",
			EstimatedAmounts: []estimatedAmount{{Amount: req.Amount, PreciseAmount: string(req.Amount),
				TokenAddress: SandboxTokenAddress, TokenSymbol: SandboxTokenSymbol, Rate: "1"}},
		})
	}
}

func (s *Sandbox) execute(w http.ResponseWriter, r *http.Request) {
	var req transferRequest
	if !decode(w, r, &req) {
		return
	}
	if req.EstimationID == "" {
		writeError(w, http.StatusBadRequest, ErrorMissingField, "estimation_id is required by the sandbox", "estimation_id")
		return
	}
	if req.Amount != "" {
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "send estimation_id or amount, not both", "amount")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.estimations[req.EstimationID]
	switch {
	case !ok:
		writeError(w, http.StatusNotFound, ErrorNotFound, "estimation not found", "estimation_id")
	case e.executed:
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "estimation already executed", "estimation_id")
	case !s.env.Now().Before(e.expiresAt):
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "estimation expired", "estimation_id")
	case req.TokenAddress != SandboxTokenAddress:
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "token_address was not estimated", "token_address")
	case req.AccountID != e.req.AccountID || req.RecipientAccount != e.req.RecipientAccount || req.Reference != e.req.Reference:
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "account, recipient_account and reference must match the estimation", "estimation_id")
	default:
		e.executed = true
		a := &sbActivity{id: fmt.Sprintf("act-%06d", s.env.NextID()), est: e, created: s.env.Now(), outcome: simulate.OutcomeFor(e.minor), status: ActivityPending}
		s.activities = append(s.activities, a)
		t := httpx.ParseTitle(e.req.Reference)
		s.env.Ledger.Record(simulate.Entry{
			Provider: s.opts.Name, ID: a.id, IBAN: strings.ToUpper(strings.ReplaceAll(e.req.RecipientAccount.IBAN, " ", "")),
			Amount: e.minor, Currency: "EUR", EndToEndID: t.EndToEndID, BatchID: t.BatchID, Key: t.Key,
			Status: ActivityPending, CreatedAt: a.created,
		})
		writeJSON(w, http.StatusOK, transferResponse{ID: a.id})
	}
}

// view renders an activity as of now; the lock is held.
func (s *Sandbox) view(a *sbActivity) activity {
	v := activity{ID: a.id, Type: "BankTransferOut", Status: ActivityPending, Reference: a.est.req.Reference,
		Amount: a.est.req.Amount, Currency: "EUR", CreatedAt: a.created.UTC().Format(time.RFC3339),
		Steps: []step{{"Initiated", "Completed"}, {"CryptoOut", "Pending"}}}
	if s.env.Settled(a.created) {
		switch a.outcome {
		case simulate.StayPending:
			v.Steps = []step{{"Initiated", "Completed"}, {"CryptoOut", "Completed"}, {"Review", "Pending"}}
		case simulate.InsufficientFunds:
			v.Status, v.FailureReason = ActivityFailed, FailureInsufficientFunds
			v.Steps = []step{{"Initiated", "Completed"}, {"CryptoOut", "Failed"}}
		default:
			v.Status = ActivityCompleted
			v.Steps = []step{{"Initiated", "Completed"}, {"CryptoOut", "Completed"}, {"Review", "Completed"}, {"BankOut", "Completed"}}
		}
	}
	if v.Status != a.status {
		a.status = v.Status
		s.env.Ledger.SetStatus(s.opts.Name, a.id, v.Status)
		s.notify(v)
	}
	return v
}

// notify sends the activity as Wirex does [D]: unsigned; the optional
// token is paybatch's own [I].
func (s *Sandbox) notify(v activity) {
	if !s.env.Webhooks.Enabled() {
		return
	}
	body, _ := json.Marshal(v)
	s.env.Webhooks.Send(s.opts.Name, body, func(h http.Header, _ []byte, secret string) {
		if secret != "" {
			h.Set(WebhookTokenHeader, secret)
		}
	})
}

// Sweep settles every activity that is due, so webhooks go out without
// anyone reading the feed first.
func (s *Sandbox) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.activities {
		s.view(a)
	}
}

func (s *Sandbox) feed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, size := intParam(q.Get("page_number"), 1), intParam(q.Get("page_size"), 20)
	if page < 1 || size < 1 || size > 100 {
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "page_number must be ≥ 1 and page_size 1 to 100", "page_size")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := feedResponse{Data: []activity{}, PageNumber: page, PageSize: size, TotalCount: len(s.activities)}
	// Newest first, as feeds are.
	for i := len(s.activities) - 1 - (page-1)*size; i >= 0 && len(out.Data) < size; i-- {
		out.Data = append(out.Data, s.view(s.activities[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func intParam(s string, def int) int {
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, 64<<10)); err != nil || json.Unmarshal(buf.Bytes(), v) != nil {
		writeError(w, http.StatusBadRequest, ErrorInvalidField, "request body is not valid JSON for this call", "body")
		return false
	}
	return true
}

func writeError(w http.ResponseWriter, status int, reason, desc, key string) {
	category := map[int]string{400: "BadRequest", 401: "Unauthorized", 404: "NotFound"}[status]
	e := apiError{ErrorReason: reason, ErrorDescription: desc,
		ErrorCategory: errorCategory{Category: category, HTTPStatusCode: status}, ErrorDetails: []errorDetail{}}
	if key != "" {
		e.ErrorDetails = append(e.ErrorDetails, errorDetail{Key: key, Details: desc})
	}
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
