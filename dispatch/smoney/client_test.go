package smoney

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

func TestAccountRegisteredOnceAndReused(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		in := instr(int64(1000 + i))
		if err := f.c.Preflight(ctx, in); err != nil {
			t.Fatalf("Preflight %d: %v", i, err)
		}
		if _, err := f.c.Submit(ctx, in); err != nil {
			t.Fatalf("Submit %d: %v", i, err)
		}
	}
	if n := f.register.Load(); n != 1 {
		t.Fatalf("bank account registered %d times, want 1", n)
	}
	// A new client (a restart) finds the stored account instead of
	// registering it again.
	c2, err := New(f.c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.Preflight(ctx, instr(1000)); err != nil {
		t.Fatal(err)
	}
	if n := f.register.Load(); n != 1 {
		t.Fatalf("after restart: registered %d times, want 1", n)
	}
}

func TestConcurrentPreflightsRegisterOnce(t *testing.T) {
	f := newFixture(t, nil)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.c.Preflight(context.Background(), instr(1000)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.register.Load(); n != 1 {
		t.Fatalf("registered %d times, want 1", n)
	}
}

func TestSubmitThenExecuted(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	in := instr(250000)
	sub, err := f.c.Submit(ctx, in)
	if err != nil || sub.Result.Status != batch.ACSP {
		t.Fatalf("Submit = %+v, %v", sub, err)
	}
	f.clock.Advance(time.Minute)
	r, err := f.c.Status(ctx, in, sub.Ref)
	if err != nil || r.Status != batch.ACSC {
		t.Fatalf("Status = %+v, %v", r, err)
	}
	l := f.env.Ledger.Entries()
	if len(l) != 1 || l[0].Key != in.Key || l[0].ID != sub.Ref || l[0].Amount != 250000 || l[0].BatchID != in.BatchID || l[0].EndToEndID != in.Payment.EndToEndID {
		t.Fatalf("ledger = %+v", l)
	}
}

func TestRepeatedSubmitReturnsExistingPayout(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	in := instr(1000)
	a, err := f.c.Submit(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.c.Submit(ctx, in)
	if err != nil || a.Ref != b.Ref {
		t.Fatalf("second Submit = %+v, %v; want ref %s", b, err, a.Ref)
	}
	if n := len(f.env.Ledger.Entries()); n != 1 {
		t.Fatalf("ledger has %d entries", n)
	}
}

func TestMagicCentsAtCreate(t *testing.T) {
	for cents, want := range map[int64]batch.ReasonCode{1051: batch.AM04, 1052: batch.AC01, 1053: batch.AG01} {
		f := newFixture(t, nil)
		_, err := f.c.Submit(context.Background(), instr(cents))
		if r, ok := dispatch.IsRejected(err); !ok || r.Code != want {
			t.Errorf("%d: %v, want %s", cents, err, want)
		}
		if len(f.env.Ledger.Entries()) != 0 {
			t.Errorf("%d: booked", cents)
		}
	}
}

func TestMotifPolicy(t *testing.T) {
	long := strings.Repeat("m", 36)
	f := newFixture(t, nil)
	in := instr(1000)
	in.Payment.RemittanceInfo = long
	_, err := f.c.Submit(context.Background(), in)
	if r, ok := dispatch.IsRejected(err); !ok || r.Code != batch.CH16 || f.creates.Load() != 0 {
		t.Fatalf("reject policy: %v (creates %d)", err, f.creates.Load())
	}
	if f.c.Capabilities().MaxRemittanceLen != 35 {
		t.Fatal("reject policy must advertise 35")
	}
	f = newFixture(t, func(c *Config) { c.MotifPolicy = MotifTruncate })
	in.Key += "-t"
	if _, err := f.c.Submit(context.Background(), in); err != nil {
		t.Fatalf("truncate policy: %v", err)
	}
	p, found, err := f.c.get(context.Background(), in)
	if err != nil || !found || p.Motif != long[:35] || !strings.HasPrefix(p.Message, long) {
		t.Fatalf("payout %+v %v %v", p, found, err)
	}
}

func TestBankAccountErrors(t *testing.T) {
	for _, tc := range []struct {
		iban, bic string
		want      batch.ReasonCode
	}{
		{"FR1420041010050500013M02607", "", batch.AC01}, // checksum
		{testIBAN, "PSST", batch.RC01},                  // malformed BIC
		{testIBAN, "COBADEFFXXX", batch.RC01},           // BIC of another country: 1058
	} {
		f := newFixture(t, nil)
		in := instr(1000)
		in.Payment.CreditorIBAN, in.Payment.CreditorBIC = tc.iban, tc.bic
		err := f.c.Preflight(context.Background(), in)
		if r, ok := dispatch.IsRejected(err); !ok || r.Code != tc.want {
			t.Errorf("%s/%s: %v, want %s", tc.iban, tc.bic, err, tc.want)
		}
	}
}

func TestNewAccountLimit(t *testing.T) {
	f := newFixture(t, nil)
	ibans := []string{"DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300", "GB29NWBK60161331926819"}
	var err error
	for _, iban := range ibans {
		in := instr(1000)
		in.Payment.CreditorIBAN, in.Payment.CreditorBIC = iban, ""
		err = f.c.Preflight(context.Background(), in)
	}
	if r, ok := dispatch.IsRejected(err); !ok || r.Code != batch.AG01 || r.ProviderCode != "551" {
		t.Fatalf("fourth new account: %v, want AG01 551", err)
	}
	f.clock.Advance(7 * 24 * time.Hour)
	in := instr(1000)
	in.Payment.CreditorIBAN, in.Payment.CreditorBIC = ibans[3], ""
	if err := f.c.Preflight(context.Background(), in); err != nil {
		t.Fatalf("after a week: %v", err)
	}
}

func TestFaultsAndReconcile(t *testing.T) {
	for _, st := range []simulate.Status{429, 500, 503, simulate.Timeout} {
		f := newFixture(t, func(c *Config) { c.Timeout = 300 * time.Millisecond })
		in := instr(1000)
		if err := f.c.Preflight(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		f.env.Faults.Set(simulate.Fault{Provider: "smoney", ErrorRate: 1, Status: st, RetryAfterSeconds: 3})
		_, err := f.c.Submit(context.Background(), in)
		u, ok := dispatch.IsUnknown(err)
		if !ok || st != simulate.Timeout && u.RetryAfter != 3*time.Second {
			t.Fatalf("%v: %v, want unknown outcome with RetryAfter", st, err)
		}
		f.env.Faults.Clear()
		if _, found, err := f.c.Lookup(context.Background(), in); found || err != nil {
			t.Fatalf("%v: Lookup found=%v %v", st, found, err)
		}
	}
	f := newFixture(t, nil)
	in := instr(1000)
	f.env.Faults.Set(simulate.Fault{Provider: "smoney", DropAfterCommitRate: 1})
	if _, err := f.c.Submit(context.Background(), in); err == nil {
		t.Fatal("no error after a dropped response")
	}
	f.env.Faults.Clear()
	sub, found, err := f.c.Lookup(context.Background(), in)
	if err != nil || !found || len(f.env.Ledger.Entries()) != 1 || f.env.Ledger.Entries()[0].ID != sub.Ref {
		t.Fatalf("Lookup = %+v %v %v; ledger %+v", sub, found, err, f.env.Ledger.Entries())
	}
}

func TestAuthFailureIsNotSent(t *testing.T) {
	f := newFixture(t, nil)
	f.sb.opts.Token = "the-right-one"
	_, err := f.c.Submit(context.Background(), instr(1000))
	if _, ok := dispatch.IsNotSent(err); !ok || f.creates.Load() != 0 {
		t.Fatalf("%v, want not sent", err)
	}
}

func TestNoCredentialsInLogsOrErrors(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	var errs []error
	in := instr(1000)
	_ = f.c.Preflight(ctx, in)
	_, _ = f.c.Submit(ctx, in)
	_, err := f.c.Submit(ctx, instr(1051))
	errs = append(errs, err)
	f.sb.opts.Token = "other"
	_, err = f.c.Submit(ctx, instr(1000))
	errs = append(errs, err)
	text := f.logs.String() + f.c.cfg.String()
	for _, e := range errs {
		if e == nil {
			t.Fatal("expected an error")
		}
		text += e.Error()
	}
	if strings.Contains(text, testToken) {
		t.Error("the token leaked")
	}
	if strings.Contains(text, testIBAN) {
		t.Error("an unmasked IBAN was logged")
	}
	if !strings.Contains(f.logs.String(), batch.MaskIBAN(testIBAN)) {
		t.Error("expected the masked IBAN in the log")
	}
}

func TestSplitName(t *testing.T) {
	for in, want := range map[string][2]string{
		"Jean-Luc Picard": {"Jean-Luc", "Picard"}, "Madonna": {"", "Madonna"},
		"  Anna  Maria   Schmidt ": {"Anna Maria", "Schmidt"},
	} {
		if f, l := splitName(in); f != want[0] || l != want[1] {
			t.Errorf("splitName(%q) = %q %q", in, f, l)
		}
	}
}

func TestStoredAccountStatus(t *testing.T) {
	f := newFixture(t, nil)
	in := instr(1000)
	in.Payment.CreditorName = "Refused Account"
	err := f.c.Preflight(context.Background(), in)
	if r, ok := dispatch.IsRejected(err); !ok || r.Code != batch.AC01 {
		t.Fatalf("refused account: %v, want AC01", err)
	}
	in = instr(1000)
	in.Payment.CreditorName = "Awaiting Validation"
	in.Payment.CreditorIBAN = "DE89370400440532013000"
	in.Payment.CreditorBIC = ""
	err = f.c.Preflight(context.Background(), in)
	if n, ok := dispatch.IsNotSent(err); !ok || n.RetryAfter != awaitingRetry {
		t.Fatalf("awaiting account: %v, want not sent with RetryAfter", err)
	}
	if _, err := f.c.Submit(context.Background(), in); err == nil || f.creates.Load() != 0 {
		t.Fatalf("a payout was sent to an account awaiting validation: %v", err)
	}
}

// A misconfigured path must never count as proof that a payout was not made.
func TestLookupOnWrongPathIsNotProof(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.BaseURL += "/wrong" })
	_, found, err := f.c.Lookup(context.Background(), instr(1000))
	if err == nil || found {
		t.Fatalf("Lookup on a wrong path = %v, %v; want an error", found, err)
	}
}

func TestSandboxListPages(t *testing.T) {
	f := newFixture(t, nil)
	for i := 0; i < 3; i++ {
		if _, err := f.c.Submit(context.Background(), instr(1000)); err != nil {
			t.Fatal(err)
		}
	}
	var page2 []payout
	if err := f.c.call(context.Background(), "GET", "/users/"+testUser+"/payouts?page=2&perpage=2", nil, &page2); err != nil {
		t.Fatal(err)
	}
	if len(page2) != 1 {
		t.Fatalf("page 2 of 3 payouts by 2 holds %d", len(page2))
	}
}
