package simulate

// Outcome is what a sandbox does with a payout, chosen by the amount's cents
// so that any file can exercise every path.
type Outcome int

// The outcomes of the sandbox contract.
const (
	Succeed           Outcome = iota // pending, then final success after the delay
	InsufficientFunds                // .51
	BadAccount                       // .52
	NotAllowed                       // .53
	StayPending                      // .54: never final
	PayeeNoMatch                     // .55: Verification of Payee NO_MATCH at Solaris, success elsewhere
)

func (o Outcome) String() string {
	return [...]string{"succeed", "insufficient_funds", "bad_account", "not_allowed", "stay_pending", "payee_no_match"}[o]
}

// OutcomeFor picks the outcome from an amount in minor units.
func OutcomeFor(minor int64) Outcome {
	if minor < 0 {
		minor = -minor
	}
	switch minor % 100 {
	case 51:
		return InsufficientFunds
	case 52:
		return BadAccount
	case 53:
		return NotAllowed
	case 54:
		return StayPending
	case 55:
		return PayeeNoMatch
	}
	return Succeed
}
