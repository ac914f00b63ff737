package dispatch

import (
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

func testCaps() map[string]Capabilities {
	return map[string]Capabilities{
		"solaris": {Currencies: []string{"EUR"}, IdempotentReplay: true},
		"wirex":   {Currencies: []string{"EUR", "GBP"}, RequiresBIC: true},
		"smoney":  {Currencies: []string{"EUR"}, MaxRemittanceLen: 35},
		"p100":    {Currencies: []string{"EUR"}, NeedsUser: true},
	}
}

func eur(minor int64) *batch.Amount { return &batch.Amount{Minor: minor, Currency: "EUR"} }

func testRules() []Rule {
	return []Rule{
		{Name: "payroll-p100", Match: Match{CategoryPurpose: []string{"SALA"}}, Provider: "p100", User: "u-payroll"},
		{Name: "gbp", Match: Match{Currency: []string{"gbp"}}, Provider: "wirex", Account: "wx-gbp"},
		{Name: "swiss-debtor", Match: Match{DebtorAccount: []string{"CH93 0076 2011*"}}, Provider: "smoney", Account: "sm-ch"},
		{Name: "alias", Match: Match{DebtorAccount: []string{"ops-account"}}, Provider: "solaris", Account: "sol-ops"},
		{Name: "to-france", Match: Match{CreditorCountry: []string{"FR"}}, Provider: "smoney", Account: "sm-fr"},
		{Name: "large", Match: Match{MinAmount: eur(1_000_000)}, Provider: "solaris", Account: "sol-large"},
		{Name: "small", Match: Match{MaxAmount: eur(1_000)}, Provider: "solaris", Account: "sol-small"},
		{Name: "tagged", Match: Match{ProviderColumn: []string{"fast"}}, Provider: "wirex", Account: "wx-fast"},
	}
}

func basePayment() *batch.Payment {
	return &batch.Payment{
		Index: 3, Row: 4, EndToEndID: "E2E-3",
		Amount:       batch.Amount{Minor: 50_000, Currency: "EUR"},
		CreditorName: "Jane Doe", CreditorIBAN: "DE89370400440532013000", CreditorBIC: "COBADEFFXXX",
		RemittanceInfo: "Invoice 42",
		Info:           &batch.PaymentInfo{Index: 1, DebtorIBAN: "DE02100100109307118603"},
	}
}

func TestRoute(t *testing.T) {
	def := &Rule{Provider: "solaris", Account: "sol-default"}
	r, err := NewRouter(testRules(), def, testCaps())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(p *batch.Payment)
		want Route
		code batch.ReasonCode // expected issue code, if rejected
		msg  string           // substring of the issue message
	}{
		{"default", func(p *batch.Payment) {}, Route{Rule: "default", Provider: "solaris", Account: "sol-default"}, "", ""},
		{"category purpose from the block", func(p *batch.Payment) { p.Info.CategoryPurpose = "SALA"; p.Extras().ExternalUserID = "u-1001" },
			Route{Rule: "payroll-p100", Provider: "p100", User: "u-1001"}, "", ""},
		{"rule user when the payment names none", func(p *batch.Payment) { p.Extras().CategoryPurpose = "sala" },
			Route{Rule: "payroll-p100", Provider: "p100", User: "u-payroll"}, "", ""},
		{"ultimate debtor before rule user", func(p *batch.Payment) { p.Extras().CategoryPurpose = "SALA"; p.Extras().UltimateDebtorID = "u-ud" },
			Route{Rule: "payroll-p100", Provider: "p100", User: "u-ud"}, "", ""},
		{"currency", func(p *batch.Payment) { p.Amount.Currency = "GBP"; p.CreditorIBAN = "GB29NWBK60161331926819" },
			Route{Rule: "gbp", Provider: "wirex", Account: "wx-gbp"}, "", ""},
		{"debtor IBAN prefix with spaces", func(p *batch.Payment) { p.Info.DebtorIBAN = "CH9300762011623852957" },
			Route{Rule: "swiss-debtor", Provider: "smoney", Account: "sm-ch"}, "", ""},
		{"debtor account alias column", func(p *batch.Payment) { p.Extras().DebtorAccount = "OPS-account" },
			Route{Rule: "alias", Provider: "solaris", Account: "sol-ops"}, "", ""},
		{"creditor country from IBAN", func(p *batch.Payment) { p.CreditorIBAN = "FR1420041010050500013M02606" },
			Route{Rule: "to-france", Provider: "smoney", Account: "sm-fr"}, "", ""},
		{"creditor country from address wins over IBAN", func(p *batch.Payment) { p.CreditorCountry = "FR" },
			Route{Rule: "to-france", Provider: "smoney", Account: "sm-fr"}, "", ""},
		{"min amount inclusive", func(p *batch.Payment) { p.Amount.Minor = 1_000_000 },
			Route{Rule: "large", Provider: "solaris", Account: "sol-large"}, "", ""},
		{"max amount inclusive", func(p *batch.Payment) { p.Amount.Minor = 1_000 },
			Route{Rule: "small", Provider: "solaris", Account: "sol-small"}, "", ""},
		{"amount bound ignores other currencies", func(p *batch.Payment) { p.Amount = batch.Amount{Minor: 500, Currency: "CHF"} },
			Route{}, batch.AM03, "currency CHF is not accepted by solaris (accepts EUR)"},
		{"provider column tag", func(p *batch.Payment) { p.Extras().Provider = "FAST" },
			Route{Rule: "tagged", Provider: "wirex", Account: "wx-fast"}, "", ""},
		{"first matching rule wins", func(p *batch.Payment) { p.Extras().CategoryPurpose = "SALA"; p.Amount.Minor = 1_000_000 },
			Route{Rule: "payroll-p100", Provider: "p100", User: "u-payroll"}, "", ""},
		{"provider column wins over rules", func(p *batch.Payment) { p.Extras().CategoryPurpose = "SALA"; p.Extras().Provider = "Solaris" },
			Route{Rule: "provider column", Provider: "solaris", Account: "sol-default"}, "", ""},
		{"provider column takes the account of a matching rule", func(p *batch.Payment) {
			p.Extras().Provider = "smoney"
			p.CreditorIBAN = "FR1420041010050500013M02606"
		}, Route{Rule: "provider column", Provider: "smoney", Account: "sm-fr"}, "", ""},
		{"unknown provider column", func(p *batch.Payment) { p.Extras().Provider = "paypal" },
			Route{}, batch.NARR, `unknown provider "paypal"`},
		{"AM03 currency", func(p *batch.Payment) { p.Amount.Currency = "USD" },
			Route{}, batch.AM03, "currency USD is not accepted by solaris"},
		{"RC01 BIC required", func(p *batch.Payment) { p.Amount.Currency = "GBP"; p.CreditorBIC = "" },
			Route{}, batch.RC01, "wirex requires the creditor BIC"},
		{"CH16 S-money motif", func(p *batch.Payment) {
			p.CreditorIBAN = "FR1420041010050500013M02606"
			p.RemittanceInfo = strings.Repeat("x", 36)
		}, Route{Rule: "to-france", Provider: "smoney", Account: "sm-fr"}, batch.CH16, "36 characters; smoney accepts at most 35"},
		{"35 characters fit S-money", func(p *batch.Payment) {
			p.CreditorIBAN = "FR1420041010050500013M02606"
			p.RemittanceInfo = strings.Repeat("é", 35)
		}, Route{Rule: "to-france", Provider: "smoney", Account: "sm-fr"}, "", ""},
		{"CH16 SEPA 140 by default", func(p *batch.Payment) { p.RemittanceInfo = strings.Repeat("x", 141) },
			Route{}, batch.CH16, "at most 140"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := basePayment()
			tt.edit(p)
			got, is := r.Route(p)
			if tt.code != "" {
				if is == nil || is.Code != tt.code || !strings.Contains(is.Message, tt.msg) {
					t.Fatalf("issue = %+v, want %s containing %q", is, tt.code, tt.msg)
				}
				if is.Index != 3 || is.Row != 4 || is.EndToEndID != "E2E-3" {
					t.Fatalf("issue does not locate the payment: %+v", is)
				}
				if tt.want.Provider != "" && got != tt.want {
					t.Fatalf("route with the issue = %+v, want %+v (the provider that refused)", got, tt.want)
				}
				return
			}
			if is != nil {
				t.Fatalf("unexpected issue %v", is)
			}
			if got != tt.want {
				t.Fatalf("route = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRouteNoRouteAndNoUser(t *testing.T) {
	r, err := NewRouter([]Rule{{Name: "p100", Match: Match{Currency: []string{"EUR"}}, Provider: "p100"}}, nil, testCaps())
	if err != nil {
		t.Fatal(err)
	}
	p := basePayment()
	if _, is := r.Route(p); is == nil || is.Code != batch.NARR || !strings.Contains(is.Message, "no user") {
		t.Fatalf("p100 without a user: %+v", is)
	}
	p.Amount.Currency = "GBP"
	if _, is := r.Route(p); is == nil || is.Code != batch.NARR || !strings.Contains(is.Message, "no route") {
		t.Fatalf("no matching rule, no default: %+v", is)
	}
}

func TestNewRouterValidates(t *testing.T) {
	caps := testCaps()
	for _, tt := range []struct {
		name  string
		rules []Rule
		def   *Rule
		want  string
	}{
		{"unknown provider names the rule", []Rule{{Name: "eu", Provider: "paypal"}}, nil, `route eu: unknown provider "paypal"`},
		{"unnamed rule by position", []Rule{{Provider: "solaris"}, {Provider: "nope"}}, nil, "route #2: unknown provider"},
		{"default", nil, &Rule{Provider: "nope"}, "route default: unknown provider"},
		{"duplicate name", []Rule{{Name: "a", Provider: "solaris"}, {Name: "a", Provider: "wirex"}}, nil, "route a: duplicate"},
		{"bound without currency", []Rule{{Name: "b", Provider: "solaris", Match: Match{MinAmount: &batch.Amount{Minor: 1}}}}, nil, "needs a currency"},
		{"min above max", []Rule{{Name: "c", Provider: "solaris", Match: Match{MinAmount: eur(10), MaxAmount: eur(5)}}}, nil, "above the maximum"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRouter(tt.rules, tt.def, caps)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
