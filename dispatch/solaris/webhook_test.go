package solaris

import "testing"

func TestWebhookRef(t *testing.T) {
	for body, want := range map[string]string{
		`{"id":"sct-1","status":"executed"}`:     "sct-1",
		`{"id":"bk-1","transaction_id":"sct-2"}`: "sct-2",
	} {
		if ref, err := WebhookRef([]byte(body)); err != nil || ref != want {
			t.Errorf("WebhookRef(%s) = %q, %v; want %q", body, ref, err, want)
		}
	}
	if _, err := WebhookRef([]byte(`{}`)); err == nil {
		t.Error("WebhookRef without id: no error")
	}
}

// FuzzWebhookRef: any body, signed or not, never panics the parser and
// never yields an empty reference without an error.
func FuzzWebhookRef(f *testing.F) {
	f.Add([]byte(`{"id":"sct-1"}`))
	f.Add([]byte(`{"transaction_id":""}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ref, err := WebhookRef(body)
		if err == nil && ref == "" {
			t.Fatal("empty ref without error")
		}
	})
}
