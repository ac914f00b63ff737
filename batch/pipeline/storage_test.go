package pipeline

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
)

var errDiskFull = errors.New("no space left on device (simulated)")

// flakyOutbox fails every Put whose name contains one of fail, as a full
// disk or an unwritable folder would, until healed.
type flakyOutbox struct {
	Outbox
	mu     sync.Mutex
	fail   []string
	failed int
}

func (f *flakyOutbox) Put(ctx context.Context, name string, write func(io.Writer) error) (string, error) {
	f.mu.Lock()
	for _, s := range f.fail {
		if strings.Contains(name, s) {
			f.failed++
			f.mu.Unlock()
			// Half a report was written before the disk filled up.
			_ = write(io.Discard)
			return "", errDiskFull
		}
	}
	f.mu.Unlock()
	return f.Outbox.Put(ctx, name, write)
}

func (f *flakyOutbox) heal() { f.mu.Lock(); f.fail = nil; f.mu.Unlock() }

func (h *harness) flaky(fail ...string) *flakyOutbox {
	f := &flakyOutbox{Outbox: DirOutbox(h.outbox), fail: fail}
	h.pipe.o.DefaultOutbox = f
	return f
}

func (h *harness) waitSent(id string) {
	h.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		pr, err := h.pipe.Progress(context.Background(), id)
		if err != nil {
			h.t.Fatal(err)
		}
		if pr.Open() == 0 {
			return
		}
	}
	h.t.Fatal("payments not final in time")
}

// countOutbox counts the reports of a stage and kind, "-2" names included.
func (h *harness) countOutbox(stage, kind string) int {
	n := 0
	for _, name := range h.outboxFiles() {
		if strings.Contains(name, stage) && strings.Contains(name, kind) {
			n++
		}
	}
	return n
}

// The final report cannot be written (disk full): the batch is not marked
// final, and a later CompleteAll writes it once the disk has room.
func TestStorageFinalReportRetried(t *testing.T) {
	h := newHarness(t, nil)
	ob := h.flaky(".final.")
	out := h.ingest(sample("payroll.pain.001.001.03.xml"))
	h.waitSent(out.BatchID)
	for range 3 {
		if _, err := h.pipe.Complete(context.Background(), out.BatchID, false); !errors.Is(err, errDiskFull) {
			t.Fatalf("complete with a full disk: %v, want the write error", err)
		}
		if err := h.pipe.CompleteAll(context.Background()); !errors.Is(err, errDiskFull) {
			t.Fatalf("complete all with a full disk: %v", err)
		}
	}
	b, _ := h.store.GetBatch(context.Background(), out.BatchID)
	if b.Stage != store.StageDispatching || !b.FinalReportAt.IsZero() || h.countOutbox(".final", "") != 0 {
		t.Fatalf("stage %s, final report at %v, %d final files: nothing may be marked done before the report exists",
			b.Stage, b.FinalReportAt, h.countOutbox(".final", ""))
	}
	ob.heal()
	if err := h.pipe.CompleteAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, _ = h.store.GetBatch(context.Background(), out.BatchID)
	if b.Stage != store.StageFinal || b.FinalReportAt.IsZero() {
		t.Fatalf("after the disk healed: stage %s, final report at %v", b.Stage, b.FinalReportAt)
	}
	if n := h.countOutbox(".final", ".pain002"); n != 1 {
		t.Fatalf("%d final pain.002 files, want 1", n)
	}
}

// The pain.002 was written but the summary failed: the retry must not
// leave two final pain.002 files for the ERP to read.
func TestStorageSummaryFailsAfterPain002(t *testing.T) {
	h := newHarness(t, nil)
	ob := h.flaky(".final.summary")
	out := h.ingest(sample("payroll.csv"))
	h.waitSent(out.BatchID)
	if _, err := h.pipe.Complete(context.Background(), out.BatchID, false); !errors.Is(err, errDiskFull) {
		t.Fatalf("complete: %v, want the write error", err)
	}
	ob.heal()
	if err := h.pipe.CompleteAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, _ := h.store.GetBatch(context.Background(), out.BatchID)
	if b.Stage != store.StageFinal {
		t.Fatalf("stage %s", b.Stage)
	}
	if n := h.countOutbox(".final", ".pain002"); n != 1 {
		t.Fatalf("%d final pain.002 files after a retried summary, want 1: %v", n, h.outboxFiles())
	}
	if n := h.countOutbox(".final", ".summary.csv"); n != 1 {
		t.Fatalf("%d summaries, want 1: %v", n, h.outboxFiles())
	}
}

// The acknowledgement cannot be written: Ingest fails, nothing is released
// to the engine, and offering the file again acknowledges and sends it.
func TestStorageAckUnwritableHoldsTheBatch(t *testing.T) {
	h := newHarness(t, nil)
	ob := h.flaky(".ack.")
	path := sample("payroll.pain.001.001.03.xml")
	if _, err := h.pipe.Ingest(context.Background(), Input{Path: path, Name: "payroll.xml", Source: "test"}); !errors.Is(err, errDiskFull) {
		t.Fatalf("ingest with the outbox full: %v", err)
	}
	h.engine.Wake()
	time.Sleep(30 * time.Millisecond)
	if n := h.fake.submits.Load(); n != 0 {
		t.Fatalf("%d payments sent before the acknowledgement existed", n)
	}
	ob.heal()
	out := h.ingest(path)
	if !out.Resumed || out.Failed() {
		t.Fatalf("outcome %+v, want the batch resumed", out)
	}
	b := h.waitFinal(out.BatchID)
	if b.AckReportAt.IsZero() || h.countOutbox(".ack", ".pain002") != 1 {
		t.Fatalf("ack at %v, files %v", b.AckReportAt, h.outboxFiles())
	}
}

// The rejection report of a bad file cannot be written: offered again, the
// file gets its FF01 report, not a DU01 "already processed" for a
// rejection the sender never saw.
func TestStorageRejectionReportRetried(t *testing.T) {
	h := newHarness(t, nil)
	ob := h.flaky(".final.")
	path := writeFile(t, t.TempDir(), "junk.xml", "<?xml version=\"1.0\"?><nope/>")
	if _, err := h.pipe.Ingest(context.Background(), Input{Path: path, Name: "junk.xml", Source: "test"}); !errors.Is(err, errDiskFull) {
		t.Fatalf("ingest with the outbox full: %v", err)
	}
	ob.heal()
	out := h.ingest(path)
	if !out.Rejected || out.Reason != batch.FF01 || out.Duplicate || len(out.Reports) != 1 {
		t.Fatalf("outcome %+v, want the FF01 rejection written now", out)
	}
	rep, _ := os.ReadFile(out.Reports[0])
	if !strings.Contains(string(rep), "<Cd>FF01</Cd>") {
		t.Fatalf("report: %s", rep)
	}
	b, _ := h.store.GetBatch(context.Background(), out.BatchID)
	if b.FinalReportAt.IsZero() {
		t.Fatal("rejection report not recorded")
	}
	// Now it is a duplicate.
	again := h.ingest(path)
	if !again.Duplicate {
		t.Fatalf("third offer: %+v, want DU01", again)
	}
}

// A read-only outbox folder (permissions, a remount) or one that is gone
// (replaced by a file) behaves like a full disk: Ingest fails, nothing is
// released, and the file offered again goes through once it is writable.
func TestStorageUnwritableOutboxFolder(t *testing.T) {
	h := newHarness(t, nil)
	var want error
	if os.Geteuid() != 0 {
		if err := os.Chmod(h.outbox, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(h.outbox, 0o750) })
		want = os.ErrPermission
	} else {
		// root ignores permissions: take the folder away instead.
		if err := os.Remove(h.outbox); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(h.outbox, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		want = syscall.ENOTDIR
	}
	path := sample("payroll.pain.001.001.03.xml")
	if _, err := h.pipe.Ingest(context.Background(), Input{Path: path, Name: "payroll.xml", Source: "test"}); !errors.Is(err, want) {
		t.Fatalf("ingest into an unwritable outbox: %v, want %v", err, want)
	}
	time.Sleep(30 * time.Millisecond)
	if n := h.fake.submits.Load(); n != 0 {
		t.Fatalf("%d payments sent without an acknowledgement", n)
	}
	os.Remove(h.outbox)
	if err := os.MkdirAll(h.outbox, 0o750); err != nil {
		t.Fatal(err)
	}
	os.Chmod(h.outbox, 0o750)
	out := h.ingest(path)
	h.waitFinal(out.BatchID)
}

// A batch with nothing to send is completed by Ingest itself; when its
// final report cannot be written, the batch is still acknowledged and
// Ingest succeeds (the file must not be retried as if unread), and
// completion writes the report once the disk is back.
func TestStorageFinalOfEmptyBatchRetriedByCompletion(t *testing.T) {
	h := newHarness(t, nil)
	ob := h.flaky(".final.")
	path := writeFile(t, t.TempDir(), "bad.csv", "end_to_end_id,amount,currency,creditor_name,creditor_iban\nE1,10.00,EUR,Bob,DE00370400440532013000\n")
	out, err := h.pipe.Ingest(context.Background(), Input{Path: path, Name: "bad.csv", Source: "test"})
	if err != nil {
		t.Fatalf("ingest: %v; the final report's failure must not fail the ingest", err)
	}
	if out.Failed() || out.Valid != 0 || out.Invalid != 1 || h.countOutbox(".ack", ".pain002") != 1 {
		t.Fatalf("outcome %+v, outbox %v", out, h.outboxFiles())
	}
	b, _ := h.store.GetBatch(context.Background(), out.BatchID)
	if b.Stage != store.StageDispatching || h.countOutbox(".final", "") != 0 {
		t.Fatalf("stage %s, outbox %v: nothing final before the report exists", b.Stage, h.outboxFiles())
	}
	ob.heal()
	if err := h.pipe.CompleteAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b, _ = h.store.GetBatch(context.Background(), out.BatchID); b.Stage != store.StageFinal || h.countOutbox(".final", ".pain002") != 1 {
		t.Fatalf("after the disk healed: stage %s, outbox %v", b.Stage, h.outboxFiles())
	}
}
