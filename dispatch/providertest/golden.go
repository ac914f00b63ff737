package providertest

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// Golden compares got with testdata/<name>.golden, or rewrites the file
// when the test runs with -update.
func Golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Recorded is one request as the provider would receive it.
type Recorded struct {
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Header map[string]string `json:"header,omitempty"`
	Body   json.RawMessage   `json:"body,omitempty"`
}

// Recorder sits in front of a sandbox and keeps every request: method,
// path with query, the listed headers and the JSON body. Secrets are
// replaced by "REDACTED" so golden files never hold them.
type Recorder struct {
	Next    http.Handler
	Headers []string
	Secrets []string

	mu   sync.Mutex
	reqs []Recorded
}

func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	req.Body = io.NopCloser(bytes.NewReader(body))
	rec := Recorded{Method: req.Method, Path: req.URL.RequestURI(), Header: map[string]string{}}
	for _, h := range r.Headers {
		if v := req.Header.Get(h); v != "" {
			rec.Header[h] = r.redact(v)
		}
	}
	if len(body) > 0 {
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(r.redact(string(body))), "    ", "  ") == nil {
			rec.Body = buf.Bytes()
		} else {
			rec.Body, _ = json.Marshal(r.redact(string(body)))
		}
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	r.Next.ServeHTTP(w, req)
}

func (r *Recorder) redact(s string) string {
	for _, sec := range r.Secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "REDACTED")
		}
	}
	return s
}

// JSON returns the requests so far, indented for a golden file.
func (r *Recorder) JSON() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "&" in query strings readable
	enc.SetIndent("", "  ")
	_ = enc.Encode(r.reqs)
	return buf.Bytes()
}

// Response is a status and an indented JSON body, for golden error files.
func Response(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if json.Indent(&buf, body, "", "  ") != nil {
		buf.Reset()
		buf.Write(body)
	}
	return []byte(resp.Status + "\n" + strings.TrimSpace(buf.String()) + "\n")
}
