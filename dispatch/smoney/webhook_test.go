package smoney

import (
	"bytes"
	"testing"
)

func TestVerifyWebhook(t *testing.T) {
	secret, body := []byte("whsec"), []byte(`{"OrderId":"k","Id":42,"ExecutedDate":"2026-01-01T00:00:00Z"}`)
	sig := SignWebhook(secret, body)
	if !VerifyWebhook(secret, body, sig) {
		t.Fatal("own signature refused")
	}
	for name, c := range map[string]struct {
		secret, body []byte
		header       string
	}{
		"other body":   {secret, append(bytes.Clone(body), ' '), sig},
		"other secret": {[]byte("whsec2"), body, sig},
		"no secret":    {nil, body, SignWebhook(nil, body)},
		"missing":      {secret, body, ""},
		"no prefix":    {secret, body, sig[len("sha256="):]},
		"not hex":      {secret, body, "sha256=" + string(bytes.Repeat([]byte("z"), 64))},
	} {
		if VerifyWebhook(c.secret, c.body, c.header) {
			t.Errorf("%s: verified", name)
		}
	}
	if ref, err := WebhookRef(body); err != nil || ref != "42" {
		t.Errorf("WebhookRef = %q, %v", ref, err)
	}
	for _, b := range []string{`{}`, `{"Id":"x"}`, `{"Id":-1}`, `[`} {
		if _, err := WebhookRef([]byte(b)); err == nil {
			t.Errorf("WebhookRef(%s): no error", b)
		}
	}
}

// FuzzVerifyWebhook: never panics; a signature verifies only for its body
// and secret.
func FuzzVerifyWebhook(f *testing.F) {
	f.Add([]byte("whsec"), []byte(`{"Id":1}`), "sha256=00")
	f.Add([]byte(""), []byte(``), "")
	f.Add([]byte("k"), []byte(`{"Id":9223372036854775807}`), SignWebhook([]byte("k"), []byte(`{"Id":9223372036854775807}`)))
	f.Fuzz(func(t *testing.T, secret, body []byte, header string) {
		ok := VerifyWebhook(secret, body, header)
		if ok && len(secret) == 0 {
			t.Fatal("empty secret verified")
		}
		if len(secret) > 0 && !VerifyWebhook(secret, body, SignWebhook(secret, body)) {
			t.Fatal("own signature refused")
		}
		if ok && VerifyWebhook(secret, append(bytes.Clone(body), 'x'), header) {
			t.Fatal("signature verified for two bodies")
		}
		_, _ = WebhookRef(body)
	})
}
