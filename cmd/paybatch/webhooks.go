package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/dispatch/p100"
	"github.com/paybatch/paybatch/dispatch/simulate"
	"github.com/paybatch/paybatch/dispatch/smoney"
	"github.com/paybatch/paybatch/dispatch/solaris"
	"github.com/paybatch/paybatch/dispatch/wirex"
)

// maxWebhookBody caps what a webhook may send: provider events are small,
// and an unauthenticated sender must not make us buffer more.
const maxWebhookBody = 1 << 20

// webhookKind is how one provider type authenticates its webhooks and
// where their body names the payout.
type webhookKind struct {
	// header is where the signature, secret or token is read by default.
	header string
	// verify authenticates a delivery; secret may be empty.
	verify func(secret []byte, r *http.Request, header string, body []byte) bool
	// ref reads the provider's payout reference, nothing else, from body.
	ref func(body []byte) (string, error)
}

var webhookKinds = map[string]webhookKind{
	// HMAC-SHA256 of the raw body [D].
	"solaris": {header: solaris.SignatureHeader, ref: solaris.WebhookRef,
		verify: func(secret []byte, r *http.Request, h string, body []byte) bool {
			return solaris.VerifySignature(secret, body, r.Header.Get(h))
		}},
	// The shared secret itself in Authorization, not an HMAC [D].
	"p100": {header: p100.WebhookAuthHeader, ref: p100.WebhookRef,
		verify: func(secret []byte, r *http.Request, h string, _ []byte) bool {
			return p100.VerifyWebhook(secret, r.Header.Get(h))
		}},
	// Undocumented by S-money, so paybatch's choice: HMAC-SHA256 [I].
	"smoney": {header: smoney.WebhookSignatureHeader, ref: smoney.WebhookRef,
		verify: func(secret []byte, r *http.Request, h string, body []byte) bool {
			return smoney.VerifyWebhook(secret, body, r.Header.Get(h))
		}},
	// Unsigned [D]: a webhook only triggers a re-fetch, so a token is
	// optional [I]; when one is configured it is required, in the header
	// or the URL's token parameter.
	"wirex": {header: wirex.WebhookTokenHeader, ref: wirex.WebhookRef,
		verify: func(secret []byte, r *http.Request, h string, _ []byte) bool {
			if len(secret) == 0 {
				return true
			}
			tok := r.Header.Get(h)
			if tok == "" {
				tok = r.URL.Query().Get(wirex.WebhookTokenParam)
			}
			return wirex.VerifyWebhookToken(secret, tok)
		}},
}

// handleWebhook serves POST /webhooks/{provider}. It trusts nothing in the
// body but the payout reference, and only after the delivery is
// authenticated: the status is fetched from the provider by
// Engine.Refresh, which persists it. Known and unknown references get the
// same answer, so a sender cannot probe which payouts exist.
func (a *app) handleWebhook(ready func() bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("provider")
		pc, ok := a.cfg.Providers[name]
		kind, known := webhookKinds[pc.Type]
		if !ok || !known {
			http.Error(w, "unknown provider", http.StatusNotFound)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			} else {
				http.Error(w, "cannot read body", http.StatusBadRequest)
			}
			a.metrics.webhook(name, "bad_request")
			return
		}
		header := kind.header
		if pc.WebhookHeader != "" {
			header = pc.WebhookHeader
		}
		if !kind.verify([]byte(string(pc.WebhookSecret)), r, header, body) {
			// Neither the header's value nor the body is logged: either
			// may carry a secret or personal data.
			a.log.Warn("webhook refused: not authenticated", "provider", name, "remote", r.RemoteAddr)
			a.metrics.webhook(name, "unauthorized")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if ready != nil && !ready() {
			// Not started yet (store lease not held): the provider retries.
			a.metrics.webhook(name, "error")
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		ref, err := kind.ref(body)
		if err != nil {
			a.metrics.webhook(name, "bad_request")
			http.Error(w, "no payout reference", http.StatusBadRequest)
			return
		}
		switch err := a.engine.Refresh(r.Context(), name, ref); {
		case store.IsNotFound(err):
			a.log.Debug("webhook: reference not ours", "provider", name)
			a.metrics.webhook(name, "ignored")
		case err != nil:
			a.log.Error("webhook: refresh", "provider", name, "ref", ref, "err", err)
			a.metrics.webhook(name, "error")
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		default:
			a.log.Debug("webhook: refreshed", "provider", name, "ref", ref)
			a.metrics.webhook(name, "refreshed")
		}
		w.WriteHeader(http.StatusAccepted)
	}
}

// sandboxWebhooks points the sandbox simulators' webhooks at this daemon's
// /webhooks/{provider} under baseURL (e.g. "http://127.0.0.1:8787"), each
// signed with that provider's webhook_secret, so the demo shows payments
// moving on webhooks. The in-process sandbox is configured directly, an
// external one through POST /_sandbox/webhooks. One simulator serves each
// type, so with several providers of a type the first name (sorted) gets
// its webhooks.
func (a *app) sandboxWebhooks(ctx context.Context, baseURL string) error {
	if !a.sandbox {
		return nil
	}
	names := make([]string, 0, len(a.cfg.Providers))
	for n := range a.cfg.Providers {
		names = append(names, n)
	}
	sort.Strings(names)
	done := map[string]bool{}
	var errs []error
	for _, name := range names {
		pc := a.cfg.Providers[name]
		if done[pc.Type] {
			continue
		}
		done[pc.Type] = true
		if pc.WebhookSecret == "" && pc.Type != "wirex" {
			a.log.Info("sandbox webhooks off for provider without webhook_secret", "provider", name)
			continue
		}
		t := simulate.WebhookTarget{URL: strings.TrimRight(baseURL, "/") + "/webhooks/" + name, Secret: string(pc.WebhookSecret)}
		var err error
		if a.sb != nil {
			err = a.sb.Env.Webhooks.Set(pc.Type, t)
		} else {
			err = postSandboxWebhook(ctx, a.sandboxURL, pc.Type, t)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("sandbox webhooks for %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// postSandboxWebhook configures an external `paybatch sandbox`.
func postSandboxWebhook(ctx context.Context, sandboxURL, simulator string, t simulate.WebhookTarget) error {
	body, err := json.Marshal(map[string]string{"provider": simulator, "url": t.URL, "secret": t.Secret})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(sandboxURL, "/")+"/_sandbox/webhooks", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("configure sandbox: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("configure sandbox: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("configure sandbox: HTTP %d", resp.StatusCode)
	}
	return nil
}
