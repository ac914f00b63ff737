package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/parser"
)

// Input is one file to process.
type Input struct {
	Path   string // a local file the pipeline may read (a staged copy)
	Name   string // the file's name as the user gave it
	Source string // the inbox it came from; its outbox gets the reports
	// Fresh marks a file that just arrived in an inbox, as opposed to one
	// offered again (recovered from processing/, retried after an error, or
	// rerun by `process`). A fresh file with the content of an unfinished
	// batch is a second upload and is rejected DU01; otherwise it resumes
	// that batch.
	Fresh bool
}

// Outcome says what Ingest did with a file.
type Outcome struct {
	BatchID string
	Format  string
	// Duplicate: the file (or its MsgId + initiating party) was processed
	// before; DuplicateOf names that batch. Nothing was sent.
	Duplicate   bool
	DuplicateOf string
	// Resumed: the batch existed and was unfinished; it goes on.
	Resumed bool
	// Rejected: the whole file was rejected (Reason says why).
	Rejected bool
	Reason   batch.ReasonCode
	Message  string
	Reports  []string // paths of the reports written now
	Valid    int
	Invalid  int
}

// Failed reports whether the input file should go to failed/ rather than
// archive/: it was rejected as a whole or was a duplicate.
func (o *Outcome) Failed() bool { return o.Rejected || o.Duplicate }

// Explanation is the text for the failed/ folder's .error.txt.
func (o *Outcome) Explanation() string {
	if o.Duplicate {
		return fmt.Sprintf("%s: %s (already processed as batch %s); nothing was paid again\n", batch.DU01, o.Message, o.DuplicateOf)
	}
	return fmt.Sprintf("%s: %s\nbatch %s: the whole file was rejected and nothing was paid\n", o.Reason, o.Message, o.BatchID)
}

// Ingest takes one file through duplicate check, parsing, validation,
// routing and storage, writes the acknowledgement report and releases the
// valid payments to the engine. An error means an I/O or database failure:
// the file was not consumed and may be offered again (Ingest resumes).
func (p *Pipeline) Ingest(ctx context.Context, in Input) (*Outcome, error) {
	// The file is read once: hashed while it is copied into the files dir.
	// Hashing in.Path and copying it in a second read would let a file that
	// changes in between be parsed (and paid) under another file's sha256,
	// defeating the duplicate check.
	staged, sum, err := p.stage(in.Path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", in.Name, err)
	}
	defer os.Remove(staged) // a no-op once it was renamed into place
	log := p.o.Log.With("file", in.Name, "source", in.Source)

	prev, err := p.o.Store.FindBySHA256(ctx, sum)
	switch {
	case err == nil && !prev.Stage.Done() && in.Fresh:
		return p.duplicate(ctx, in, prev, "the same file (sha256 "+sum[:12]+"…) is being processed")
	case err == nil && !prev.Stage.Done():
		log.Info("resuming unfinished batch", "batch", prev.ID, "stage", prev.Stage)
		if _, err := os.Stat(p.copyPath(prev.ID)); errors.Is(err, fs.ErrNotExist) {
			// Same bytes as hashed (the sha256 matched), so the staged
			// copy may stand in for the lost one.
			if err := os.Rename(staged, p.copyPath(prev.ID)); err != nil {
				return nil, fmt.Errorf("keep a copy of %s: %w", in.Name, err)
			}
		}
		return p.resume(ctx, in, prev)
	case err == nil && prev.Stage == store.StageRejected && prev.FinalReportAt.IsZero():
		log.Info("writing the rejection report that could not be written before", "batch", prev.ID)
		return p.reportRejection(ctx, prev)
	case err == nil:
		// The duplicate report describes the staged copy: the bytes hashed.
		in.Path = staged
		return p.duplicate(ctx, in, prev, "the same file (sha256 "+sum[:12]+"…) was processed before")
	case !store.IsNotFound(err):
		return nil, err
	}

	b := &store.BatchRecord{ID: store.NewBatchID(p.o.Now()), FileName: in.Name, Source: in.Source, SHA256: sum}
	if err := os.Rename(staged, p.copyPath(b.ID)); err != nil {
		return nil, fmt.Errorf("keep a copy of %s: %w", in.Name, err)
	}
	return p.ingestNew(ctx, in, b, log)
}

func (p *Pipeline) ingestNew(ctx context.Context, in Input, b *store.BatchRecord, log interface {
	Info(string, ...any)
}) (*Outcome, error) {
	f, err := os.Open(p.copyPath(b.ID))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	r, err := parser.Open(f, st.Size(), parser.Options{})
	if err == nil {
		defer r.Close()
	}
	if err != nil {
		var fe *batch.FileError
		if !errors.As(err, &fe) {
			return nil, fmt.Errorf("open %s: %w", in.Name, err)
		}
		b.Header = batch.Header{Format: "unknown"}
		return p.rejectFile(ctx, b, nil, fe.Code, fe.Error())
	}
	b.Header = *r.Header()
	log.Info("file recognised", "batch", b.ID, "format", b.Header.Format, "msg_id", b.Header.MsgID)

	if b.Header.MsgID != "" {
		// The store matches party against the stored initiating party id,
		// or the name where a batch has no id: pass the id, else the name.
		party := b.Header.InitiatingPartyID
		if party == "" {
			party = b.Header.InitiatingPartyName
		}
		prev, err := p.o.Store.FindByMsgID(ctx, b.Header.MsgID, party)
		if err == nil {
			return p.duplicate(ctx, in, prev, fmt.Sprintf("MsgId %q of %q was processed before", b.Header.MsgID, b.Header.InitiatingPartyName))
		}
		if !store.IsNotFound(err) {
			return nil, err
		}
	}

	b.Stage = store.StageReceived
	if err := p.o.Store.CreateBatch(ctx, b, nil); err != nil {
		return nil, err
	}
	return p.load(ctx, b, r)
}

// load streams the payments into the store, then decides the file's fate.
func (p *Pipeline) load(ctx context.Context, b *store.BatchRecord, r parser.Reader) (*Outcome, error) {
	tabular := b.Header.Format == "csv" || b.Header.Format == "xlsx"
	v := batch.NewValidator(batch.ValidateOptions{
		Lenient:           tabular,
		RequireEndToEndID: tabular,
		Today:             p.today(),
		ExpectedPayments:  b.Header.NbOfTxs,
	})
	chunk := make([]*batch.Dispatch, 0, p.o.ChunkSize)
	// Blocks are stored before the payments that refer to them.
	var newInfos []*batch.PaymentInfo
	seenInfo := map[int]bool{}
	flush := func() error {
		if err := p.o.Store.AddPaymentInfos(ctx, b.ID, newInfos); err != nil {
			return err
		}
		newInfos = newInfos[:0]
		if len(chunk) == 0 {
			return nil
		}
		if err := p.o.Store.AddPayments(ctx, b.ID, chunk); err != nil {
			return err
		}
		chunk = chunk[:0]
		return nil
	}
	rejected := 0
	for {
		pay, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var fe *batch.FileError
			if !errors.As(err, &fe) {
				fe = &batch.FileError{Code: batch.FF01, Message: "file unreadable", Err: err}
			}
			if err := flush(); err != nil {
				return nil, err
			}
			st := v.Stats()
			b.Payments, b.ControlSum = st.Payments, st.ControlSum
			return p.rejectFile(ctx, b, r.Infos(), fe.Code, fe.Error())
		}
		if pay.Info != nil && !seenInfo[pay.Info.Index] {
			seenInfo[pay.Info.Index] = true
			newInfos = append(newInfos, pay.Info)
		}
		v.Payment(pay)
		d := p.dispatchFor(b.ID, pay)
		if d.State == batch.Done {
			rejected++ // invalid, or no route the payment can take
		}
		chunk = append(chunk, d)
		if len(chunk) == cap(chunk) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	infos := r.Infos()
	stats := v.Stats()
	if fileIssues := v.Finish(&b.Header, infos); len(fileIssues) > 0 {
		msgs := make([]string, len(fileIssues))
		for i, is := range fileIssues {
			msgs[i] = is.String()
		}
		b.FileIssues = fileIssues
		b.Payments, b.ControlSum = stats.Payments, stats.ControlSum
		return p.rejectFile(ctx, b, infos, fileIssues[0].Code, strings.Join(msgs, "; "))
	}
	// Blocks without payments are stored too: the report lists them.
	if err := p.o.Store.AddPaymentInfos(ctx, b.ID, infos); err != nil {
		return nil, err
	}
	err := p.o.Store.UpdateBatch(ctx, b.ID, "validated", func(rec *store.BatchRecord) error {
		rec.Stage = store.StageValidated
		rec.Payments = stats.Payments
		rec.Invalid = rejected
		rec.Valid = stats.Payments - rejected
		rec.ControlSum = stats.ControlSum
		*b = *rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.acknowledge(ctx, b)
}

// dispatchFor builds the stored record of one parsed payment: routed and
// queued when valid, final RJCT with its first issue when not.
func (p *Pipeline) dispatchFor(batchID string, pay *batch.Payment) *batch.Dispatch {
	d := &batch.Dispatch{Payment: pay, Key: idempotencyKey(batchID, pay.Index)}
	if pay.Valid() {
		rt, issue := p.o.Router.Route(pay)
		if issue != nil {
			pay.Issues = append(pay.Issues, *issue)
			d.Provider = rt.Provider // the provider that cannot take it, if one was chosen
		} else {
			d.Provider, d.Account, d.User = rt.Provider, rt.Account, rt.User
			d.State = batch.Queued
			d.NextAt = p.notBefore(pay)
			return d
		}
	}
	first := pay.Issues[0]
	d.State = batch.Done
	d.Status = batch.RJCT
	d.Reason = first.Code
	d.Text = first.Field + ": " + first.Message
	d.Key = "" // never sent: no key, so nothing can ever be sent under it
	return d
}

// notBefore holds a future-dated payment until the start of its requested
// execution day in the configured timezone. Past or absent dates are due now
// (the validator noted past dates).
func (p *Pipeline) notBefore(pay *batch.Payment) time.Time {
	day, ok := pay.ExecutionDate(p.o.Location)
	if !ok || !day.After(p.today()) {
		return time.Time{}
	}
	return day
}

func (p *Pipeline) today() time.Time {
	now := p.o.Now().In(p.o.Location)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, p.o.Location)
}

// idempotencyKey is fixed before the first provider call and never changes.
// The batch id is unique per file, the index per payment in it.
func idempotencyKey(batchID string, index int) string {
	return fmt.Sprintf("%s.%d", batchID, index)
}

// openInput opens the file handed to Ingest; a variable so a test can
// change the file while the pipeline reads it.
var openInput = func(path string) (io.ReadCloser, error) { return os.Open(path) }

// stagingPattern names the temporary copies stage makes in the files dir.
const stagingPattern = ".staging-*"

// RemoveStaging deletes the temporary copies a process killed mid-ingest
// left in the files dir; it returns how many. Only the holder of the
// store's lease may call it: another process's copy in progress would go
// too. A staged copy is never referenced by the store (a batch's copy is
// renamed into place before its batch is committed), so nothing is lost.
func (p *Pipeline) RemoveStaging() (int, error) {
	names, err := filepath.Glob(filepath.Join(p.o.FilesDir, stagingPattern))
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, name := range names {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// stage copies src into the files dir under a temporary name, durably
// (fsync), and returns that name with the sha256 of exactly the bytes
// copied: the copy is what gets parsed, so hash and content always agree.
func (p *Pipeline) stage(src string) (path, sum string, err error) {
	in, err := openInput(src)
	if err != nil {
		return "", "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(p.o.FilesDir, stagingPattern)
	if err != nil {
		return "", "", err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	h := sha256.New()
	if _, err = io.Copy(io.MultiWriter(out, h), in); err != nil {
		return "", "", err
	}
	if err = out.Sync(); err != nil {
		return "", "", err
	}
	if err = out.Close(); err != nil {
		return "", "", err
	}
	return out.Name(), hex.EncodeToString(h.Sum(nil)), nil
}
