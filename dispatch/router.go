package dispatch

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
)

// sepaRemittanceLen is the SEPA limit of unstructured remittance
// information, the default when a provider declares none.
const sepaRemittanceLen = 140

// Rule routes the payments it matches to one provider account. Rules are
// tried in order; the first match wins.
type Rule struct {
	Name     string
	Match    Match
	Provider string // a provider name, as in the capabilities map
	Account  string // provider-side account; empty means the adapter's default
	// User is the provider-side paying user for providers that need one
	// (p100), used when the payment names none itself.
	User string
}

// Match is a rule's condition. Every non-empty dimension must hold; an
// empty dimension matches anything. Comparisons ignore case, and IBANs
// also ignore spaces.
type Match struct {
	// DebtorAccount lists debtor IBANs or CSV account aliases (the
	// payment's debtor_account column, else its PmtInf debtor IBAN). An
	// entry ending in "*" is a prefix: "DE*" or "CH93007620*".
	DebtorAccount []string
	Currency      []string // ISO 4217 codes
	// CreditorCountry is the creditor's address country, else the first
	// two letters of its IBAN.
	CreditorCountry []string
	CategoryPurpose []string // e.g. SALA
	// MinAmount and MaxAmount bound the amount, inclusive. A bound only
	// matches payments in its own currency: minor units of different
	// currencies are not comparable.
	MinAmount, MaxAmount *batch.Amount
	// ProviderColumn matches the payment's provider column when it names
	// no known provider itself (e.g. a cost-centre tag).
	ProviderColumn []string
}

// Route is where a payment goes.
type Route struct {
	Rule     string // the rule that chose it; "provider column" or "default"
	Provider string
	Account  string
	User     string // set only for providers that need a user
}

// Rule names reported in Route.Rule when no configured rule chose.
const (
	RuleProviderColumn = "provider column"
	RuleDefault        = "default"
)

// Router picks a provider account for each payment from ordered rules and
// rejects, before any provider call, what the chosen provider cannot take.
type Router struct {
	rules []Rule
	def   *Rule
	caps  map[string]Capabilities
}

// NewRouter checks the rules against the known providers (caps) and
// returns a Router. def, if not nil, routes what no rule matches.
func NewRouter(rules []Rule, def *Rule, caps map[string]Capabilities) (*Router, error) {
	rules = slices.Clone(rules) // names are filled in below; the caller's slice stays as given
	var errs []error
	seen := map[string]bool{}
	check := func(name string, r *Rule) {
		if _, ok := caps[r.Provider]; !ok {
			errs = append(errs, fmt.Errorf("route %s: unknown provider %q (known: %s)", name, r.Provider, known(caps)))
		}
		for _, b := range []*batch.Amount{r.Match.MinAmount, r.Match.MaxAmount} {
			if b != nil && b.Currency == "" {
				errs = append(errs, fmt.Errorf("route %s: an amount bound needs a currency", name))
			}
		}
		if lo, hi := r.Match.MinAmount, r.Match.MaxAmount; lo != nil && hi != nil && lo.Currency == hi.Currency && lo.Minor > hi.Minor {
			errs = append(errs, fmt.Errorf("route %s: minimum amount %s is above the maximum %s", name, lo, hi))
		}
	}
	for i := range rules {
		name := rules[i].Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
			rules[i].Name = name
		}
		if seen[name] {
			errs = append(errs, fmt.Errorf("route %s: duplicate rule name", name))
		}
		seen[name] = true
		check(name, &rules[i])
	}
	if def != nil {
		d := *def
		if d.Name == "" {
			d.Name = RuleDefault
		}
		check(d.Name, &d)
		def = &d
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Router{rules: rules, def: def, caps: caps}, nil
}

func known(caps map[string]Capabilities) string {
	names := make([]string, 0, len(caps))
	for n := range caps {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Route chooses the payment's route, or returns the issue that rejects it:
//
//  1. a provider column naming a known provider wins (an unknown name is
//     NARR "unknown provider X": the sender asked for something specific,
//     so it is not silently routed elsewhere); the account then comes from
//     the first rule for that provider that matches, if any;
//  2. else the first matching rule, else the default; none is NARR "no route";
//  3. then the chosen provider's capabilities: currency (AM03), BIC (RC01),
//     remittance length (CH16, naming the limit) and the paying user.
//
// A provider that needs a user and finds none (external_user_id, else the
// ultimate debtor id, else the rule's User) is NARR "no user", not AG01:
// AG01 means the provider forbade the payment, and no provider was asked.
// When the chosen provider cannot take the payment (step 3), the route is
// returned with the issue, so reports can name the provider that refused it.
func (r *Router) Route(p *batch.Payment) (Route, *batch.Issue) {
	rule, issue := r.choose(p)
	if issue != nil {
		return Route{}, issue
	}
	rt := Route{Rule: rule.Name, Provider: rule.Provider, Account: rule.Account}
	caps := r.caps[rt.Provider]
	if caps.NeedsUser {
		rt.User = firstNonEmpty(p.ExternalUserID(), p.UltimateDebtorID(), rule.User)
	}
	if issue := checkCaps(p, rt, caps); issue != nil {
		return rt, issue
	}
	return rt, nil
}

func (r *Router) choose(p *batch.Payment) (*Rule, *batch.Issue) {
	if col := strings.TrimSpace(p.Provider()); col != "" {
		if name, ok := r.providerNamed(col); ok {
			for i := range r.rules {
				if r.rules[i].Provider == name && r.rules[i].Match.matches(p, true) {
					rule := r.rules[i]
					rule.Name = RuleProviderColumn
					return &rule, nil
				}
			}
			rule := Rule{Name: RuleProviderColumn, Provider: name}
			if r.def != nil && r.def.Provider == name {
				rule.Account, rule.User = r.def.Account, r.def.User
			}
			return &rule, nil
		}
		if !r.columnIsTag(col) {
			return nil, issue(p, "provider", batch.NARR, fmt.Sprintf("unknown provider %q (known: %s)", col, known(r.caps)))
		}
	}
	for i := range r.rules {
		if r.rules[i].Match.matches(p, false) {
			return &r.rules[i], nil
		}
	}
	if r.def != nil {
		return r.def, nil
	}
	return nil, issue(p, "", batch.NARR, "no route: no rule matches and there is no default route")
}

// providerNamed finds a configured provider by name, ignoring case.
func (r *Router) providerNamed(s string) (string, bool) {
	for name := range r.caps {
		if strings.EqualFold(name, s) {
			return name, true
		}
	}
	return "", false
}

// columnIsTag reports whether some rule matches on the provider column's
// value, which makes it a routing tag rather than a provider name.
func (r *Router) columnIsTag(col string) bool {
	for i := range r.rules {
		if containsFold(r.rules[i].Match.ProviderColumn, col) {
			return true
		}
	}
	return false
}

// matches reports whether p meets every set dimension; ignoreColumn skips
// ProviderColumn when the column already named the provider.
func (m *Match) matches(p *batch.Payment, ignoreColumn bool) bool {
	if len(m.DebtorAccount) > 0 && !matchAccount(m.DebtorAccount, p.DebtorIBAN()) {
		return false
	}
	if len(m.Currency) > 0 && !containsFold(m.Currency, p.Amount.Currency) {
		return false
	}
	if len(m.CreditorCountry) > 0 && !containsFold(m.CreditorCountry, creditorCountry(p)) {
		return false
	}
	if len(m.CategoryPurpose) > 0 && !containsFold(m.CategoryPurpose, p.CategoryPurpose()) {
		return false
	}
	if b := m.MinAmount; b != nil && (b.Currency != p.Amount.Currency || p.Amount.Minor < b.Minor) {
		return false
	}
	if b := m.MaxAmount; b != nil && (b.Currency != p.Amount.Currency || p.Amount.Minor > b.Minor) {
		return false
	}
	if !ignoreColumn && len(m.ProviderColumn) > 0 && !containsFold(m.ProviderColumn, strings.TrimSpace(p.Provider())) {
		return false
	}
	return true
}

func checkCaps(p *batch.Payment, rt Route, c Capabilities) *batch.Issue {
	if len(c.Currencies) > 0 && !containsFold(c.Currencies, p.Amount.Currency) {
		return issue(p, "currency", batch.AM03, fmt.Sprintf("currency %s is not accepted by %s (accepts %s)",
			p.Amount.Currency, rt.Provider, strings.Join(c.Currencies, ", ")))
	}
	if c.RequiresBIC && strings.TrimSpace(p.CreditorBIC) == "" {
		return issue(p, "creditor_bic", batch.RC01, fmt.Sprintf("%s requires the creditor BIC", rt.Provider))
	}
	limit := c.MaxRemittanceLen
	if limit <= 0 {
		limit = sepaRemittanceLen
	}
	if n := utf8.RuneCountInString(p.RemittanceInfo); n > limit {
		return issue(p, "remittance_info", batch.CH16, fmt.Sprintf(
			"remittance information is %d characters; %s accepts at most %d and it is not cut silently", n, rt.Provider, limit))
	}
	if c.NeedsUser && rt.User == "" {
		return issue(p, "external_user_id", batch.NARR, fmt.Sprintf(
			"no user: %s pays from a user's account; set external_user_id (CSV/XLSX) or the ultimate debtor id (pain.001), or a user on the route", rt.Provider))
	}
	return nil
}

func issue(p *batch.Payment, field string, code batch.ReasonCode, msg string) *batch.Issue {
	// A copy, as batch.Payment's issues keep: the id may be cut from a
	// buffer of many rows.
	return &batch.Issue{Index: p.Index, Row: p.Row, EndToEndID: strings.Clone(p.EndToEndID), Field: field, Code: code, Message: msg}
}

func creditorCountry(p *batch.Payment) string {
	if p.CreditorCountry != "" {
		return p.CreditorCountry
	}
	iban := strings.TrimSpace(p.CreditorIBAN)
	if len(iban) >= 2 {
		return iban[:2]
	}
	return ""
}

func matchAccount(patterns []string, account string) bool {
	acct := normAccount(account)
	if acct == "" {
		return false
	}
	for _, pat := range patterns {
		if prefix, ok := strings.CutSuffix(pat, "*"); ok {
			if strings.HasPrefix(acct, normAccount(prefix)) {
				return true
			}
		} else if normAccount(pat) == acct {
			return true
		}
	}
	return false
}

func normAccount(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
