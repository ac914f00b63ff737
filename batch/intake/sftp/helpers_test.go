package sftp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"strconv"
	"testing"

	"golang.org/x/crypto/ssh"
)

func otherKey(t *testing.T) (ed25519.PrivateKey, ssh.PublicKey) {
	t.Helper()
	pk, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	return sk, pub
}

func itoa(n int) string { return strconv.Itoa(n) }

func slogText(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
