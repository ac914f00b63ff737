package reports

import "github.com/paybatch/paybatch/batch"

// Tally counts the payments of a group (the whole batch or one PmtInf block)
// by outcome; group statuses follow from the counts alone, so no payment
// needs to be kept in memory to compute them.
type Tally struct {
	Accepted int // ACTC in the acknowledgement, ACSC in the final report
	Rejected int // RJCT
	Open     int // not final yet (ACSP, PDNG, none) in the final report
	// Sum adds the amounts counted; valid only while SumKnown.
	Sum batch.Decimal
	// sumBroken is set once an amount was unknown or the sum overflowed, so
	// that the zero Tally is ready to use.
	sumBroken bool
}

// Add counts one payment whose status was already normalised by TxStatus.
func (t *Tally) Add(s batch.Status, p *batch.Payment) {
	switch s {
	case batch.RJCT:
		t.Rejected++
	case batch.ACTC, batch.ACSC:
		t.Accepted++
	default:
		t.Open++
	}
	if p == nil || p.Amount.Currency == "" {
		t.sumBroken = true
		return
	}
	if sum, ok := t.Sum.Add(p.Amount.Decimal()); ok {
		t.Sum = sum
	} else {
		t.sumBroken = true
	}
}

// Total is the number of payments counted.
func (t Tally) Total() int { return t.Accepted + t.Rejected + t.Open }

// SumKnown reports whether Sum is the exact sum of every counted amount.
func (t Tally) SumKnown() bool { return t.Total() > 0 && !t.sumBroken }

// TxStatus is the status a payment is reported with at a stage. In the
// acknowledgement only validation has happened, so anything not rejected is
// ACTC. In the final report a missing status is PDNG: a payment must never
// look settled because nobody recorded its state.
func TxStatus(stage Stage, s batch.Status) batch.Status {
	if s == batch.RJCT {
		return batch.RJCT
	}
	if stage == StageAck {
		return batch.ACTC
	}
	switch s {
	case batch.ACSC, batch.ACSP, batch.PDNG:
		return s
	}
	return batch.PDNG
}

// GroupStatus derives the status of a group from its tally. A file-level
// rejection is handled by the caller (the group is RJCT whatever the counts).
//
// Order matters: all rejected is RJCT even in the final report; anything
// still open at a final report makes the group PDNG (a later final report
// follows when it resolves), because ACSC or PART would tell an ERP that the
// batch is done; otherwise mixed is PART and all accepted is the stage's
// success status. An empty group is RJCT: there is nothing to pay.
func GroupStatus(stage Stage, t Tally) batch.Status {
	switch {
	case t.Total() == 0 || t.Rejected == t.Total():
		return batch.RJCT
	case stage == StageFinal && t.Open > 0:
		return batch.PDNG
	case t.Rejected > 0:
		return batch.PART
	case stage == StageAck:
		return batch.ACTC
	default:
		return batch.ACSC
	}
}
