package smoney

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
)

// awaitingRetry is how long a payment waits for S-money to validate a newly
// stored bank account before it is tried again.
const awaitingRetry = 5 * time.Minute

func marshal(v any) ([]byte, error) { return json.Marshal(v) }

// bankAccount returns the id of the creditor's validated stored account for
// the paying user, registering it if it is not stored yet. Errors are
// classified: nothing here sends a payout, so failures to reach S-money are
// *dispatch.NotSentError.
func (c *Client) bankAccount(ctx context.Context, in *dispatch.Instruction) (int64, error) {
	iban := normIBAN(in.Payment.CreditorIBAN)
	key := c.user(in) + "/" + iban
	c.mu.Lock()
	id, ok := c.accounts[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	c.regMu.Lock()
	defer c.regMu.Unlock()
	c.mu.Lock()
	id, ok = c.accounts[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	acct, err := c.findAccount(ctx, in, iban)
	if err == nil && acct == nil {
		acct, err = c.registerAccount(ctx, in, iban)
	}
	if err != nil {
		return 0, err
	}
	switch acct.Status {
	case accountValidated:
	case accountRefused:
		return 0, &dispatch.RejectedError{Code: batch.AC01, ProviderCode: "bankaccount_status:3", Text: "S-money refused the creditor's bank account"}
	case accountAwaiting:
		return 0, &dispatch.NotSentError{Err: errors.New("smoney: creditor bank account awaits validation"), RetryAfter: awaitingRetry}
	default:
		return 0, &dispatch.NotSentError{Err: fmt.Errorf("smoney: creditor bank account in unknown status %d", acct.Status), RetryAfter: awaitingRetry}
	}
	c.mu.Lock()
	c.accounts[key] = acct.ID
	c.mu.Unlock()
	return acct.ID, nil
}

func (c *Client) findAccount(ctx context.Context, in *dispatch.Instruction, iban string) (*bankAccount, error) {
	var list []bankAccount
	err := c.call(ctx, http.MethodGet, c.userPath(in)+"/bankaccounts", nil, &list)
	var ae *apiStatusError
	if errors.As(err, &ae) {
		return nil, rejection(ae.e)
	}
	if err != nil {
		return nil, notSent("list bank accounts", err)
	}
	for i := range list {
		if normIBAN(list[i].IBAN) == iban {
			return &list[i], nil
		}
	}
	return nil, nil
}

func (c *Client) registerAccount(ctx context.Context, in *dispatch.Instruction, iban string) (*bankAccount, error) {
	p := in.Payment
	first, last := splitName(p.CreditorName)
	req := bankAccountRequest{DisplayName: strings.TrimSpace(p.CreditorName), BIC: p.CreditorBIC, IBAN: iban,
		Holder: holder{FirstName: first, LastName: last}}
	var acct bankAccount
	err := c.call(ctx, http.MethodPost, c.userPath(in)+"/bankaccounts", req, &acct)
	var ae *apiStatusError
	if errors.As(err, &ae) {
		return nil, rejection(ae.e)
	}
	if err != nil {
		return nil, notSent("register bank account", err)
	}
	c.log(ctx, "smoney bank account registered", in, "bank_account_id", acct.ID, "status", acct.Status)
	return &acct, nil
}

// notSent reclassifies a failure of a preparatory call: whatever happened
// to it, no payout was sent, so retrying the payment is safe.
func notSent(what string, err error) error {
	if _, ok := dispatch.IsNotSent(err); ok {
		return err
	}
	var ra time.Duration
	if u, ok := dispatch.IsUnknown(err); ok {
		ra = u.RetryAfter
	}
	return &dispatch.NotSentError{Err: fmt.Errorf("smoney %s: %w", what, err), RetryAfter: ra}
}

// splitName splits a holder name at its last space: S-money wants first and
// last names, a payment file has one name.
func splitName(name string) (first, last string) {
	name = strings.Join(strings.Fields(name), " ")
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return "", name
	}
	return name[:i], name[i+1:]
}

func normIBAN(s string) string { return strings.ToUpper(strings.ReplaceAll(s, " ", "")) }
