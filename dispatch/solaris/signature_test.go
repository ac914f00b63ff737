package solaris

import (
	"strings"
	"testing"
)

func TestSignature(t *testing.T) {
	secret := []byte("whsec-123")
	body := []byte(`{"event":"SEPA_CREDIT_TRANSACTION_DECLINED","id":"sct-1"}`)
	sig := Sign(secret, body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != len("sha256=")+64 {
		t.Fatalf("Sign = %q", sig)
	}
	for _, tc := range []struct {
		name   string
		secret []byte
		body   []byte
		header string
		want   bool
	}{
		{"valid", secret, body, sig, true},
		{"upper-case hex", secret, body, "sha256=" + strings.ToUpper(strings.TrimPrefix(sig, "sha256=")), true},
		{"surrounding space", secret, body, " " + sig + " ", true},
		{"other body", secret, append([]byte{}, append(body, ' ')...), sig, false},
		{"other secret", []byte("whsec-124"), body, sig, false},
		{"empty secret", nil, body, Sign(nil, body), false},
		{"no prefix", secret, body, strings.TrimPrefix(sig, "sha256="), false},
		{"sha1 prefix", secret, body, "sha1=" + strings.TrimPrefix(sig, "sha256="), false},
		{"truncated", secret, body, sig[:len(sig)-2], false},
		{"not hex", secret, body, "sha256=" + strings.Repeat("zz", 32), false},
		{"empty", secret, body, "", false},
	} {
		if got := VerifySignature(tc.secret, tc.body, tc.header); got != tc.want {
			t.Errorf("%s: VerifySignature = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// FuzzVerifySignature: never panics, accepts its own signatures, and
// accepts no header for a body other than the one signed.
func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte("k"), []byte("{}"), "sha256=00")
	f.Add([]byte("whsec"), []byte(`{"a":1}`), Sign([]byte("whsec"), []byte(`{"a":1}`)))
	f.Add([]byte{}, []byte{}, "")
	f.Fuzz(func(t *testing.T, secret, body []byte, header string) {
		ok := VerifySignature(secret, body, header)
		if ok && len(secret) == 0 {
			t.Fatal("verified with an empty secret")
		}
		if ok && header != Sign(secret, body) && strings.ToLower(strings.TrimSpace(header)) != Sign(secret, body) {
			t.Fatalf("accepted a header that is not the signature: %q", header)
		}
		if len(secret) > 0 && !VerifySignature(secret, body, Sign(secret, body)) {
			t.Fatal("own signature rejected")
		}
	})
}
