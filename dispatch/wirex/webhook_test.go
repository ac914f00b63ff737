package wirex

import "testing"

func TestVerifyWebhookToken(t *testing.T) {
	if !VerifyWebhookToken([]byte("tok"), "tok") {
		t.Fatal("own token refused")
	}
	for _, c := range []struct{ secret, token string }{{"tok", ""}, {"tok", "tok "}, {"tok", "to"}, {"", ""}} {
		if VerifyWebhookToken([]byte(c.secret), c.token) {
			t.Errorf("VerifyWebhookToken(%q, %q) verified", c.secret, c.token)
		}
	}
	if ref, err := WebhookRef([]byte(`{"id":"act-1","status":"Completed"}`)); err != nil || ref != "act-1" {
		t.Errorf("WebhookRef = %q, %v", ref, err)
	}
	if _, err := WebhookRef([]byte(`{"status":"Completed"}`)); err == nil {
		t.Error("WebhookRef without id: no error")
	}
}

// FuzzVerifyWebhookToken: never panics; only the exact token verifies.
func FuzzVerifyWebhookToken(f *testing.F) {
	f.Add("tok", "tok", []byte(`{"id":"a"}`))
	f.Add("", "", []byte(`{}`))
	f.Add("tok", "TOK", []byte(`[]`))
	f.Fuzz(func(t *testing.T, secret, token string, body []byte) {
		ok := VerifyWebhookToken([]byte(secret), token)
		if ok != (secret != "" && secret == token) {
			t.Fatalf("VerifyWebhookToken(%q, %q) = %v", secret, token, ok)
		}
		_, _ = WebhookRef(body)
	})
}
