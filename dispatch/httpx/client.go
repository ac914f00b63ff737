package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paybatch/paybatch/dispatch"
)

// Defaults for Client fields left zero.
const (
	DefaultTimeout = 30 * time.Second
	DefaultMaxBody = 1 << 20 // 1 MiB: no provider answer we read is larger
)

// Client sends JSON requests to one provider. The zero value of every
// optional field is usable.
type Client struct {
	Provider string        // for logs and error messages
	BaseURL  string        // e.g. "https://api.example.com" or a sandbox prefix
	HTTP     *http.Client  // nil: a shared client with keep-alive pooling and no overall timeout (Timeout applies per request)
	Timeout  time.Duration // per request; 0: DefaultTimeout
	MaxBody  int64         // response body limit; 0: DefaultMaxBody
	Log      *slog.Logger  // nil: slog.Default()
	Now      func() time.Time
}

// Request is one call. Header carries credentials: it is never logged and
// never part of an error message.
type Request struct {
	Method string
	Path   string // appended to BaseURL; may already hold a query
	Query  url.Values
	Header http.Header
	Body   any // JSON-encoded when non-nil; a []byte is sent as is
	// ContentType overrides "application/json" for a []byte body.
	ContentType string
}

// Response is what came back, whatever the status code.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// ErrBodyTooLarge is wrapped when a response exceeds MaxBody.
var ErrBodyTooLarge = errors.New("response body too large")

// Do sends the request. Every HTTP answer, 4xx and 5xx included, comes back
// as a Response with a nil error: the caller knows the provider's error
// shapes. A non-nil error is a transport failure, always either a
// *dispatch.NotSentError (the request never reached the server) or a
// *dispatch.UnknownOutcomeError (it may have).
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	var body io.Reader
	ctype := r.ContentType
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			// Our own bug, before any I/O: nothing was sent.
			return nil, &dispatch.NotSentError{Err: fmt.Errorf("%s %s %s: encode request: %w", c.Provider, r.Method, r.Path, err)}
		}
		body = bytes.NewReader(buf)
	}
	if body != nil && ctype == "" {
		ctype = "application/json"
	}
	u := strings.TrimRight(c.BaseURL, "/") + r.Path
	if len(r.Query) > 0 {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + r.Query.Encode()
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// The trace tells whether a connection was ever obtained: without one
	// the server cannot have seen the request, which is the only proof of
	// "not sent" we accept. Error text is never inspected.
	var gotConn atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), r.Method, u, body)
	if err != nil {
		return nil, &dispatch.NotSentError{Err: fmt.Errorf("%s %s %s: build request: %w", c.Provider, r.Method, r.Path, err)}
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}

	start := time.Now()
	resp, err := c.httpClient().Do(req)
	if err != nil {
		cerr := classify(c.Provider, r.Method, r.Path, err, gotConn.Load())
		c.logger().LogAttrs(ctx, slog.LevelWarn, "provider request failed",
			slog.String("provider", c.Provider), slog.String("method", r.Method), slog.String("path", r.Path),
			slog.Duration("elapsed", time.Since(start)), slog.String("error", cerr.Error()))
		return nil, cerr
	}
	defer resp.Body.Close()
	limit := c.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = ErrBodyTooLarge
	}
	if err != nil {
		// The server answered (it may have acted) but the answer is lost.
		return nil, &dispatch.UnknownOutcomeError{Err: fmt.Errorf("%s %s %s: HTTP %d, reading body: %w", c.Provider, r.Method, r.Path, resp.StatusCode, err)}
	}
	c.logger().LogAttrs(ctx, slog.LevelDebug, "provider request",
		slog.String("provider", c.Provider), slog.String("method", r.Method), slog.String("path", r.Path),
		slog.Int("status", resp.StatusCode), slog.Duration("elapsed", time.Since(start)))
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return pooled
}

// MaxIdleConnsPerHost is how many idle keep-alive connections the default
// transport keeps to one provider host: more than any lane's concurrency,
// so that every worker finds a connection to reuse.
const MaxIdleConnsPerHost = 64

// pooled is the client of adapters that bring none. http.DefaultTransport
// keeps only 2 idle connections per host (http.DefaultMaxIdleConnsPerHost):
// with 8 or 16 workers calling one provider, most answers closed their
// connection and the next call dialled a new one (a TCP, and against a
// real provider a TLS, handshake on the worker's critical path, and a
// socket left in TIME_WAIT).
var pooled = &http.Client{Transport: NewTransport()}

// NewTransport returns http.DefaultTransport's settings (proxy from the
// environment, dial and TLS timeouts, HTTP/2) with MaxIdleConnsPerHost
// idle connections kept per host.
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	t.MaxIdleConns = 4 * MaxIdleConnsPerHost
	return t
}

func (c *Client) logger() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// classify turns a transport error into a dispatch error class. Only a
// failure before any connection existed (refused, DNS, TLS setup never
// reached, context cancelled while dialling) proves the request was not
// sent; anything later may have reached the server.
func classify(provider, method, path string, err error, gotConn bool) error {
	// url.Error repeats the full URL; our message names method and path.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	wrapped := fmt.Errorf("%s %s %s: %w", provider, method, path, err)
	if !gotConn {
		return &dispatch.NotSentError{Err: wrapped}
	}
	return &dispatch.UnknownOutcomeError{Err: wrapped}
}

// Decode unmarshals a JSON response body.
func (r *Response) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode HTTP %d response: %w", r.StatusCode, err)
	}
	return nil
}

// OK reports a 2xx status.
func (r *Response) OK() bool { return r.StatusCode >= 200 && r.StatusCode < 300 }

// Transient returns a *dispatch.UnknownOutcomeError for 429 and 5xx, the
// answers after which the request may or may not have taken effect, and nil
// for any other status. what names the call for the message.
func (c *Client) Transient(r *Response, what string) error {
	if r.StatusCode != http.StatusTooManyRequests && r.StatusCode < 500 {
		return nil
	}
	return &dispatch.UnknownOutcomeError{
		Err:        fmt.Errorf("%s %s: HTTP %d", c.Provider, what, r.StatusCode),
		RetryAfter: RetryAfter(r.Header, c.now()),
	}
}
