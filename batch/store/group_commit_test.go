package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// queuedPayments stores n Queued payments of one dispatching batch.
func queuedPayments(t testing.TB, s *Store, sha string, n int) []*batch.Dispatch {
	t.Helper()
	b, infos := sampleBatch(sha)
	b.Stage = StageDispatching
	if err := s.CreateBatch(context.Background(), b, infos); err != nil {
		t.Fatal(err)
	}
	ds := make([]*batch.Dispatch, 0, n)
	for i := 1; i <= n; i++ {
		ds = append(ds, &batch.Dispatch{Payment: fullPayment(infos[0], i), Provider: "solaris",
			Key: fmt.Sprintf("%s-%d", sha, i), State: batch.Queued, NextAt: t0})
	}
	if err := s.AddPayments(context.Background(), b.ID, ds); err != nil {
		t.Fatal(err)
	}
	return ds
}

// stalled holds the store's write lock, so that transitions queue up
// behind the writer, until the returned release is called; wait blocks
// until n transitions are with the writer (one taken, n-1 queued).
func stalled(t *testing.T, s *Store) (wait func(n int), release func()) {
	s.wlock <- struct{}{}
	var once sync.Once
	release = func() { once.Do(func() { <-s.wlock }) }
	t.Cleanup(release)
	wait = func(n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for len(s.gc.reqs) < n-1 {
			if time.Now().After(deadline) {
				t.Fatalf("only %d of %d transitions queued", len(s.gc.reqs)+1, n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	return wait, release
}

type step struct {
	d    batch.Dispatch
	from batch.DispatchState
}

// transitionAll runs every step concurrently and returns their errors.
func transitionAll(ctx context.Context, s *Store, steps []step) []error {
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Transition(ctx, &steps[i].d, steps[i].from, fmt.Sprintf("step %d", i))
		}()
	}
	wg.Wait()
	return errs
}

func sending(d *batch.Dispatch) step {
	w := *d
	w.State, w.Attempts, w.SentAt = batch.Sending, 1, t0
	return step{d: w, from: batch.Queued}
}

// stateOf reloads a payment's state and counts its transition events.
func stateOf(t *testing.T, s *Store, id int64) (batch.DispatchState, int) {
	t.Helper()
	d, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.PaymentEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Kind == KindPaymentState {
			n++
		}
	}
	return d.State, n
}

// Transitions that queue while the writer is busy are committed in one
// transaction, each with its event, and are there after a reopen.
func TestGroupCommitConcurrentTransitionsAllDurable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pb.db")
	c := &clock{t: t0}
	s := openAt(t, path, c)
	ds := queuedPayments(t, s, "group", 64)
	steps := make([]step, len(ds))
	for i, d := range ds {
		steps[i] = sending(d)
	}
	wait, release := stalled(t, s)
	before := s.gc.commits.Load()
	done := make(chan []error)
	go func() { done <- transitionAll(ctx, s, steps) }()
	wait(len(steps))
	release()
	for i, err := range <-done {
		if err != nil {
			t.Errorf("step %d: %v", i, err)
		}
	}
	if n := s.gc.commits.Load() - before; n != 1 {
		t.Errorf("%d transactions for %d queued transitions, want 1", n, len(steps))
	}
	s.Close()

	s = openAt(t, path, c)
	for _, d := range ds {
		if st, evs := stateOf(t, s, d.PaymentID); st != batch.Sending || evs != 1 {
			t.Errorf("payment %d: %s with %d events after reopen, want sending with 1", d.PaymentID, st, evs)
		}
	}
}

// A transition that fails inside a group fails only its own caller: a
// conflict (also with an earlier transition of the same group) or a
// statement error undoes its own writes and nothing else.
func TestGroupCommitOneFailureFailsOnlyItsCaller(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	ds := queuedPayments(t, s, "one-fails", 8)
	// A real statement error, raised while the failing transition's event
	// is inserted, after its UPDATE succeeded: the savepoint must undo it.
	if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER poison_abort BEFORE INSERT ON events
		WHEN NEW.why = 'step 3' BEGIN SELECT RAISE(ABORT, 'poisoned transition'); END`); err != nil {
		t.Fatal(err)
	}
	var steps []step
	for _, d := range ds {
		steps = append(steps, sending(d))
	}
	steps[1].from = batch.Submitted       // stale: conflict
	steps = append(steps, sending(ds[0])) // step 8: the same move as step 0, one of them conflicts
	wait, release := stalled(t, s)
	done := make(chan []error)
	go func() { done <- transitionAll(ctx, s, steps) }()
	wait(len(steps))
	release()
	errs := <-done
	for i, err := range errs {
		switch {
		case i == 1:
			if !errors.Is(err, batch.ErrConflict) {
				t.Errorf("stale step: err = %v, want ErrConflict", err)
			}
		case i == 3:
			if err == nil || !strings.Contains(err.Error(), "poisoned transition") {
				t.Errorf("poisoned step: err = %v", err)
			}
		case i == 0 || i == 8:
			// whichever the writer applied first wins
		case err != nil:
			t.Errorf("step %d: %v", i, err)
		}
	}
	if (errs[0] == nil) == (errs[8] == nil) || !errors.Is(errors.Join(errs[0], errs[8]), batch.ErrConflict) {
		t.Errorf("the same move twice: errs %v and %v, want exactly one ErrConflict", errs[0], errs[8])
	}
	for i, d := range ds {
		want, wantEvs := batch.Sending, 1
		if i == 1 || i == 3 {
			want, wantEvs = batch.Queued, 0
		}
		if st, evs := stateOf(t, s, d.PaymentID); st != want || evs != wantEvs {
			t.Errorf("payment %d: %s with %d events, want %s with %d", i, st, evs, want, wantEvs)
		}
	}
}

// When the group's transaction itself fails, every caller in it gets an
// error and none of their transitions is written; the store goes on.
func TestGroupCommitFailedTransactionFailsEveryCaller(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	ds := queuedPayments(t, s, "all-fail", 12)
	// RAISE(ROLLBACK) rolls the whole transaction back from inside one
	// statement, as an I/O error or a full disk would.
	if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER poison_rollback BEFORE INSERT ON events
		WHEN NEW.why = 'step 5' BEGIN SELECT RAISE(ROLLBACK, 'transaction lost'); END`); err != nil {
		t.Fatal(err)
	}
	var steps []step
	for _, d := range ds {
		steps = append(steps, sending(d))
	}
	wait, release := stalled(t, s)
	done := make(chan []error)
	go func() { done <- transitionAll(ctx, s, steps) }()
	wait(len(steps))
	release()
	for i, err := range <-done {
		if err == nil {
			t.Errorf("step %d succeeded in a rolled-back transaction", i)
		}
	}
	for i, d := range ds {
		if st, evs := stateOf(t, s, d.PaymentID); st != batch.Queued || evs != 0 {
			t.Errorf("payment %d: %s with %d events, want queued with none", i, st, evs)
		}
	}
	if _, err := s.db.ExecContext(ctx, `DROP TRIGGER poison_rollback`); err != nil {
		t.Fatal(err)
	}
	for i, err := range transitionAll(ctx, s, steps) {
		if err != nil {
			t.Errorf("step %d after the failure: %v", i, err)
		}
	}
}

// Another process holding the write lock past busy_timeout fails every
// waiting caller (none hangs) and writes nothing.
func TestGroupCommitBusyFailsEveryCaller(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pb.db")
	s, err := Open(ctx, path, Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ds := queuedPayments(t, s, "busy-group", 16)
	var steps []step
	for _, d := range ds {
		steps = append(steps, sending(d))
	}
	release := holdWriteLock(t, path)
	errs := transitionAll(ctx, s, steps)
	release()
	for i, err := range errs {
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "lock") {
			t.Errorf("step %d: err = %v, want a locked/busy error", i, err)
		}
	}
	for i, d := range ds {
		if st, evs := stateOf(t, s, d.PaymentID); st != batch.Queued || evs != 0 {
			t.Errorf("payment %d: %s with %d events, want queued with none", i, st, evs)
		}
	}
}

// A caller that gives up while its transition is still queued gets its
// context's error, and the transition is never written.
func TestGroupCommitAbandonedTransitionIsNotWritten(t *testing.T) {
	s, _ := newStore(t)
	ds := queuedPayments(t, s, "abandon", 2)
	wait, release := stalled(t, s)
	first := make(chan error, 1)
	go func() {
		st := sending(ds[0])
		first <- s.Transition(context.Background(), &st.d, st.from, "first")
	}()
	wait(1) // the writer holds the first and waits for the lock
	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() {
		st := sending(ds[1])
		second <- s.Transition(ctx, &st.d, st.from, "abandoned")
	}()
	wait(2)
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoned transition: err = %v, want context.Canceled", err)
	}
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if st, evs := stateOf(t, s, ds[1].PaymentID); st != batch.Queued || evs != 0 {
		t.Fatalf("abandoned payment: %s with %d events, want queued with none", st, evs)
	}
}

// Close commits what was handed over before it; later transitions fail.
func TestGroupCommitClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pb.db")
	c := &clock{t: t0}
	s := openAt(t, path, c)
	ds := queuedPayments(t, s, "close", 3)
	wait, release := stalled(t, s)
	done := make(chan []error)
	go func() { done <- transitionAll(context.Background(), s, []step{sending(ds[0]), sending(ds[1])}) }()
	wait(2)
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	release()
	for i, err := range <-done {
		if err != nil {
			t.Errorf("step %d handed over before Close: %v", i, err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	st := sending(ds[2])
	if err := s.Transition(context.Background(), &st.d, st.from, "late"); !errors.Is(err, ErrClosed) {
		t.Fatalf("transition after Close: err = %v, want ErrClosed", err)
	}
	s = openAt(t, path, c)
	for i, want := range []batch.DispatchState{batch.Sending, batch.Sending, batch.Queued} {
		if got, _ := stateOf(t, s, ds[i].PaymentID); got != want {
			t.Errorf("payment %d: %s, want %s", i, got, want)
		}
	}
}

// crashChildEnv names the database the child of the crash test works on.
const crashChildEnv = "PAYBATCH_STORE_CRASH_CHILD"

// A process killed (SIGKILL) while its workers' transitions are being
// group-committed loses none it acknowledged: every transition a caller
// saw succeed is in the database after the crash, with its event.
func TestGroupCommitCrashLosesNothingAcknowledged(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path := filepath.Join(t.TempDir(), "pb.db")
	c := &clock{t: t0}
	s := openAt(t, path, c)
	const workers, per = 8, 150
	queuedPayments(t, s, "crash", workers*per)
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestGroupCommitCrashLosesNothingAcknowledged$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[int64]batch.DispatchState{}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		id, state, ok := parseAck(sc.Text())
		if !ok {
			continue
		}
		if state == batch.Done || acked[id] == "" {
			acked[id] = state
		}
		if !killed && len(acked) >= workers*per/4 {
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed || err == nil {
		t.Fatalf("the child was not killed mid-run (acks %d, exit %v)", len(acked), err)
	}

	s = openAt(t, path, c)
	done := 0
	for id, want := range acked {
		got, evs := stateOf(t, s, id)
		ok := got == want && evs == map[batch.DispatchState]int{batch.Sending: 1, batch.Done: 2}[want] ||
			want == batch.Sending && got == batch.Done && evs == 2 // acknowledged later than we read
		if !ok {
			t.Errorf("payment %d acknowledged %s, after the crash %s with %d events", id, want, got, evs)
		}
		if want == batch.Done {
			done++
		}
	}
	t.Logf("%d payments acknowledged before SIGKILL, %d of them done: all there", len(acked), done)
}

func parseAck(line string) (int64, batch.DispatchState, bool) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "ack" {
		return 0, "", false
	}
	id, err := strconv.ParseInt(f[1], 10, 64)
	return id, batch.DispatchState(f[2]), err == nil
}

// crashChild moves every payment Queued → Sending → Done from 8 workers,
// printing an ack line only after each Transition returned nil, until it
// is killed.
func crashChild(t *testing.T, path string) {
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.Due(ctx, "solaris", t0.Add(time.Hour), 100000)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	ack := func(id int64, st batch.DispatchState) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, "ack %d %s\n", id, st)
	}
	const workers = 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ds); i += workers {
				st := sending(ds[i])
				if err := s.Transition(ctx, &st.d, st.from, "crash test"); err != nil {
					t.Error(err)
					return
				}
				ack(st.d.PaymentID, batch.Sending)
				fin := st.d
				fin.State, fin.Status = batch.Done, batch.ACSC
				if err := s.Transition(ctx, &fin, batch.Sending, "crash test"); err != nil {
					t.Error(err)
					return
				}
				ack(fin.PaymentID, batch.Done)
			}
		}()
	}
	wg.Wait()
	// Finished before the kill: wait for it, so that the parent sees a
	// killed process either way.
	time.Sleep(time.Hour)
}

// A transition alone in its transaction (no savepoint) that fails after
// its UPDATE leaves nothing behind either.
func TestGroupCommitLoneFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	ds := queuedPayments(t, s, "lone", 1)
	if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER poison_lone BEFORE INSERT ON events
		WHEN NEW.why = 'lone' BEGIN SELECT RAISE(ABORT, 'poisoned transition'); END`); err != nil {
		t.Fatal(err)
	}
	st := sending(ds[0])
	if err := s.Transition(ctx, &st.d, st.from, "lone"); err == nil || !strings.Contains(err.Error(), "poisoned transition") {
		t.Fatalf("err = %v", err)
	}
	if got, evs := stateOf(t, s, ds[0].PaymentID); got != batch.Queued || evs != 0 {
		t.Fatalf("%s with %d events, want queued with none", got, evs)
	}
}
