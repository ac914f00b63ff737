package solaris

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/providertest"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

func harness() providertest.Harness {
	return providertest.Harness{
		Name:    "solaris",
		Sandbox: func(env *simulate.Env) http.Handler { return NewSandbox(env, SandboxOptions{}) },
		NewProvider: func(t *testing.T, o providertest.ClientOptions) dispatch.Provider {
			c, err := New(Config{BaseURL: o.BaseURL, ClientID: testClientID, ClientSecret: testClientSecret,
				AccountID: "acc-billing-1", Timeout: o.Timeout, Now: o.Now, Logger: o.Logger})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Instruction: func(t *testing.T, key string, minor int64) *dispatch.Instruction {
			return &dispatch.Instruction{Key: key, BatchID: "B-CONF-1", Payment: &batch.Payment{
				EndToEndID: "E2E-" + key[max(0, len(key)-20):], Amount: batch.Amount{Minor: minor, Currency: "EUR"},
				CreditorName: "Erika Mustermann", CreditorIBAN: testIBAN, CreditorBIC: "COBADEFFXXX", RemittanceInfo: "Salary March",
			}}
		},
		IsPayout:          IsPayout,
		PayeeVerification: true,
		Tokens:            true,
		IsToken:           func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/oauth2/token") },
		TokenLifetime:     time.Hour,
		LedgerKey:         Reference,
		Secrets:           []string{testClientSecret},
	}
}

func TestConformance(t *testing.T) { providertest.Run(t, harness()) }
