package solaris

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

func TestSubmitThenSettle(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	in := instr(12050, "Erika Mustermann")
	if err := f.c.Preflight(ctx, in); err != nil {
		t.Fatalf("Preflight: %v", err)
	}
	sub, err := f.c.Submit(ctx, in)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if sub.Result.Status != batch.ACSP {
		t.Fatalf("submit status %s, want ACSP", sub.Result.Status)
	}
	f.clock.Advance(time.Minute)
	r, err := f.c.Status(ctx, in, sub.Ref)
	if err != nil || r.Status != batch.ACSC {
		t.Fatalf("Status = %+v, %v; want ACSC", r, err)
	}
	l := f.ledgerFor(sub.Ref)
	if len(l) != 1 || l[0].Amount != 12050 || l[0].Status != stExecuted || l[0].BatchID != "B-2026-0001" || l[0].Key != Reference(in.Key) {
		t.Fatalf("ledger = %+v", l)
	}
}

func TestRepeatedReferenceReturnsSameTransfer(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	in := instr(5000, "Erika Mustermann")
	first, err := f.c.Submit(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.c.Submit(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Ref != second.Ref {
		t.Fatalf("replay created a second transfer: %s vs %s", first.Ref, second.Ref)
	}
	if n := len(f.env.Ledger.Entries()); n != 1 {
		t.Fatalf("ledger has %d entries, want 1", n)
	}
	if f.creates.Load() != 2 {
		t.Fatalf("expected 2 create calls (the replay is sent), got %d", f.creates.Load())
	}
}

func TestVoPNoMatchRejectsBeforeCreate(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	in := instr(5000, "Nomatch Holding GmbH")
	err := f.c.Preflight(ctx, in)
	if r, ok := dispatch.IsRejected(err); !ok || r.Code != batch.BE01 {
		t.Fatalf("Preflight = %v, want RJCT BE01", err)
	}
	_, err = f.c.Submit(ctx, in) // without a kept verification Submit verifies itself
	if r, ok := dispatch.IsRejected(err); !ok || r.Code != batch.BE01 {
		t.Fatalf("Submit = %v, want RJCT BE01", err)
	}
	if n := f.creates.Load(); n != 0 {
		t.Fatalf("%d create calls after NO_MATCH, want 0", n)
	}
	if n := len(f.env.Ledger.Entries()); n != 0 {
		t.Fatalf("ledger has %d entries", n)
	}
}

func TestCloseMatchPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy CloseMatch
		hold   bool
	}{{"", true}, {CloseMatchHold, true}, {CloseMatchReject, false}} {
		f := newFixture(t, func(c *Config) { c.CloseMatch = tc.policy })
		err := f.c.Preflight(context.Background(), instr(5000, "Closematch Erika"))
		if _, ok := dispatch.IsHold(err); ok != tc.hold {
			t.Errorf("policy %q: err %v, hold=%v", tc.policy, err, tc.hold)
		}
		if r, ok := dispatch.IsRejected(err); !tc.hold && (!ok || r.Code != batch.BE01) {
			t.Errorf("policy %q: err %v, want BE01", tc.policy, err)
		}
	}
}

func TestNotPossibleProceeds(t *testing.T) {
	f := newFixture(t, nil)
	in := instr(5000, "Notpossible Bank Customer")
	if err := f.c.Preflight(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Submit(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func TestVerificationReusedOnceAndRenewedWhenExpired(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	in := instr(5000, "Erika Mustermann")
	if err := f.c.Preflight(ctx, in); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(10 * time.Minute) // past the sandbox's 5-minute validity
	if _, err := f.c.Submit(ctx, in); err != nil {
		t.Fatalf("Submit after the verification expired: %v", err)
	}
}

func TestMagicCents(t *testing.T) {
	for _, tc := range []struct {
		cents        int64
		submitReject batch.ReasonCode // rejected at create
		final        batch.Status
		reason       batch.ReasonCode
		booked       bool
	}{
		{1000, "", batch.ACSC, "", true},
		{1051, "", batch.RJCT, batch.AM04, false},
		{1052, batch.AC01, "", "", false},
		{1053, "", batch.RJCT, batch.AG01, false},
		{1054, "", batch.ACSP, "", true},
		{1055, batch.BE01, "", "", false},
	} {
		f := newFixture(t, nil)
		ctx := context.Background()
		in := instr(tc.cents, "Erika Mustermann")
		if err := f.c.Preflight(ctx, in); err != nil {
			t.Fatalf("%d: Preflight: %v", tc.cents, err)
		}
		sub, err := f.c.Submit(ctx, in)
		if tc.submitReject != "" {
			if r, ok := dispatch.IsRejected(err); !ok || r.Code != tc.submitReject {
				t.Errorf("%d: Submit = %v, want RJCT %s", tc.cents, err, tc.submitReject)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%d: Submit: %v", tc.cents, err)
		}
		f.clock.Advance(time.Hour)
		r, err := f.c.Status(ctx, in, sub.Ref)
		if err != nil || r.Status != tc.final || r.Reason != tc.reason {
			t.Errorf("%d: Status = %+v, %v; want %s %s", tc.cents, r, err, tc.final, tc.reason)
		}
		if got := len(f.ledgerFor(sub.Ref)) == 1; got != tc.booked {
			t.Errorf("%d: booked=%v, want %v", tc.cents, got, tc.booked)
		}
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	f := newFixture(t, nil)
	f.sb.opts.TokenLifetime = 10 * time.Minute
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		in := instr(5000, "Erika Mustermann")
		if _, err := f.c.Submit(ctx, in); err != nil {
			t.Fatalf("payment %d: %v", i, err)
		}
		f.clock.Advance(9 * time.Minute) // past the margin: the next call must refresh first
	}
	if n := f.sb.TokensIssued(); n != 3 {
		t.Fatalf("tokens issued %d, want 3 (one per lifetime)", n)
	}
}

func TestRevokedTokenRefreshedWithoutFailedPayment(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.c.Submit(ctx, instr(5000, "Erika Mustermann")); err != nil {
		t.Fatal(err)
	}
	f.sb.RevokeTokens()
	in := instr(6000, "Erika Mustermann")
	sub, err := f.c.Submit(ctx, in)
	if err != nil {
		t.Fatalf("Submit after revocation: %v", err)
	}
	if f.sb.TokensIssued() != 2 || len(f.ledgerFor(sub.Ref)) != 1 {
		t.Fatalf("tokens %d, ledger %+v", f.sb.TokensIssued(), f.ledgerFor(sub.Ref))
	}
}

func TestTransientErrorsAreUnknownOutcomes(t *testing.T) {
	for _, fault := range []simulate.Fault{
		{Provider: "solaris", ErrorRate: 1, Status: 503},
		{Provider: "solaris", ErrorRate: 1, Status: 500},
		{Provider: "solaris", ErrorRate: 1, Status: 429, RetryAfterSeconds: 7},
		{Provider: "solaris", ErrorRate: 1, Status: simulate.Timeout},
	} {
		f := newFixture(t, func(c *Config) { c.Timeout = 300 * time.Millisecond })
		in := instr(5000, "Erika Mustermann")
		if err := f.c.Preflight(context.Background(), in); err != nil { // faults spare VoP
			t.Fatal(err)
		}
		if err := f.env.Faults.Set(fault); err != nil {
			t.Fatal(err)
		}
		_, err := f.c.Submit(context.Background(), in)
		u, ok := dispatch.IsUnknown(err)
		if !ok {
			t.Fatalf("fault %+v: err %v, want unknown outcome", fault, err)
		}
		if fault.RetryAfterSeconds > 0 && u.RetryAfter != 7*time.Second {
			t.Errorf("RetryAfter = %v", u.RetryAfter)
		}
	}
}

func TestCommitThenDropIsFoundByLookup(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	in := instr(5000, "Erika Mustermann")
	if err := f.env.Faults.Set(simulate.Fault{Provider: "solaris", DropAfterCommitRate: 1}); err != nil {
		t.Fatal(err)
	}
	_, err := f.c.Submit(ctx, in)
	if _, ok := dispatch.IsUnknown(err); !ok {
		t.Fatalf("Submit = %v, want unknown outcome", err)
	}
	f.env.Faults.Clear()
	sub, found, err := f.c.Lookup(ctx, in)
	if err != nil || !found {
		t.Fatalf("Lookup = %v, %v", found, err)
	}
	if l := f.env.Ledger.Entries(); len(l) != 1 || l[0].ID != sub.Ref {
		t.Fatalf("ledger = %+v, lookup ref %s", l, sub.Ref)
	}
	_, found, err = f.c.Lookup(ctx, instr(5000, "Erika Mustermann"))
	if err != nil || found {
		t.Fatalf("Lookup of an unsent payment = %v, %v; want not found", found, err)
	}
}

func TestLookupPages(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.LookupPageSize = 2 })
	ctx := context.Background()
	var last *dispatch.Instruction
	var ref string
	for i := 0; i < 5; i++ {
		last = instr(int64(1000+i), "Erika Mustermann")
		sub, err := f.c.Submit(ctx, last)
		if err != nil {
			t.Fatal(err)
		}
		ref = sub.Ref
	}
	sub, found, err := f.c.Lookup(ctx, last)
	if err != nil || !found || sub.Ref != ref {
		t.Fatalf("Lookup = %+v %v %v, want %s", sub, found, err, ref)
	}
}

func TestNotSentClassification(t *testing.T) {
	// Connection refused: nothing reached anyone.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := New(Config{BaseURL: url, ClientID: "a", ClientSecret: "b", AccountID: "x", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Submit(context.Background(), instr(5000, "Erika Mustermann"))
	if _, ok := dispatch.IsNotSent(err); !ok {
		t.Fatalf("refused: %v, want not sent", err)
	}
	// Auth failure before the payout request.
	f := newFixture(t, func(c *Config) { c.AuthURL = c.BaseURL + "/nowhere" })
	_, err = f.c.Submit(context.Background(), instr(5000, "Erika Mustermann"))
	if _, ok := dispatch.IsNotSent(err); !ok || f.creates.Load() != 0 {
		t.Fatalf("auth failure: %v (creates %d), want not sent", err, f.creates.Load())
	}
}

func TestLocalRejections(t *testing.T) {
	f := newFixture(t, nil)
	long := instr(5000, "Erika Mustermann")
	long.Payment.RemittanceInfo = strings.Repeat("x", 141)
	usd := instr(5000, "Erika Mustermann")
	usd.Payment.Amount.Currency = "USD"
	for in, want := range map[*dispatch.Instruction]batch.ReasonCode{long: batch.CH16, usd: batch.AM03} {
		_, err := f.c.Submit(context.Background(), in)
		if r, ok := dispatch.IsRejected(err); !ok || r.Code != want {
			t.Errorf("%v, want %s", err, want)
		}
	}
	if f.creates.Load() != 0 {
		t.Fatal("a locally rejected payment was sent")
	}
}

func TestNoCredentialsInLogsOrErrors(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	var errs []error
	in := instr(5000, "Erika Mustermann")
	_ = f.c.Preflight(ctx, in)
	_, _ = f.c.Submit(ctx, in)
	_, err := f.c.Submit(ctx, instr(5052, "Erika Mustermann"))
	errs = append(errs, err)
	_, err = f.c.Submit(ctx, instr(5000, "Nomatch Ltd"))
	errs = append(errs, err)
	f.sb.RevokeTokens()
	_, _ = f.c.Submit(ctx, instr(5000, "Erika Mustermann"))
	bad := newFixture(t, func(c *Config) { c.AuthURL = c.BaseURL + "/nowhere" })
	_, err = bad.c.Submit(ctx, instr(5000, "Erika Mustermann"))
	errs = append(errs, err)
	text := f.logs.String() + bad.logs.String() + f.c.cfg.String()
	for _, e := range errs {
		if e == nil {
			t.Fatal("expected an error")
		}
		text += e.Error()
	}
	f.sb.mu.Lock()
	for tok := range f.sb.tokens {
		if strings.Contains(text, tok) {
			t.Error("a bearer token leaked")
		}
	}
	f.sb.mu.Unlock()
	if strings.Contains(text, testClientSecret) {
		t.Error("the client secret leaked")
	}
	if strings.Contains(text, testIBAN) {
		t.Error("an unmasked IBAN was logged")
	}
	if !strings.Contains(f.logs.String(), batch.MaskIBAN(testIBAN)) {
		t.Error("expected the masked IBAN in the log")
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err == nil {
		t.Fatal("empty config accepted")
	}
	err := (Config{BaseURL: "nope", ClientID: "a", ClientSecret: "b", AccountID: "c", CloseMatch: "maybe"}).Validate()
	if err == nil || !strings.Contains(err.Error(), "close_match") {
		t.Fatalf("Validate = %v", err)
	}
}

func TestPersonAccountPath(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.PersonID = "person-9" })
	ctx := context.Background()
	in := instr(5000, "Erika Mustermann")
	in.Account = "acc-person-2" // the route's account overrides the default
	sub, err := f.c.Submit(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Status(ctx, in, sub.Ref); err != nil {
		t.Fatal(err)
	}
	if _, found, err := f.c.Lookup(ctx, in); err != nil || !found {
		t.Fatalf("Lookup = %v %v", found, err)
	}
	// The transfer belongs to that account: another account does not see it.
	other := *in
	other.Account = "acc-person-3"
	if _, found, err := f.c.Lookup(ctx, &other); err != nil || found {
		t.Fatalf("Lookup on another account = %v %v", found, err)
	}
}

func TestTokenEndpointUnavailableIsNotSent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "4")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, ClientID: "a", ClientSecret: "b", AccountID: "x", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Submit(context.Background(), instr(5000, "Erika Mustermann"))
	if n, ok := dispatch.IsNotSent(err); !ok || n.RetryAfter != 4*time.Second {
		t.Fatalf("%v, want not sent with RetryAfter 4s", err)
	}
}
