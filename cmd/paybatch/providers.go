package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/p100"
	"github.com/paybatch/paybatch/dispatch/smoney"
	"github.com/paybatch/paybatch/dispatch/solaris"
	"github.com/paybatch/paybatch/dispatch/wirex"
)

// The options: block of each provider type, as samples/paybatch.yaml shows.

type p100Options struct {
	APIKey           Secret        `yaml:"api_key"`
	UserLevel        bool          `yaml:"user_level"`
	CreatePath       string        `yaml:"create_path"`
	DetailsPath      string        `yaml:"details_path"`
	ContactsPath     string        `yaml:"contacts_path"`
	InfoPath         string        `yaml:"info_path"`
	TransactionsPath string        `yaml:"transactions_path"`
	Timeout          time.Duration `yaml:"timeout"`
	ContactsTTL      time.Duration `yaml:"contacts_ttl"`
}

type wirexOptions struct {
	ClientID           string        `yaml:"client_id"`
	ClientSecret       Secret        `yaml:"client_secret"`
	ChainID            string        `yaml:"chain_id"`
	UserAddress        string        `yaml:"user_address"`
	AccountID          string        `yaml:"account_id"`
	TokenAddress       string        `yaml:"token_address"`
	RecipientAsCompany bool          `yaml:"recipient_as_company"`
	Timeout            time.Duration `yaml:"timeout"`
}

type solarisOptions struct {
	AuthURL      string        `yaml:"auth_url"`
	ClientID     string        `yaml:"client_id"`
	ClientSecret Secret        `yaml:"client_secret"`
	AccountID    string        `yaml:"account_id"`
	PersonID     string        `yaml:"person_id"`
	CloseMatch   string        `yaml:"close_match"` // hold (default) or reject
	Timeout      time.Duration `yaml:"timeout"`
}

type smoneyOptions struct {
	Token         Secret        `yaml:"token"`
	PartnerDomain string        `yaml:"partner_domain"`
	AppUserID     string        `yaml:"app_user_id"`
	AppAccountID  string        `yaml:"app_account_id"`
	MotifPolicy   string        `yaml:"motif_policy"` // reject (default) or truncate
	Timeout       time.Duration `yaml:"timeout"`
}

// decodeOptions reads a provider's options block strictly.
func decodeOptions(name string, n yaml.Node, dst any) error {
	if n.Kind == 0 {
		return nil
	}
	var buf strings.Builder
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(&n); err != nil {
		return fmt.Errorf("providers.%s.options: %w", name, err)
	}
	dec := yaml.NewDecoder(strings.NewReader(buf.String()))
	dec.KnownFields(true)
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("providers.%s.options: %w", name, err)
	}
	return nil
}

// buildProviders constructs every configured provider. In sandbox mode each
// points at its simulator's prefix under sandboxURL.
func buildProviders(cfg *Config, sandboxURL string, log *slog.Logger) (map[string]dispatch.Provider, error) {
	out := map[string]dispatch.Provider{}
	var errs []error
	for name, pc := range cfg.Providers {
		base := pc.BaseURL
		if cfg.Sandbox.Enabled {
			base = strings.TrimRight(sandboxURL, "/") + "/" + pc.Type
		}
		plog := log.With("provider", name)
		var (
			p   dispatch.Provider
			err error
		)
		switch pc.Type {
		case "p100":
			var o p100Options
			if err = decodeOptions(name, pc.Options, &o); err == nil {
				p, err = p100.New(p100.Config{Name: name, BaseURL: base, APIKey: string(o.APIKey), UserLevel: o.UserLevel,
					CreatePath: o.CreatePath, DetailsPath: o.DetailsPath, ContactsPath: o.ContactsPath, InfoPath: o.InfoPath,
					TransactionsPath: o.TransactionsPath, Timeout: o.Timeout, ContactsTTL: o.ContactsTTL, Logger: plog})
			}
		case "wirex":
			var o wirexOptions
			if err = decodeOptions(name, pc.Options, &o); err == nil {
				p, err = wirex.New(wirex.Config{Name: name, BaseURL: base, ClientID: o.ClientID, ClientSecret: string(o.ClientSecret),
					ChainID: o.ChainID, UserAddress: o.UserAddress, AccountID: o.AccountID, TokenAddress: o.TokenAddress,
					RecipientAsCompany: o.RecipientAsCompany, Timeout: o.Timeout, Logger: plog})
			}
		case "solaris":
			var o solarisOptions
			if err = decodeOptions(name, pc.Options, &o); err == nil {
				p, err = solaris.New(solaris.Config{Name: name, BaseURL: base, AuthURL: o.AuthURL, ClientID: o.ClientID,
					ClientSecret: string(o.ClientSecret), AccountID: o.AccountID, PersonID: o.PersonID,
					CloseMatch: solaris.CloseMatch(o.CloseMatch), Timeout: o.Timeout, Logger: plog})
			}
		case "smoney":
			var o smoneyOptions
			if err = decodeOptions(name, pc.Options, &o); err == nil {
				p, err = smoney.New(smoney.Config{Name: name, BaseURL: base, Token: string(o.Token), PartnerDomain: o.PartnerDomain,
					AppUserID: o.AppUserID, AppAccountID: o.AppAccountID, MotifPolicy: smoney.MotifPolicy(o.MotifPolicy),
					Timeout: o.Timeout, Logger: plog})
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("providers.%s: %w", name, err))
			continue
		}
		out[name] = p
	}
	return out, errors.Join(errs...)
}
