package reports

import (
	"fmt"
	"iter"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// blockSet is the PmtInf blocks of a report in file order, with a tally
// each. Payments without a known block (a CSV batch whose implied block the
// caller did not list) get one block named after the batch. Blocks are
// keyed by their position in the file, not by pointer: payments read back
// from the store carry their own copy of their block.
type blockSet struct {
	list    []*batch.PaymentInfo
	index   map[int]int // PaymentInfo.Index → position in list
	tallies []Tally
	implied *batch.PaymentInfo
}

func newBlockSet(b *Batch) *blockSet {
	s := &blockSet{index: make(map[int]int)}
	for _, info := range b.Infos {
		s.add(info)
	}
	s.implied = &batch.PaymentInfo{ID: b.ID}
	return s
}

func (s *blockSet) add(info *batch.PaymentInfo) int {
	if i, ok := s.index[info.Index]; ok {
		return i
	}
	s.index[info.Index] = len(s.list)
	s.list = append(s.list, info)
	s.tallies = append(s.tallies, Tally{})
	return len(s.list) - 1
}

// of returns the block of p, adding blocks first seen in the payments.
func (s *blockSet) of(p *batch.Payment) int {
	if p == nil || p.Info == nil {
		return s.add(s.implied)
	}
	return s.add(p.Info)
}

func (s *blockSet) tally(i int) *Tally { return &s.tallies[i] }

// writeBlocks writes one OrgnlPmtInfAndSts per block with its payments.
// Payments arrive in file order, so a block's payments are contiguous; a
// block whose payments come back out of order is written again, which the
// schema allows, rather than buffering payments.
func writeBlocks(x *xmlWriter, d dialect, blocks *blockSet, stage Stage, payments iter.Seq[PaymentResult], want int) error {
	cur := -1
	n := 0
	for r := range payments {
		n++
		bi, ok := blocks.index[blockKey(blocks, r.Payment).Index]
		if !ok {
			return fmt.Errorf("%w: a payment of an unknown PmtInf block", ErrPaymentsChanged)
		}
		if bi != cur {
			if cur >= 0 {
				x.close("OrgnlPmtInfAndSts")
			}
			for j := cur + 1; j < bi; j++ {
				openBlock(x, blocks, j, stage)
				x.close("OrgnlPmtInfAndSts")
			}
			openBlock(x, blocks, bi, stage)
			cur = bi
		}
		writeTx(x, d, stage, r)
		if x.err != nil {
			return fmt.Errorf("reports: write %s: %w", d.version, x.err)
		}
	}
	if cur >= 0 {
		x.close("OrgnlPmtInfAndSts")
	}
	for j := cur + 1; j < len(blocks.list); j++ {
		openBlock(x, blocks, j, stage)
		x.close("OrgnlPmtInfAndSts")
	}
	if n != want {
		return fmt.Errorf("%w: %d payments counted, %d written", ErrPaymentsChanged, want, n)
	}
	return nil
}

func blockKey(s *blockSet, p *batch.Payment) *batch.PaymentInfo {
	if p == nil || p.Info == nil {
		return s.implied
	}
	return p.Info
}

func openBlock(x *xmlWriter, blocks *blockSet, i int, stage Stage) {
	info := blocks.list[i]
	t := blocks.tallies[i]
	x.open("OrgnlPmtInfAndSts")
	x.leaf("OrgnlPmtInfId", orNotProvided(clean(info.ID, 35)))
	writeCounts(x, info.HasNbOfTxs, info.NbOfTxs, info.HasCtrlSum, info.CtrlSum, t, true)
	x.leaf("PmtInfSts", string(GroupStatus(stage, t)))
}

// writeTx writes one TxInfAndSts. Values are taken from the input so the
// ERP can match them; the ones the schema would refuse (an invalid IBAN or
// BIC that caused the rejection, a negative amount) are moved to a free-text
// identifier or left out, because an invalid report helps nobody.
func writeTx(x *xmlWriter, d dialect, stage Stage, r PaymentResult) {
	p := r.Payment
	if p == nil {
		p = &batch.Payment{}
	}
	s := TxStatus(stage, r.Status)
	x.open("TxInfAndSts")
	x.optLeaf("OrgnlInstrId", clean(p.InstrID, 35))
	x.leaf("OrgnlEndToEndId", orNotProvided(clean(p.EndToEndID, 35)))
	x.leaf("TxSts", string(s))
	switch {
	case s == batch.RJCT:
		code := r.Reason
		if code == batch.ReasonNone {
			code = batch.NARR
		}
		writeReason(x, code, r.AddtlInf)
	case r.Reason != batch.ReasonNone || (s != batch.ACTC && s != batch.ACSC && r.AddtlInf != ""):
		// A pending payment held for review says why.
		writeReason(x, r.Reason, r.AddtlInf)
	}
	// The provider's reference is the account servicer's reference for
	// this payment; a longer one stays in the summary rather than cut.
	if ref := clean(r.ProviderRef, 0); ref != "" && len([]rune(ref)) <= 35 {
		x.leaf("AcctSvcrRef", ref)
	}
	writeTxRef(x, d, p)
	x.close("TxInfAndSts")
}

func writeTxRef(x *xmlWriter, d dialect, p *batch.Payment) {
	amt := ccyRe.MatchString(p.Amount.Currency) && p.Amount.Minor > 0
	date, hasDate := executionDate(p)
	bic := clean(p.CreditorBIC, 0)
	name := clean(p.CreditorName, 140)
	acct := clean(p.CreditorIBAN, 0)
	if acct == "" {
		acct = clean(p.CreditorAccount(), 0)
	}
	if !amt && !hasDate && bic == "" && name == "" && acct == "" {
		return
	}
	x.open("OrgnlTxRef")
	if amt {
		x.open("Amt")
		x.leaf("InstdAmt", p.Amount.String(), "Ccy", p.Amount.Currency)
		x.close("Amt")
	}
	if hasDate {
		if d.dateInDt {
			x.open("ReqdExctnDt")
			x.leaf("Dt", date)
			x.close("ReqdExctnDt")
		} else {
			x.leaf("ReqdExctnDt", date)
		}
	}
	if bic != "" {
		x.open("CdtrAgt")
		x.open("FinInstnId")
		if d.bic.MatchString(bic) {
			x.leaf(d.bicTag, bic)
		} else {
			x.open("Othr")
			x.leaf("Id", clean(bic, 35))
			x.close("Othr")
		}
		x.close("FinInstnId")
		x.close("CdtrAgt")
	}
	if name != "" {
		x.open("Cdtr")
		if d.partyWrap {
			x.open("Pty")
			x.leaf("Nm", name)
			x.close("Pty")
		} else {
			x.leaf("Nm", name)
		}
		x.close("Cdtr")
	}
	if acct != "" {
		x.open("CdtrAcct")
		x.open("Id")
		if ibanRe.MatchString(acct) {
			x.leaf("IBAN", acct)
		} else {
			x.open("Othr")
			x.leaf("Id", clean(acct, 34))
			x.close("Othr")
		}
		x.close("Id")
		x.close("CdtrAcct")
	}
	x.close("OrgnlTxRef")
}

// executionDate is the payment's requested date as an xs:date, if valid.
func executionDate(p *batch.Payment) (string, bool) {
	if t, ok := p.ExecutionDate(time.UTC); ok {
		return t.Format("2006-01-02"), true
	}
	if p.Info != nil && p.RequestedExecutionDate == "" {
		q := batch.Payment{RequestedExecutionDate: p.Info.RequestedExecutionDate}
		if t, ok := q.ExecutionDate(time.UTC); ok {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}
