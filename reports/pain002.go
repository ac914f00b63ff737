package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// Errors of WritePain002, classified with errors.Is.
var (
	ErrVersion         = errors.New("reports: unsupported pain.002 version")
	ErrStage           = errors.New("reports: unknown report stage")
	ErrNoBatch         = errors.New("reports: no batch")
	ErrPaymentsChanged = errors.New("reports: payments changed between the two passes")
)

// maxAddtlInf bounds the AddtlInf chunks (Max105Text each) per status
// reason: enough for a provider's code and message, not for an HTML page.
const maxAddtlInf = 10

// WritePain002 writes the pain.002 status report of b at stage in version v.
//
// payments is walked twice: once to count statuses per PmtInf block (a
// block's status precedes its transactions in the XML) and once to write;
// both walks must yield the same payments in file order, as a store cursor
// ordered by payment index does. Memory is bounded by the number of blocks,
// not of payments. A file-level rejection reports the group only; payments
// may then be nil. On error the output is incomplete: write to a temporary
// file (WriteFileAtomic) so it never reaches an outbox.
func WritePain002(w io.Writer, v Pain002Version, b *Batch, stage Stage, payments iter.Seq[PaymentResult], opts Options) error {
	if !v.Valid() {
		return fmt.Errorf("%w: %q", ErrVersion, v)
	}
	if !stage.valid() {
		return fmt.Errorf("%w: %q", ErrStage, stage)
	}
	if b == nil {
		return ErrNoBatch
	}
	d := dialectOf(v)
	blocks := newBlockSet(b)

	var group Tally
	if payments != nil {
		for r := range payments {
			s := TxStatus(stage, r.Status)
			group.Add(s, r.Payment)
			blocks.tally(blocks.of(r.Payment)).Add(s, r.Payment)
		}
	}

	now := opts.now()
	x := newXMLWriter(w)
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>`)
	x.open("Document", "xmlns", v.Namespace())
	x.open("CstmrPmtStsRpt")

	x.open("GrpHdr")
	x.leaf("MsgId", reportMsgID(b, stage, opts, now))
	x.leaf("CreDtTm", now.Truncate(time.Second).Format(time.RFC3339))
	if n := clean(opts.InitiatingPartyName, 140); n != "" {
		x.open("InitgPty")
		x.leaf("Nm", n)
		x.close("InitgPty")
	}
	x.close("GrpHdr")

	writeGroup(x, v, b, stage, group, payments != nil)

	if !b.fileRejected() && payments != nil {
		if err := writeBlocks(x, d, blocks, stage, payments, group.Total()); err != nil {
			return err
		}
	}

	x.close("CstmrPmtStsRpt")
	x.close("Document")
	if err := x.flush(); err != nil {
		return fmt.Errorf("reports: write %s: %w", v, err)
	}
	return nil
}

// writeGroup writes OrgnlGrpInfAndSts.
func writeGroup(x *xmlWriter, v Pain002Version, b *Batch, stage Stage, group Tally, counted bool) {
	h := b.Header
	x.open("OrgnlGrpInfAndSts")
	// CSV and XLSX have no MsgId of their own: the batch ID is what the
	// user was told when the file was accepted.
	orgID := clean(h.MsgID, 35)
	if orgID == "" {
		orgID = clean(b.ID, 35)
	}
	x.leaf("OrgnlMsgId", orNotProvided(orgID))
	x.leaf("OrgnlMsgNmId", originalMessageName(v, h))
	if isDateTime(h.CreationDateTime) {
		x.leaf("OrgnlCreDtTm", h.CreationDateTime)
	}
	writeCounts(x, h.HasNbOfTxs, h.NbOfTxs, h.HasCtrlSum, h.CtrlSum, group, counted)

	grpSts := GroupStatus(stage, group)
	if b.fileRejected() {
		grpSts = batch.RJCT
	}
	x.leaf("GrpSts", string(grpSts))
	if b.fileRejected() {
		code := b.FileReason
		if code == batch.ReasonNone {
			code = batch.NARR
		}
		text := b.FileReasonText
		if text == "" {
			text = code.Text()
		}
		writeReason(x, code, text)
	}
	if b.Sandbox {
		writeReason(x, batch.ReasonNone, SandboxNote)
	}
	x.close("OrgnlGrpInfAndSts")
}

// writeCounts writes OrgnlNbOfTxs and OrgnlCtrlSum: the values the input
// declared, which the ERP compares with its own, else what we counted.
func writeCounts(x *xmlWriter, hasN bool, n int, hasSum bool, sum batch.Decimal, t Tally, counted bool) {
	switch {
	case hasN && n >= 0:
		x.leaf("OrgnlNbOfTxs", strconv.Itoa(n))
	case counted:
		x.leaf("OrgnlNbOfTxs", strconv.Itoa(t.Total()))
	}
	switch {
	case hasSum:
		x.leaf("OrgnlCtrlSum", sum.String())
	case counted && t.SumKnown():
		x.leaf("OrgnlCtrlSum", t.Sum.String())
	}
}

// writeReason writes one StsRsnInf: Rsn/Cd when code is set, and text as
// AddtlInf chunks of at most 105 characters (Max105Text).
func writeReason(x *xmlWriter, code batch.ReasonCode, text string) {
	x.open("StsRsnInf")
	if code != batch.ReasonNone {
		x.open("Rsn")
		x.leaf("Cd", reasonCode(code))
		x.close("Rsn")
	}
	for _, c := range chunks(text, 105, maxAddtlInf) {
		x.leaf("AddtlInf", c)
	}
	x.close("StsRsnInf")
}

// reasonCode keeps codes that fit ExternalStatusReason1Code (1–4
// characters); anything else becomes NARR, never an invalid report.
func reasonCode(c batch.ReasonCode) string {
	s := string(c)
	if len(s) < 1 || len(s) > 4 {
		return string(batch.NARR)
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			return string(batch.NARR)
		}
	}
	return s
}

func orNotProvided(s string) string {
	if s == "" {
		return "NOTPROVIDED"
	}
	return s
}

// reportMsgID derives GrpHdr/MsgId from the batch ID, the stage, the
// report's sequence and its creation time, so that a regenerated report
// (paybatch report) never reuses the MsgId of one an ERP already imported.
// Batch IDs that do not fit in 35 characters with the suffix, or hold
// characters outside [A-Za-z0-9-], are replaced by a hash prefix.
func reportMsgID(b *Batch, stage Stage, opts Options, now time.Time) string {
	if id := clean(opts.MsgID, 35); id != "" {
		return id
	}
	tag := "ACK"
	if stage == StageFinal {
		tag = "FIN"
	}
	if opts.Seq > 1 {
		tag += strconv.Itoa(opts.Seq)
	}
	suffix := "-" + tag + "-" + now.UTC().Format("20060102150405")
	room := 35 - len(suffix)
	id := b.ID
	if id == "" || len(id) > room || !msgIDSafe(id) {
		sum := sha256.Sum256([]byte(b.ID))
		id = hex.EncodeToString(sum[:])[:room]
	}
	return id + suffix
}

func msgIDSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
