package smoney

import (
	"net/http"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/providertest"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

func harness() providertest.Harness {
	return providertest.Harness{
		Name:    "smoney",
		Sandbox: func(env *simulate.Env) http.Handler { return NewSandbox(env, SandboxOptions{Token: testToken}) },
		NewProvider: func(t *testing.T, o providertest.ClientOptions) dispatch.Provider {
			c, err := New(Config{BaseURL: o.BaseURL, Token: testToken, PartnerDomain: testPartner, AppUserID: testUser,
				Timeout: o.Timeout, Now: o.Now, Logger: o.Logger})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Instruction: func(t *testing.T, key string, minor int64) *dispatch.Instruction {
			return &dispatch.Instruction{Key: key, BatchID: "B-CONF-2", Payment: &batch.Payment{
				EndToEndID: "E2E-" + key[max(0, len(key)-20):], Amount: batch.Amount{Minor: minor, Currency: "EUR"},
				CreditorName: "Jean-Luc Picard", CreditorIBAN: testIBAN, CreditorBIC: testBIC, RemittanceInfo: "Salaire mars",
			}}
		},
		IsPayout: IsPayout,
		Secrets:  []string{testToken},
	}
}

func TestConformance(t *testing.T) { providertest.Run(t, harness()) }
