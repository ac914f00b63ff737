package solaris

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"time"

	"github.com/paybatch/paybatch/dispatch"
)

// errBodyTooLarge is returned when a response exceeds Config.MaxBodyBytes.
var errBodyTooLarge = errors.New("response body too large")

// send performs req and classifies a transport failure by whether the
// request was written: before that, nothing can have reached the provider
// (refused, DNS, a dead pooled connection) and a retry is safe; after it, a
// timeout or reset leaves the outcome unknown. httptrace tells us which, so no
// error text is ever inspected.
func send(hc *http.Client, req *http.Request) (*http.Response, error) {
	var wrote bool
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote = true }}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := hc.Do(req)
	if err == nil {
		return resp, nil
	}
	// Do's *url.Error repeats the whole URL; the path is enough here.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	err = fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	if !wrote {
		return nil, &dispatch.NotSentError{Err: err}
	}
	return nil, &dispatch.UnknownOutcomeError{Err: err}
}

// readBody reads at most limit bytes; a longer body is an error rather than
// a silently truncated document.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errBodyTooLarge
	}
	return b, nil
}

// retryAfter parses Retry-After as seconds or an HTTP date; 0 when absent.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// transient reports whether an HTTP status leaves the outcome unknown.
func transient(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500
}
