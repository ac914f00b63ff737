package pipeline

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/dispatch"
)

// payFake is a provider built from function fields: everything succeeds,
// except what the test says.
type payFake struct {
	submits atomic.Int32
	submit  func(in *dispatch.Instruction) (dispatch.Submission, error)
}

func (f *payFake) Name() string                                           { return "fake" }
func (f *payFake) Capabilities() dispatch.Capabilities                    { return dispatch.Capabilities{} }
func (f *payFake) Preflight(context.Context, *dispatch.Instruction) error { return nil }
func (f *payFake) Lookup(context.Context, *dispatch.Instruction) (dispatch.Submission, bool, error) {
	return dispatch.Submission{}, false, nil
}
func (f *payFake) Status(context.Context, *dispatch.Instruction, string) (dispatch.Result, error) {
	return dispatch.Result{Status: batch.ACSC}, nil
}
func (f *payFake) Submit(_ context.Context, in *dispatch.Instruction) (dispatch.Submission, error) {
	f.submits.Add(1)
	if f.submit != nil {
		return f.submit(in)
	}
	if in.Payment.Amount.Minor%100 == 51 {
		return dispatch.Submission{}, &dispatch.RejectedError{Code: batch.AM04, ProviderCode: "X1", Text: "insufficient funds"}
	}
	return dispatch.Submission{Ref: "ref-" + in.Key}, nil
}

type harness struct {
	t      *testing.T
	dir    string
	store  *store.Store
	pipe   *Pipeline
	engine *dispatch.Engine
	fake   *payFake
	now    func() time.Time
	outbox string
	stop   func()
}

func newHarness(t *testing.T, now func() time.Time) *harness {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	if now == nil {
		now = time.Now
	}
	st, err := store.Open(ctx, filepath.Join(dir, "pb.db"), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fake := &payFake{}
	caps := map[string]dispatch.Capabilities{"fake": fake.Capabilities()}
	router, err := dispatch.NewRouter(nil, &dispatch.Rule{Name: "all", Provider: "fake"}, caps)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err := dispatch.NewEngine(dispatch.EngineConfig{
		Lanes: map[string]dispatch.Lane{"fake": {Provider: fake, Concurrency: 4}}, Journal: st, Log: log, Now: now,
		CallTimeout: time.Second, PollMin: time.Millisecond, PollMax: 10 * time.Millisecond, Tick: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	outbox := filepath.Join(dir, "outbox")
	if err := os.MkdirAll(outbox, 0o750); err != nil {
		t.Fatal(err)
	}
	p, err := New(Options{Store: st, Router: router, Wake: eng.Wake, DefaultOutbox: DirOutbox(outbox),
		FilesDir: filepath.Join(dir, "files"), Location: time.UTC, Sandbox: true, Log: log, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, dir: dir, store: st, pipe: p, engine: eng, fake: fake, now: now, outbox: outbox}
	ectx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); eng.Run(ectx) }()
	h.stop = func() { cancel(); wg.Wait() }
	t.Cleanup(h.stop)
	return h
}

func (h *harness) ingest(path string) *Outcome {
	h.t.Helper()
	out, err := h.pipe.Ingest(context.Background(), Input{Path: path, Name: filepath.Base(path), Source: "test"})
	if err != nil {
		h.t.Fatalf("ingest %s: %v", path, err)
	}
	return out
}

// waitFinal completes the batch as the daemon would, until it is final.
func (h *harness) waitFinal(id string) *store.BatchRecord {
	h.t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := h.pipe.Complete(ctx, id, false); err != nil {
			h.t.Fatal(err)
		}
		b, err := h.store.GetBatch(ctx, id)
		if err != nil {
			h.t.Fatal(err)
		}
		if b.Stage.Done() {
			return b
		}
	}
	h.t.Fatalf("batch %s not final in time", id)
	return nil
}

func (h *harness) outboxFiles() []string {
	entries, _ := os.ReadDir(h.outbox)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func sample(name string) string { return filepath.Join("..", "..", "samples", name) }

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCSVBatchEndToEnd(t *testing.T) {
	h := newHarness(t, nil)
	out := h.ingest(sample("payroll.csv"))
	if out.Failed() || out.Invalid == 0 || out.Valid == 0 {
		t.Fatalf("outcome %+v: the sample has valid and invalid lines", out)
	}
	b := h.waitFinal(out.BatchID)
	if b.Status != batch.PART {
		t.Fatalf("group status %s, want PART (some lines invalid, one .51)", b.Status)
	}
	counts, err := h.store.CountByStatus(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The sample routes some lines to providers by name; this router knows
	// only "fake", so those are RJCT NARR "unknown provider" and not sent.
	routed := 0
	h.store.Payments(context.Background(), b.ID, func(d *batch.Dispatch) error {
		if d.Provider == "fake" {
			routed++
		}
		return nil
	})
	if int(h.fake.submits.Load()) != routed || routed != b.Valid {
		t.Fatalf("%d submits, %d routed, %d valid: each valid payment is sent exactly once", h.fake.submits.Load(), routed, b.Valid)
	}
	if counts[batch.RJCT] < b.Invalid || counts[batch.ACSC] != routed || counts[batch.ACSC]+counts[batch.RJCT] != b.Payments {
		t.Fatalf("counts %v (invalid %d)", counts, b.Invalid)
	}
	files := strings.Join(h.outboxFiles(), " ")
	for _, want := range []string{b.ID + ".ack.pain002.xml", b.ID + ".final.pain002.xml", b.ID + ".final.summary.csv"} {
		if !strings.Contains(files, want) {
			t.Errorf("outbox lacks %s: %s", want, files)
		}
	}
	ack, _ := os.ReadFile(filepath.Join(h.outbox, b.ID+".ack.pain002.xml"))
	if !strings.Contains(string(ack), "<GrpSts>PART</GrpSts>") || !strings.Contains(string(ack), "SANDBOX") {
		t.Errorf("ack report lacks PART group status or the sandbox note")
	}
}

func TestDuplicateFileSendsNothing(t *testing.T) {
	h := newHarness(t, nil)
	first := h.ingest(sample("payroll.pain.001.001.03.xml"))
	h.waitFinal(first.BatchID)
	sent := h.fake.submits.Load()

	again := h.ingest(sample("payroll.pain.001.001.03.xml"))
	src, _ := os.ReadFile(sample("payroll.pain.001.001.03.xml"))
	renamed := h.ingest(writeFile(t, t.TempDir(), "renamed.xml", string(src)))
	for _, o := range []*Outcome{again, renamed} {
		if !o.Duplicate || o.DuplicateOf != first.BatchID || o.Reason != batch.DU01 || len(o.Reports) != 1 {
			t.Fatalf("outcome %+v, want DU01 of %s with a report", o, first.BatchID)
		}
		rep, _ := os.ReadFile(o.Reports[0])
		if !strings.Contains(string(rep), "<Cd>DU01</Cd>") || !strings.Contains(string(rep), "<GrpSts>RJCT</GrpSts>") {
			t.Fatalf("DU01 report: %s", rep)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if h.fake.submits.Load() != sent {
		t.Fatal("a duplicate file sent payments")
	}
}

const truncatedXML = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>TRUNC-1</MsgId><CreDtTm>2026-11-20T10:00:00</CreDtTm><NbOfTxs>2</NbOfTxs><CtrlSum>20.00</CtrlSum><InitgPty><Nm>ACME</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>P1</PmtInfId><PmtMtd>TRF</PmtMtd><ReqdExctnDt>2026-11-20</ReqdExctnDt><Dbtr><Nm>ACME</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></DbtrAgt>
<CdtTrfTxInf><PmtId><EndToEndId>E1</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">10.00</InstdAmt></Amt><Cdtr><Nm>Anna</Nm></Cdtr><CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct></CdtTrfTxInf>
<CdtTrfTxInf><PmtId><EndToEndId>E2</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">10.00</InstdAmt></Amt><Cdtr><Nm>Bo`

// A truncated file is never partly paid: the payment read before the cut
// is stored but never released, and the file is rejected FF01.
func TestTruncatedFileIsNeverPartlyPaid(t *testing.T) {
	h := newHarness(t, nil)
	out := h.ingest(writeFile(t, t.TempDir(), "cut.xml", truncatedXML))
	if !out.Rejected || out.Reason != batch.FF01 {
		t.Fatalf("outcome %+v, want FF01 rejection", out)
	}
	time.Sleep(50 * time.Millisecond)
	if h.fake.submits.Load() != 0 {
		t.Fatal("a payment of a truncated file was sent")
	}
	b, _ := h.store.GetBatch(context.Background(), out.BatchID)
	if b.Stage != store.StageRejected || b.Status != batch.RJCT {
		t.Fatalf("batch %+v", b)
	}
	rep, _ := os.ReadFile(out.Reports[0])
	if !strings.Contains(string(rep), "<Cd>FF01</Cd>") {
		t.Fatalf("report lacks FF01: %s", rep)
	}
}

func TestCountMismatchRejectsWholeFile(t *testing.T) {
	h := newHarness(t, nil)
	x := strings.Replace(truncatedXML, "<Cdtr><Nm>Bo", `<Cdtr><Nm>Bob</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></CdtTrfTxInf></PmtInf></CstmrCdtTrfInitn></Document>`, 1)
	x = strings.Replace(x, "<NbOfTxs>2</NbOfTxs>", "<NbOfTxs>3</NbOfTxs>", 1)
	out := h.ingest(writeFile(t, t.TempDir(), "count.xml", x))
	if !out.Rejected || out.Reason != batch.AM18 {
		t.Fatalf("outcome %+v, want AM18", out)
	}
	time.Sleep(50 * time.Millisecond)
	if h.fake.submits.Load() != 0 {
		t.Fatal("a payment of a rejected file was sent")
	}
}

func TestGarbageIsFF01(t *testing.T) {
	h := newHarness(t, nil)
	out := h.ingest(writeFile(t, t.TempDir(), "junk.bin", "\x00\x01\x02garbage\xff\xfe"))
	if !out.Rejected || out.Reason != batch.FF01 || len(out.Reports) != 1 {
		t.Fatalf("outcome %+v", out)
	}
	if !strings.Contains(out.Explanation(), "FF01") {
		t.Fatalf("explanation %q", out.Explanation())
	}
}

// A payment dated tomorrow is held until its day; one dated today goes.
func TestFutureDatedPaymentWaitsForItsDay(t *testing.T) {
	// The clock runs from 2026-11-20 09:00 and can be moved to the next day.
	var mu sync.Mutex
	start := time.Now()
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return base.Add(time.Since(start)) }
	h := newHarness(t, clock)
	x := strings.Replace(truncatedXML, "<Cdtr><Nm>Bo", `<Cdtr><Nm>Bob</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></CdtTrfTxInf></PmtInf>
<PmtInf><PmtInfId>P2</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>1</NbOfTxs><ReqdExctnDt>2026-11-21</ReqdExctnDt><Dbtr><Nm>ACME</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></DbtrAgt>
<CdtTrfTxInf><PmtId><EndToEndId>E3</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">10.00</InstdAmt></Amt><Cdtr><Nm>Carl</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></CdtTrfTxInf></PmtInf></CstmrCdtTrfInitn></Document>`, 1)
	x = strings.Replace(x, "<NbOfTxs>2</NbOfTxs><CtrlSum>20.00</CtrlSum>", "<NbOfTxs>3</NbOfTxs><CtrlSum>30.00</CtrlSum>", 1)
	out := h.ingest(writeFile(t, t.TempDir(), "dated.xml", x))
	if out.Failed() {
		t.Fatalf("outcome %+v", out)
	}
	for deadline := time.Now().Add(20 * time.Second); h.fake.submits.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the engine ticks many times: the dated one must stay
	if n := h.fake.submits.Load(); n != 2 {
		t.Fatalf("%d submits before the requested day, want the 2 due today", n)
	}
	mu.Lock()
	base = time.Date(2026, 11, 21, 0, 0, 1, 0, time.UTC)
	start = time.Now()
	mu.Unlock()
	h.engine.Wake()
	b := h.waitFinal(out.BatchID)
	if h.fake.submits.Load() != 3 || b.Status != batch.ACSC {
		t.Fatalf("after the day came: %d submits, status %s", h.fake.submits.Load(), b.Status)
	}
}

// A replayed file, re-serialised so its bytes differ but with the same MsgId
// and initiating party, is a duplicate too.
func TestSameMsgIDIsDuplicate(t *testing.T) {
	h := newHarness(t, nil)
	src, err := os.ReadFile(sample("supplier-payments.pain.001.001.09.xml"))
	if err != nil {
		t.Fatal(err)
	}
	first := h.ingest(writeFile(t, t.TempDir(), "a.xml", string(src)))
	if first.Failed() {
		t.Fatalf("first: %+v", first)
	}
	h.waitFinal(first.BatchID)
	sent := h.fake.submits.Load()
	replay := strings.Replace(string(src), "?>", "?>\n<!-- exported again -->", 1)
	again := h.ingest(writeFile(t, t.TempDir(), "b.xml", replay))
	if !again.Duplicate || again.DuplicateOf != first.BatchID || !strings.Contains(again.Message, "MsgId") {
		t.Fatalf("replay: %+v", again)
	}
	time.Sleep(50 * time.Millisecond)
	if h.fake.submits.Load() != sent {
		t.Fatal("the replayed file sent payments")
	}
}

// A file uploaded again while its first copy's batch is still in flight is
// a duplicate when it arrives fresh in an inbox; offered again (recovered,
// retried, rerun) it resumes the batch instead.
func TestFreshCopyOfUnfinishedBatchIsDuplicate(t *testing.T) {
	var mu sync.Mutex
	start := time.Now()
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return base.Add(time.Since(start)) }
	h := newHarness(t, clock)
	// One payment dated tomorrow keeps the batch unfinished today.
	x := strings.Replace(truncatedXML, "<Cdtr><Nm>Bo", `<Cdtr><Nm>Bob</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></CdtTrfTxInf></PmtInf>
<PmtInf><PmtInfId>P2</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>1</NbOfTxs><ReqdExctnDt>2026-11-21</ReqdExctnDt><Dbtr><Nm>ACME</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></DbtrAgt>
<CdtTrfTxInf><PmtId><EndToEndId>E3</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">10.00</InstdAmt></Amt><Cdtr><Nm>Carl</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></CdtTrfTxInf></PmtInf></CstmrCdtTrfInitn></Document>`, 1)
	x = strings.Replace(x, "<NbOfTxs>2</NbOfTxs><CtrlSum>20.00</CtrlSum>", "<NbOfTxs>3</NbOfTxs><CtrlSum>30.00</CtrlSum>", 1)
	path := writeFile(t, t.TempDir(), "dated.xml", x)
	first := h.ingest(path)
	if first.Failed() {
		t.Fatalf("outcome %+v", first)
	}
	fresh, err := h.pipe.Ingest(context.Background(), Input{Path: path, Name: "dated-again.xml", Source: "test", Fresh: true})
	if err != nil {
		t.Fatal(err)
	}
	if !fresh.Duplicate || fresh.DuplicateOf != first.BatchID || fresh.Reason != batch.DU01 || len(fresh.Reports) != 1 {
		t.Fatalf("fresh copy: outcome %+v, want DU01 of %s", fresh, first.BatchID)
	}
	again := h.ingest(path)
	if !again.Resumed || again.BatchID != first.BatchID || again.Failed() {
		t.Fatalf("offered again: outcome %+v, want the batch resumed", again)
	}
}

// A copy left half-written by a process killed mid-ingest is removed; the
// copies batches keep are not.
func TestRemoveStaging(t *testing.T) {
	h := newHarness(t, nil)
	out := h.ingest(writeFile(t, t.TempDir(), "a.xml", truncatedXML))
	files := filepath.Join(h.dir, "files")
	kept, err := os.ReadDir(files)
	if err != nil || len(kept) == 0 {
		t.Fatalf("files dir after ingest of %s: %v %v", out.BatchID, kept, err)
	}
	for _, name := range []string{".staging-123", ".staging-456"} {
		if err := os.WriteFile(filepath.Join(files, name), []byte("<Doc"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n, err := h.pipe.RemoveStaging()
	if err != nil || n != 2 {
		t.Fatalf("RemoveStaging: %d, %v; want 2", n, err)
	}
	after, _ := os.ReadDir(files)
	if len(after) != len(kept) {
		t.Fatalf("files dir: %v, want just %v", after, kept)
	}
	for _, e := range after {
		if strings.HasPrefix(e.Name(), ".staging-") {
			t.Errorf("%s left", e.Name())
		}
	}
}
