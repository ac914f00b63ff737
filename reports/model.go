package reports

import (
	"time"

	"github.com/paybatch/paybatch/batch"
)

// Stage says which of the two reports of a batch is written.
type Stage string

const (
	// StageAck is the acknowledgement written after validation.
	StageAck Stage = "ack"
	// StageFinal is written when every payment is terminal, or at the
	// deadline with the ones still open reported as pending.
	StageFinal Stage = "final"
)

func (s Stage) valid() bool { return s == StageAck || s == StageFinal }

// Batch is what the pipeline knows about a batch apart from its payments,
// which stream separately so that none of the writers holds them all.
type Batch struct {
	ID     string
	Header batch.Header
	Infos  []*batch.PaymentInfo

	// FileStatus is RJCT when the whole file was rejected (FF01, DU01, AM18,
	// AM10); FileReason and FileReasonText say why.
	FileStatus     batch.Status
	FileReason     batch.ReasonCode
	FileReasonText string

	// Sandbox marks a batch run against the simulators: every report says
	// loudly that no real money moved.
	Sandbox bool
}

// fileRejected reports whether the whole file was rejected.
func (b *Batch) fileRejected() bool {
	return b.FileStatus == batch.RJCT || b.FileReason.FileLevel()
}

// PaymentResult is one payment with where it stands.
type PaymentResult struct {
	Payment *batch.Payment
	Status  batch.Status
	Reason  batch.ReasonCode
	// AddtlInf is the provider's code and text for NARR, or the validation
	// message for our own rejections.
	AddtlInf    string
	Provider    string
	ProviderRef string
}

// SandboxNote is the group-status AddtlInf of every sandbox report.
const SandboxNote = "SANDBOX: no real money moved"

// Options are the parts of a report that do not come from the batch.
type Options struct {
	// Now is the clock for CreDtTm and the derived MsgId; time.Now if nil.
	// Tests inject it so golden files are stable.
	Now func() time.Time
	// InitiatingPartyName goes to GrpHdr/InitgPty/Nm; omitted when empty.
	InitiatingPartyName string
	// MsgID overrides the derived GrpHdr/MsgId.
	MsgID string
	// Seq numbers later reports of the same stage (2 for the second final
	// report); 0 and 1 mean the first.
	Seq int
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}
