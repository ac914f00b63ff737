package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// fullPayment sets every field of batch.Payment, so that a round trip
// proves each one has a column.
func fullPayment(info *batch.PaymentInfo, i int) *batch.Payment {
	p := &batch.Payment{
		Index: i, Row: i + 1, Info: info,
		InstrID: fmt.Sprintf("INSTR-%d", i), EndToEndID: fmt.Sprintf("E2E-%d", i),
		Amount:       batch.Amount{Minor: 123456 + int64(i), Currency: "EUR"},
		AmountText:   "1234.56",
		CreditorName: "Zoë Müller", CreditorIBAN: "DE89370400440532013000", CreditorBIC: "COBADEFFXXX",
		CreditorCountry:        "DE",
		RemittanceInfo:         "Salary March 2025 / ref 42",
		RequestedExecutionDate: "2025-03-15",
		Extra: &batch.PaymentExtra{
			CreditorAccount: "acct-7", CreditorRef: "RF18539007547034",
			Purpose: "SALA", CategoryPurpose: "BONU", ChargeBearer: "SLEV", UltimateDebtorID: "u-ud-7",
			DebtorAccount: "CH9300762011623852957", Provider: "solaris", ExternalUserID: "u-1002",
		},
	}
	p.AddWarning("creditor_name", batch.CH16, "transliterated ë")
	return p
}

func createDispatching(t *testing.T, s *Store, sha string) (*BatchRecord, []*batch.PaymentInfo) {
	t.Helper()
	b, infos := sampleBatch(sha)
	b.Stage = StageDispatching
	if err := s.CreateBatch(context.Background(), b, infos); err != nil {
		t.Fatal(err)
	}
	return b, infos
}

func TestPaymentRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t)
	b, infos := createDispatching(t, s, "rt")

	valid := fullPayment(infos[0], 1)
	invalid := fullPayment(infos[1], 2)
	invalid.AddIssue("creditor_iban", batch.AC01, "mod-97 check failed")
	bare := fullPayment(nil, 3)
	bare.Info = nil

	ds := []*batch.Dispatch{
		{Payment: valid, Provider: "solaris", Account: "acc-1", User: "u-1", Key: "k-1",
			State: batch.Queued, NextAt: t0.Add(time.Hour)},
		{Payment: invalid, State: batch.Done, Status: batch.RJCT, Reason: batch.AC01, Text: "mod-97 check failed"},
		{Payment: bare},
	}
	if err := s.AddPayments(ctx, b.ID, ds); err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.PaymentID == 0 || d.BatchID != b.ID {
			t.Fatalf("ids not filled: %+v", d)
		}
	}

	var got []*batch.Dispatch
	if err := s.Payments(ctx, b.ID, func(d *batch.Dispatch) error { got = append(got, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ds) {
		t.Fatalf("got %d payments", len(got))
	}
	for i := range ds {
		if !reflect.DeepEqual(got[i], ds[i]) {
			t.Errorf("payment %d:\n got %+v\n     %+v\nwant %+v\n     %+v", i+1, got[i], got[i].Payment, ds[i], ds[i].Payment)
		}
	}
	if !reflect.DeepEqual(got[0].Payment.Info, infos[0]) {
		t.Errorf("info not restored: %+v", got[0].Payment.Info)
	}

	one, err := s.Get(ctx, ds[0].PaymentID)
	if err != nil || !reflect.DeepEqual(one, ds[0]) {
		t.Fatalf("Get = %+v, %v", one, err)
	}

	// Adding again (a resumed pipeline) keeps the stored rows.
	c.Add(time.Minute)
	again := []*batch.Dispatch{{Payment: fullPayment(infos[0], 1)}, {Payment: fullPayment(infos[0], 4)}}
	if err := s.AddPayments(ctx, b.ID, again); err != nil {
		t.Fatal(err)
	}
	if again[0].PaymentID != ds[0].PaymentID {
		t.Fatalf("re-added payment got id %d, want %d", again[0].PaymentID, ds[0].PaymentID)
	}
	counts, err := s.CountByState(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[batch.DispatchState]int{batch.Queued: 1, batch.Done: 1, "": 2}; !reflect.DeepEqual(counts, want) {
		t.Fatalf("CountByState = %v, want %v", counts, want)
	}
	byStatus, err := s.CountByStatus(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[batch.Status]int{batch.RJCT: 1, "": 3}; !reflect.DeepEqual(byStatus, want) {
		t.Fatalf("CountByStatus = %v, want %v", byStatus, want)
	}
	// Payments of one block share the one PaymentInfo loaded for it.
	var first, fourth *batch.Payment
	if err := s.Payments(ctx, b.ID, func(d *batch.Dispatch) error {
		switch d.Payment.Index {
		case 1:
			first = d.Payment
		case 4:
			fourth = d.Payment
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if first == nil || fourth == nil || first.Info != fourth.Info {
		t.Errorf("payments 1 and 4 of block 1 do not share its PaymentInfo: %p, %p", first, fourth)
	}
}

// A payment with none of the rarer fields comes back without an Extra,
// its category purpose and ultimate debtor still the block's: the store
// writes the effective values, and reading them back must not give every
// payment of a block an Extra of its own.
func TestPaymentRoundTripPlain(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	b, infos := createDispatching(t, s, "plain")
	p := &batch.Payment{Index: 1, Row: 2, Info: infos[0], EndToEndID: "E2E-1",
		Amount: batch.Amount{Minor: 100, Currency: "EUR"}, AmountText: "1.00",
		CreditorName: "A", CreditorIBAN: "DE89370400440532013000"}
	if err := s.AddPayments(ctx, b.ID, []*batch.Dispatch{{Payment: p}}); err != nil {
		t.Fatal(err)
	}
	var got *batch.Payment
	if err := s.Payments(ctx, b.ID, func(d *batch.Dispatch) error { got = d.Payment; return nil }); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Extra != nil || got.CategoryPurpose() != "SALA" || got.UltimateDebtorID() != "u-1001" {
		t.Fatalf("got %+v, extra %+v", got, got.Extra)
	}
}

func TestRouteLater(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	b, infos := createDispatching(t, s, "route")
	d := &batch.Dispatch{Payment: fullPayment(infos[0], 1)}
	if err := s.AddPayments(ctx, b.ID, []*batch.Dispatch{d}); err != nil {
		t.Fatal(err)
	}
	d.Provider, d.Account, d.User, d.Key, d.State = "p100", "acc", "u-1001", "key-1", batch.Queued
	if err := s.Route(ctx, d, "rule sepa-eur"); err != nil {
		t.Fatal(err)
	}
	if err := s.Route(ctx, d, "again"); !errorsIsConflict(err) {
		t.Fatalf("second Route: %v, want ErrConflict", err)
	}
	got, err := s.Get(ctx, d.PaymentID)
	if err != nil || got.Provider != "p100" || got.Key != "key-1" || got.State != batch.Queued || !got.NextAt.Equal(t0) {
		t.Fatalf("after Route: %+v, %v", got, err)
	}
	due, err := s.Due(ctx, "p100", t0, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("routed payment not due: %v, %v", due, err)
	}
}

func TestRejectPaymentsKeepsOwnReasonsAndRefusesDispatching(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	b, infos := sampleBatch("rej")
	if err := s.CreateBatch(ctx, b, infos); err != nil {
		t.Fatal(err)
	}
	ok := &batch.Dispatch{Payment: fullPayment(infos[0], 1), Provider: "solaris", Key: "k1", State: batch.Queued}
	bad := &batch.Dispatch{Payment: fullPayment(infos[0], 2), State: batch.Done, Status: batch.RJCT, Reason: batch.AC01, Text: "bad IBAN"}
	if err := s.AddPayments(ctx, b.ID, []*batch.Dispatch{ok, bad}); err != nil {
		t.Fatal(err)
	}
	if err := s.RejectPayments(ctx, b.ID, batch.AM18, "NbOfTxs 3, found 2"); err != nil {
		t.Fatal(err)
	}
	got := map[int]*batch.Dispatch{}
	if err := s.Payments(ctx, b.ID, func(d *batch.Dispatch) error { got[d.Payment.Index] = d; return nil }); err != nil {
		t.Fatal(err)
	}
	if d := got[1]; d.State != batch.Done || d.Status != batch.RJCT || d.Reason != batch.AM18 {
		t.Fatalf("payment 1: %+v", d)
	}
	if d := got[2]; d.Reason != batch.AC01 {
		t.Fatalf("payment 2 lost its own reason: %+v", d)
	}

	b2, infos2 := createDispatching(t, s, "disp")
	_ = infos2
	if err := s.RejectPayments(ctx, b2.ID, batch.AM18, "x"); err == nil {
		t.Fatal("a dispatching batch's payments were rejected after release")
	}
}
