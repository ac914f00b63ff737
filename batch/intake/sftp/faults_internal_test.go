package sftp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkg/sftp"

	"github.com/paybatch/paybatch/batch/intake"
)

// A misbehaving server is easier to build in memory than to coax out of
// OpenSSH: pkg/sftp's request server with a writer that lies.

type lyingPut struct {
	sftp.FileWriter
	mangle func(p []byte) []byte
}

func (l lyingPut) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	w, err := l.FileWriter.Filewrite(r)
	if err != nil {
		return nil, err
	}
	return lyingWriter{w, l.mangle}, nil
}

type lyingWriter struct {
	io.WriterAt
	mangle func([]byte) []byte
}

// WriteAt claims to have written everything, whatever it stored.
func (l lyingWriter) WriteAt(p []byte, off int64) (int, error) {
	if _, err := l.WriterAt.WriteAt(l.mangle(p), off); err != nil {
		return 0, err
	}
	return len(p), nil
}

func memConn(t *testing.T, h sftp.Handlers) (*conn, *sftp.Client) {
	t.Helper()
	c := &conn{addr: "memory", log: slog.Default(), bo: intake.Backoff{Min: time.Millisecond, Max: time.Millisecond}}
	c.dial = func(context.Context) (*session, error) {
		a, b := net.Pipe()
		srv := sftp.NewRequestServer(a, h)
		go srv.Serve()
		cl, err := sftp.NewClientPipe(b, b)
		if err != nil {
			return nil, err
		}
		s := &session{client: cl, dead: make(chan struct{})}
		var once sync.Once
		s.close = func() error { once.Do(func() { cl.Close(); srv.Close() }); return nil }
		go func() { _ = cl.Wait(); s.close(); close(s.dead) }()
		return s, nil
	}
	cl, err := c.client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, cl
}

func TestOutboxDetectsDroppedWrites(t *testing.T) {
	body := strings.Repeat("x", 100_000)
	for _, tc := range []struct {
		name   string
		mangle func([]byte) []byte
		verify bool
	}{
		{"size short", func(p []byte) []byte { return p[:len(p)/2] }, false},
		{"bytes changed, size kept", func(p []byte) []byte {
			q := append([]byte(nil), p...)
			q[0] ^= 0xff
			return q
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sftp.InMemHandler()
			h.FilePut = lyingPut{h.FilePut, tc.mangle}
			c, cl := memConn(t, h)
			ob := &Outbox{conn: c, dir: "/out", verify: tc.verify}
			_, err := ob.Put(context.Background(), "report.xml", func(w io.Writer) error {
				_, err := io.WriteString(w, body)
				return err
			})
			if !errors.Is(err, intake.ErrIncomplete) {
				t.Fatalf("err = %v, want ErrIncomplete", err)
			}
			infos, err := cl.ReadDir("/out")
			if err != nil {
				t.Fatal(err)
			}
			for _, fi := range infos {
				t.Errorf("left behind in outbox: %s", fi.Name())
			}
		})
	}
}

func TestConnectionLossIsUnavailableAndRedialled(t *testing.T) {
	c, cl := memConn(t, sftp.InMemHandler())
	c.mu.Lock()
	first := c.cur
	c.mu.Unlock()
	first.close() // the server went away
	<-first.dead
	_, err := cl.Stat("/")
	if err = c.classify(err); !errors.Is(err, intake.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	cl2, err := c.client(context.Background())
	if err != nil {
		t.Fatalf("redial: %v", err)
	}
	if cl2 == cl {
		t.Fatal("dead client handed out again")
	}
	if _, err := cl2.Stat("/"); err != nil {
		t.Fatalf("new connection: %v", err)
	}
}
