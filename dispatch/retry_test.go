package dispatch

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := 1; n <= 10; n++ {
		want := 100 * time.Millisecond << (n - 1)
		if want > time.Second {
			want = time.Second
		}
		for i := 0; i < 50; i++ {
			d := p.Backoff(n, 0)
			if d < want/2 || d > want*3/2 {
				t.Fatalf("Backoff(%d) = %v, want within ±50%% of %v", n, d, want)
			}
		}
	}
	if d := p.Backoff(1, 30*time.Second); d != 30*time.Second {
		t.Fatalf("Retry-After not honoured: %v", d)
	}
}
