package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/reports"
)

// Progress counts a batch's payments by where they stand.
type Progress struct {
	Total, Settled, Rejected, Pending, Review int
}

// Open is the number of payments the engine is still working on.
func (pr Progress) Open() int { return pr.Total - pr.Settled - pr.Rejected - pr.Review }

// Progress reads a batch's counts from the store.
func (p *Pipeline) Progress(ctx context.Context, batchID string) (Progress, error) {
	byState, err := p.o.Store.CountByState(ctx, batchID)
	if err != nil {
		return Progress{}, err
	}
	byStatus, err := p.o.Store.CountByStatus(ctx, batchID)
	if err != nil {
		return Progress{}, err
	}
	var pr Progress
	for _, n := range byState {
		pr.Total += n
	}
	pr.Review = byState[batch.Review]
	pr.Settled = byStatus[batch.ACSC]
	pr.Rejected = byStatus[batch.RJCT]
	pr.Pending = pr.Total - pr.Settled - pr.Rejected
	return pr, nil
}

// Complete writes the final report and the summary of a batch whose
// payments are all terminal, and marks it final. With atDeadline, it writes
// the "final" report even though some payments are still open (they show as
// PDNG); the batch stays unfinished and gets another final report when they
// resolve. It returns the paths of the reports it wrote (none when the
// batch is not complete yet).
func (p *Pipeline) Complete(ctx context.Context, batchID string, atDeadline bool) ([]string, error) {
	mu := p.batchLock(batchID)
	mu.Lock()
	defer mu.Unlock()
	b, err := p.o.Store.GetBatch(ctx, batchID)
	if err != nil {
		return nil, err
	}
	if b.Stage != store.StageDispatching {
		return nil, nil
	}
	pr, err := p.Progress(ctx, batchID)
	if err != nil {
		return nil, err
	}
	done := pr.Open() == 0
	if !done && !atDeadline {
		return nil, nil
	}
	// Summaries first, the pain.002 last: a failure in between (disk full)
	// makes the retry write everything again under -2 names, and the
	// pain.002 is what ERPs read, so it must never be the one doubled.
	// It is also the completion signal: when it appears, all is there.
	summaries, err := p.writeSummary(ctx, b)
	if err != nil {
		return nil, err
	}
	path, err := p.writePain002(ctx, b, reports.StageFinal)
	if err != nil {
		return nil, err
	}
	paths := append([]string{path}, summaries...)
	status := groupStatus(pr)
	err = p.o.Store.UpdateBatch(ctx, batchID, "final report written", func(rec *store.BatchRecord) error {
		rec.FinalReportAt = p.o.Now()
		rec.Status = status
		if done {
			rec.Stage = store.StageFinal
			rec.FinishedAt = p.o.Now()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.o.Log.Info("batch final report written", "batch", batchID, "status", status, "settled", pr.Settled,
		"rejected", pr.Rejected, "pending", pr.Pending, "complete", done)
	return paths, nil
}

func groupStatus(pr Progress) batch.Status {
	switch {
	case pr.Total-pr.Settled-pr.Rejected > 0:
		return batch.PDNG
	case pr.Rejected == pr.Total:
		return batch.RJCT
	case pr.Settled == pr.Total:
		return batch.ACSC
	}
	return batch.PART
}

// CompleteAll completes every dispatching batch whose payments are all
// terminal; the daemon calls it periodically.
func (p *Pipeline) CompleteAll(ctx context.Context) error {
	bs, err := p.o.Store.UnfinishedBatches(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, b := range bs {
		if b.Stage != store.StageDispatching {
			continue
		}
		if _, err := p.Complete(ctx, b.ID, false); err != nil {
			errs = append(errs, fmt.Errorf("batch %s: %w", b.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (p *Pipeline) batchLock(id string) *sync.Mutex {
	p.mu.Lock()
	defer p.mu.Unlock()
	mu, ok := p.finalize[id]
	if !ok {
		mu = &sync.Mutex{}
		p.finalize[id] = mu
	}
	return mu
}

// writePain002 writes a batch's pain.002 of the given stage to its outbox.
func (p *Pipeline) writePain002(ctx context.Context, b *store.BatchRecord, stage reports.Stage) (string, error) {
	path, err := p.outbox(b.Source).Put(ctx, reports.ReportName(b.ID, stage, "pain002.xml"), func(w io.Writer) error {
		return p.pain002(ctx, b, stage, w)
	})
	if err != nil {
		return "", fmt.Errorf("write %s pain.002 of batch %s: %w", stage, b.ID, err)
	}
	p.o.Log.Info("report written", "batch", b.ID, "stage", stage, "path", path)
	return path, nil
}

func (p *Pipeline) pain002(ctx context.Context, b *store.BatchRecord, stage reports.Stage, w io.Writer) error {
	infos, err := p.o.Store.PaymentInfos(ctx, b.ID)
	if err != nil {
		return err
	}
	rb := &reports.Batch{ID: b.ID, Header: b.Header, Infos: infos, Sandbox: p.o.Sandbox}
	if b.Stage == store.StageRejected {
		rb.FileStatus, rb.FileReason, rb.FileReasonText = batch.RJCT, b.Reason, b.ReasonText
	}
	var iterErr error
	err = reports.WritePain002(w, p.reportVersion(b.Header), rb, stage, p.results(ctx, b.ID, stage == reports.StageFinal, &iterErr), p.reportOptions())
	return errors.Join(err, iterErr)
}

func (p *Pipeline) reportOptions() reports.Options {
	return reports.Options{Now: p.o.Now, InitiatingPartyName: p.o.InitiatingParty}
}

var errStop = errors.New("stop")

// results streams a batch's payments, in file order, as report rows. In a
// final report (final), payments still open show as PDNG: a final report
// written at a deadline must not present them as in progress normally.
type resultSeq = iter.Seq[reports.PaymentResult]

func (p *Pipeline) results(ctx context.Context, batchID string, final bool, errp *error) resultSeq {
	return func(yield func(reports.PaymentResult) bool) {
		err := p.o.Store.Payments(ctx, batchID, func(d *batch.Dispatch) error {
			if !yield(resultOf(d, final)) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			*errp = err
		}
	}
}

func resultOf(d *batch.Dispatch, final bool) reports.PaymentResult {
	r := reports.PaymentResult{Payment: d.Payment, Status: d.Status, Reason: d.Reason, Provider: d.Provider, ProviderRef: d.Ref}
	if d.State == batch.Review || (final && !d.State.Terminal()) {
		r.Status = batch.PDNG
	}
	r.AddtlInf = d.Text
	if d.ProviderCode != "" {
		r.AddtlInf = d.ProviderCode + ": " + d.Text
	}
	return r
}

func noPayments(func(reports.PaymentResult) bool) {}
