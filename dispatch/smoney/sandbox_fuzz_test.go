package smoney

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/dispatch/simulate"
)

// FuzzSandboxRequests: whatever body arrives at the two POST endpoints, the
// sandbox answers JSON in S-money's shapes and never panics.
func FuzzSandboxRequests(f *testing.F) {
	f.Add(true, `{"displayname":"J","iban":"FR1420041010050500013M02606","bic":"PSSTFRPPXXX","Holder":{"LastName":"P"}}`)
	f.Add(true, `{"displayname":"J","iban":"FR14","bic":"PS","Holder":{"LastName":"P"}}`)
	f.Add(false, `{"orderid":"o","amount":100,"bankaccount":{"id":1},"fee":{"amountWithVAT":0,"VAT":0}}`)
	f.Add(false, `{"amount":-1}`)
	sb := NewSandbox(simulate.NewEnv(time.Minute), SandboxOptions{})
	f.Fuzz(func(t *testing.T, account bool, body string) {
		path := "/api/d/users/u/payouts/storedbankaccounts"
		if account {
			path = "/api/d/users/u/bankaccounts"
		}
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer t")
		r.Header.Set("Accept", MediaType)
		r.Header.Set("Content-Type", MediaType)
		sb.ServeHTTP(w, r)
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("HTTP %d, not JSON: %q", w.Code, w.Body.String())
		}
		if w.Code >= 400 {
			if e, ok := parseError(w.Body.Bytes()); !ok || e.Code == 0 {
				t.Fatalf("error without S-money's shape: %s", w.Body.String())
			}
		}
	})
}
