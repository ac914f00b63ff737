package batch

// Status is a pain.002 status code, used for payments and for whole batches.
type Status string

// pain.002 statuses paybatch produces.
const (
	StatusNone Status = ""
	// ACTC: the file or payment passed validation (acknowledgement report).
	ACTC Status = "ACTC"
	// ACSP: accepted by a provider, settlement in progress.
	ACSP Status = "ACSP"
	// ACSC: settled at the provider: final success.
	ACSC Status = "ACSC"
	// PART: some payments accepted, some rejected (group and PmtInf level).
	PART Status = "PART"
	// RJCT: rejected: final failure, with a reason code.
	RJCT Status = "RJCT"
	// PDNG: pending; also the "needs review" hold of an unreconciled payment.
	PDNG Status = "PDNG"
)

// Final reports whether no further change is expected from the status.
// PDNG is not final, even when it means "needs review": a person must act.
func (s Status) Final() bool { return s == ACSC || s == RJCT }
