package p100

import (
	"strings"
	"testing"
)

func TestVerifyWebhook(t *testing.T) {
	for _, c := range []struct {
		secret, header string
		want           bool
	}{
		{"s3cret", "s3cret", true},
		{"s3cret", "Bearer s3cret", true},
		{"s3cret", "s3cre", false},
		{"s3cret", "", false},
		{"", "", false}, // no secret configured: nothing verifies
		{"s3cret", "Bearer other", false},
	} {
		if got := VerifyWebhook([]byte(c.secret), c.header); got != c.want {
			t.Errorf("VerifyWebhook(%q, %q) = %v", c.secret, c.header, got)
		}
	}
	if ref, err := WebhookRef([]byte(`{"transferId":"t-1","status":"SUCCESSFUL"}`)); err != nil || ref != "t-1" {
		t.Errorf("WebhookRef = %q, %v", ref, err)
	}
	if _, err := WebhookRef([]byte(`{"status":"SUCCESSFUL"}`)); err == nil {
		t.Error("WebhookRef without id: no error")
	}
}

// FuzzVerifyWebhook: never panics, and only the exact secret verifies.
func FuzzVerifyWebhook(f *testing.F) {
	f.Add("s3cret", "s3cret", []byte(`{"transferId":"x"}`))
	f.Add("s3cret", "Bearer s3cret", []byte(`{}`))
	f.Add("", "", []byte(`null`))
	f.Add("a", "Bearer  a ", []byte(`{"id":1}`))
	f.Fuzz(func(t *testing.T, secret, header string, body []byte) {
		ok := VerifyWebhook([]byte(secret), header)
		if ok && secret == "" {
			t.Fatal("empty secret verified")
		}
		plain := secret != "" && secret == strings.TrimSpace(secret) && !strings.HasPrefix(secret, "Bearer ")
		if plain && (!VerifyWebhook([]byte(secret), secret) || !VerifyWebhook([]byte(secret), "Bearer "+secret)) {
			t.Fatalf("own secret %q refused", secret)
		}
		if ok && plain && strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(header), "Bearer ")) != secret {
			t.Fatalf("header %q verified for secret %q", header, secret)
		}
		_, _ = WebhookRef(body)
	})
}
