package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/parser"
	"github.com/paybatch/paybatch/reports"
)

// rejectFile rejects a whole file: every payment stored so far becomes RJCT
// with the file's reason, the batch is final, and an RJCT pain.002 goes out.
// Nothing of it was ever visible to the engine (the batch never reached the
// dispatching stage), so nothing of it was paid.
func (p *Pipeline) rejectFile(ctx context.Context, b *store.BatchRecord, infos []*batch.PaymentInfo, code batch.ReasonCode, msg string) (*Outcome, error) {
	p.o.Log.Warn("file rejected", "file", b.FileName, "batch", b.ID, "reason", code, "message", msg)
	if b.CreatedAt.IsZero() {
		b.Stage = store.StageReceived
		if err := p.o.Store.CreateBatch(ctx, b, nil); err != nil {
			return nil, err
		}
	}
	if err := p.o.Store.AddPaymentInfos(ctx, b.ID, infos); err != nil {
		return nil, err
	}
	if err := p.o.Store.RejectPayments(ctx, b.ID, code, msg); err != nil {
		return nil, err
	}
	err := p.o.Store.UpdateBatch(ctx, b.ID, "file rejected", func(rec *store.BatchRecord) error {
		rec.Stage = store.StageRejected
		rec.Status = batch.RJCT
		rec.Reason = code
		rec.ReasonText = msg
		rec.FileIssues = b.FileIssues
		// What the file held, all of it rejected: status and reports show
		// the count and sum the sender can compare with NbOfTxs/CtrlSum.
		rec.Payments, rec.Valid, rec.Invalid, rec.ControlSum = b.Payments, 0, b.Payments, b.ControlSum
		rec.FinishedAt = p.o.Now()
		*b = *rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.reportRejection(ctx, b)
}

// reportRejection writes the RJCT pain.002 of a rejected batch and records
// it. Ingest calls it again for a rejected batch whose report was never
// written (the outbox failed): the sender must get the rejection, not a
// DU01 for a file it never heard back about.
func (p *Pipeline) reportRejection(ctx context.Context, b *store.BatchRecord) (*Outcome, error) {
	out := &Outcome{BatchID: b.ID, Format: b.Header.Format, Rejected: true, Reason: b.Reason, Message: b.ReasonText}
	path, err := p.writePain002(ctx, b, reports.StageFinal)
	if err != nil {
		return nil, err
	}
	out.Reports = append(out.Reports, path)
	return out, p.o.Store.UpdateBatch(ctx, b.ID, "rejection report written", func(rec *store.BatchRecord) error {
		rec.FinalReportAt = p.o.Now()
		return nil
	})
}

// duplicate answers DU01 for a file seen before. The duplicate is not
// stored as a batch of its own (its sha256 or MsgId is the earlier one's);
// it gets an RJCT pain.002 naming the batch it duplicates.
func (p *Pipeline) duplicate(ctx context.Context, in Input, prev *store.BatchRecord, why string) (*Outcome, error) {
	p.o.Log.Warn("duplicate file rejected", "file", in.Name, "duplicate_of", prev.ID, "why", why)
	h := prev.Header
	if hdr, ok := peekHeader(in.Path); ok {
		h = hdr
	}
	id := store.NewBatchID(p.o.Now())
	rb := &reports.Batch{ID: id, Header: h, FileStatus: batch.RJCT, FileReason: batch.DU01,
		FileReasonText: fmt.Sprintf("duplicate of batch %s: %s", prev.ID, why), Sandbox: p.o.Sandbox}
	path, err := p.outbox(in.Source).Put(ctx, reports.ReportName(id, reports.StageFinal, "pain002.xml"), func(w io.Writer) error {
		return reports.WritePain002(w, p.reportVersion(h), rb, reports.StageFinal, noPayments, p.reportOptions())
	})
	if err != nil {
		return nil, fmt.Errorf("write DU01 report for %s: %w", in.Name, err)
	}
	return &Outcome{BatchID: id, Format: h.Format, Duplicate: true, DuplicateOf: prev.ID, Reason: batch.DU01,
		Message: why, Reports: []string{path}}, nil
}

// peekHeader reads just the header of a file, for reports about it.
func peekHeader(path string) (batch.Header, bool) {
	f, err := os.Open(path)
	if err != nil {
		return batch.Header{}, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return batch.Header{}, false
	}
	r, err := parser.Open(f, st.Size(), parser.Options{})
	if err != nil {
		return batch.Header{}, false
	}
	defer r.Close()
	return *r.Header(), true
}

// resume continues a batch that a crash or a timeout interrupted.
func (p *Pipeline) resume(ctx context.Context, in Input, b *store.BatchRecord) (*Outcome, error) {
	out := &Outcome{BatchID: b.ID, Format: b.Header.Format, Resumed: true}
	switch b.Stage {
	case store.StageReceived:
		// Interrupted while storing: read the file again. Payments and
		// blocks already stored are kept as they are (AddPayments is
		// idempotent per index), so their keys do not change.
		// Ingest put the hashed copy in place if it was missing.
		f, err := os.Open(p.copyPath(b.ID))
		if err != nil {
			return nil, fmt.Errorf("reopen %s: %w", in.Name, err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		r, err := parser.Open(f, st.Size(), parser.Options{})
		if err != nil {
			return nil, fmt.Errorf("reopen %s: %w", in.Name, err)
		}
		defer r.Close()
		o, err := p.load(ctx, b, r)
		if o != nil {
			o.Resumed = true
		}
		return o, err
	case store.StageValidated:
		o, err := p.acknowledge(ctx, b)
		if o != nil {
			o.Resumed = true
		}
		return o, err
	}
	out.Valid, out.Invalid = b.Valid, b.Invalid
	p.o.Wake()
	return out, nil
}

// acknowledge writes the acknowledgement pain.002 and releases the valid
// payments to the engine.
func (p *Pipeline) acknowledge(ctx context.Context, b *store.BatchRecord) (*Outcome, error) {
	out := &Outcome{BatchID: b.ID, Format: b.Header.Format, Valid: b.Valid, Invalid: b.Invalid}
	if b.AckReportAt.IsZero() {
		path, err := p.writePain002(ctx, b, reports.StageAck)
		if err != nil {
			return nil, err
		}
		out.Reports = append(out.Reports, path)
	}
	err := p.o.Store.UpdateBatch(ctx, b.ID, "acknowledged, released to dispatch", func(rec *store.BatchRecord) error {
		if rec.AckReportAt.IsZero() {
			rec.AckReportAt = p.o.Now()
		}
		rec.Stage = store.StageDispatching
		*b = *rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.o.Log.Info("batch released to dispatch", "batch", b.ID, "valid", b.Valid, "invalid", b.Invalid)
	p.o.Wake()
	// A batch with nothing to send is complete at once (and one whose
	// payments the engine finished already, racing us, may be too). The
	// batch is stored, acknowledged and released, so a final report that
	// cannot be written now fails completion, not the ingest: Complete is
	// retried by the daemon's completion loop and by process's wait.
	paths, err := p.Complete(ctx, b.ID, false)
	if err != nil {
		p.o.Log.Warn("final report not written yet; completion retries it", "batch", b.ID, "err", err)
	}
	out.Reports = append(out.Reports, paths...)
	return out, nil
}
