package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

func sampleBatch(sha string) (*BatchRecord, []*batch.PaymentInfo) {
	b := &BatchRecord{
		FileName: "payroll-march.xml",
		Source:   "folder:/srv/inbox",
		SHA256:   sha,
		Header: batch.Header{
			Format: "pain.001.001.03", MessageName: "pain.001.001.03.ch.02",
			Namespace: "http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd",
			MsgID:     "MSG-0001", CreationDateTime: "2025-03-14T09:00:00",
			NbOfTxs: 2, HasNbOfTxs: true,
			CtrlSum: batch.Decimal{Units: 150, Scale: 2}, HasCtrlSum: true,
			InitiatingPartyName: "ACME SA", InitiatingPartyID: "CHE-123",
		},
		Status: batch.ACTC, Payments: 2, Valid: 2,
		ControlSum: batch.Decimal{Units: 1500, Scale: 3},
	}
	infos := []*batch.PaymentInfo{
		{Index: 1, ID: "PMT-1", Method: "TRF", NbOfTxs: 2, HasNbOfTxs: true,
			CtrlSum: batch.Decimal{Units: 150, Scale: 2}, HasCtrlSum: true,
			RequestedExecutionDate: "2025-03-15", CategoryPurpose: "SALA", ServiceLevel: "SEPA",
			BatchBooking: "true", DebtorName: "ACME SA", DebtorIBAN: "CH9300762011623852957",
			DebtorBIC: "POFICHBEXXX", UltimateDebtorID: "u-1001"},
		{Index: 2, ID: "PMT-2", Method: "TRF"},
	}
	return b, infos
}

func TestBatchRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t)
	b, infos := sampleBatch("aa")
	b.FileIssues = []batch.Issue{{Field: "CtrlSum", Code: batch.AM10, Message: "declared 1.50, found 1.40"}}
	if err := s.CreateBatch(ctx, b, infos); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.ID, "B20250314T092653-") || b.Stage != StageReceived {
		t.Fatalf("id %q stage %q", b.ID, b.Stage)
	}
	got, err := s.GetBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, b)
	}
	gotInfos, err := s.PaymentInfos(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotInfos, infos) {
		t.Fatalf("infos:\n got %+v\nwant %+v", gotInfos, infos)
	}

	c.Add(time.Minute)
	err = s.UpdateBatch(ctx, b.ID, "acknowledged", func(r *BatchRecord) error {
		r.Stage = StageValidated
		r.AckReportAt = c.Now()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetBatchStage(ctx, b.ID, StageFinal, "all payments final"); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != StageFinal || !got.AckReportAt.Equal(t0.Add(time.Minute)) || !got.FinishedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after update: stage %s ack %v finished %v", got.Stage, got.AckReportAt, got.FinishedAt)
	}
	evs, err := s.Events(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind+":"+e.From+">"+e.To)
	}
	want := []string{"batch.created:>received", "batch.stage:received>validated", "batch.stage:validated>final"}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	if _, err := s.GetBatch(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing batch: %v", err)
	}
}

func TestDedupeLookups(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t)
	b1, infos := sampleBatch("sum-1")
	if err := s.CreateBatch(ctx, b1, infos); err != nil {
		t.Fatal(err)
	}
	// Same bytes again cannot be stored twice.
	dup, _ := sampleBatch("sum-1")
	if err := s.CreateBatch(ctx, dup, nil); err == nil {
		t.Fatal("second batch with the same sha256 was stored")
	}
	got, err := s.FindBySHA256(ctx, "sum-1")
	if err != nil || got.ID != b1.ID {
		t.Fatalf("FindBySHA256 = %v, %v", got, err)
	}
	if _, err := s.FindBySHA256(ctx, "sum-2"); !IsNotFound(err) {
		t.Fatalf("unknown sum: %v", err)
	}

	// A party with no id is matched by name.
	c.Add(time.Second)
	b2, _ := sampleBatch("sum-2")
	b2.Header.MsgID, b2.Header.InitiatingPartyID = "MSG-NAME", ""
	if err := s.CreateBatch(ctx, b2, nil); err != nil {
		t.Fatal(err)
	}
	// A whole-file rejection does not block a corrected file's MsgId.
	c.Add(time.Second)
	b3, _ := sampleBatch("sum-3")
	b3.Header.MsgID, b3.Stage = "MSG-REJ", StageRejected
	if err := s.CreateBatch(ctx, b3, nil); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		msgID, party, want string
	}{
		{"MSG-0001", "CHE-123", b1.ID},
		{"MSG-0001", "ACME SA", ""}, // the batch has an id: the name alone is not the party
		{"MSG-0001", "OTHER", ""},
		{"MSG-NAME", "ACME SA", b2.ID},
		{"MSG-REJ", "CHE-123", ""},
		{"", "", ""},
	} {
		got, err := s.FindByMsgID(ctx, tt.msgID, tt.party)
		switch {
		case tt.want == "" && !IsNotFound(err):
			t.Errorf("FindByMsgID(%q, %q) = %v, %v; want not found", tt.msgID, tt.party, got, err)
		case tt.want != "" && (err != nil || got.ID != tt.want):
			t.Errorf("FindByMsgID(%q, %q) = %v, %v; want %s", tt.msgID, tt.party, got, err, tt.want)
		}
	}

	list, err := s.ListBatches(ctx, 2)
	if err != nil || len(list) != 2 || list[0].ID != b3.ID {
		t.Fatalf("ListBatches = %v, %v", list, err)
	}
	unfinished, err := s.UnfinishedBatches(ctx)
	if err != nil || len(unfinished) != 2 || unfinished[0].ID != b1.ID || unfinished[1].ID != b2.ID {
		t.Fatalf("UnfinishedBatches = %v, %v", unfinished, err)
	}
}

func TestAddPaymentInfosIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	b, infos := sampleBatch("bb")
	if err := s.CreateBatch(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPaymentInfos(ctx, b.ID, infos[:1]); err != nil {
		t.Fatal(err)
	}
	// A resumed ingest adds every block again: the stored one is kept.
	changed := *infos[0]
	changed.DebtorName = "changed"
	if err := s.AddPaymentInfos(ctx, b.ID, append([]*batch.PaymentInfo{&changed}, infos[1:]...)); err != nil {
		t.Fatal(err)
	}
	got, err := s.PaymentInfos(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, infos) {
		t.Fatalf("infos:\n got %+v\nwant %+v", got, infos)
	}
}
