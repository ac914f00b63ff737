package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- serveSandbox(ctx, []string{"--listen", "127.0.0.1:0", "--settle-delay", "0s"}, &out, &errb, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case code := <-done:
		t.Fatalf("exited early with %d: %s", code, errb.String())
	case <-time.After(30 * time.Second):
		t.Fatal("sandbox did not start")
	}
	resp, err := http.Get("http://" + addr + "/_sandbox/ledger")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("ledger: %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sandbox did not stop on cancel")
	}
	for _, want := range []string{"SANDBOX", "NO REAL MONEY", "/p100/", "/wirex/", "/solaris/", "/smoney/", "/_sandbox/ledger", "/_sandbox/faults"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("start-up message lacks %q:\n%s", want, out.String())
		}
	}
	if code := serveSandbox(context.Background(), []string{"extra"}, io.Discard, io.Discard, nil); code != exitUsage {
		t.Errorf("stray argument: exit %d", code)
	}
}
