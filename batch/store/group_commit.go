package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
	"github.com/paybatch/paybatch/batch"
)

// ErrClosed is returned by a Transition made after Close.
var ErrClosed = errors.New("store: closed")

// maxGroup bounds how many transitions one transaction commits, so that a
// long queue cannot hold the write lock for long.
const maxGroup = 128

// groupCommit is the single writer of dispatch transitions. Workers hand it
// their transitions; it takes whatever is queued when it gets the write
// lock, applies each one under its own savepoint and commits them in one
// transaction. Every caller waits until the transaction holding its own
// transition has committed (or failed) before it returns, so a transition
// is as durable when Transition returns as it was with one transaction per
// call; only the commit is shared. It never waits for more work to arrive:
// a lone transition is committed at once.
type groupCommit struct {
	s    *Store
	reqs chan *transitionReq
	done chan struct{}

	mu     sync.RWMutex // held for reading while sending on reqs
	closed bool
	once   sync.Once

	commits atomic.Int64 // transactions begun, for tests
}

// transitionReq is one waiting Transition.
type transitionReq struct {
	ctx  context.Context
	w    *batch.Dispatch
	from batch.DispatchState
	why  string
	// state is reqPending until the writer takes the request into a
	// transaction (reqTaken) or the caller gives up first (reqAbandoned):
	// whichever comes first wins, so an abandoned request is never written
	// and a taken one is always answered.
	state  atomic.Int32
	result chan error // buffered: the writer never blocks on it
}

const (
	reqPending int32 = iota
	reqTaken
	reqAbandoned
)

func startGroupCommit(s *Store) *groupCommit {
	g := &groupCommit{s: s, reqs: make(chan *transitionReq, maxGroup), done: make(chan struct{})}
	go g.run()
	return g
}

// close stops accepting transitions, lets the writer commit those already
// queued and waits for it to exit.
func (g *groupCommit) close() {
	g.once.Do(func() {
		g.mu.Lock()
		g.closed = true
		close(g.reqs)
		g.mu.Unlock()
		<-g.done
	})
}

// submit queues r and waits for its outcome. If ctx ends before the writer
// took r, r is never written and ctx's error is returned; once taken, the
// outcome of its transaction is awaited whatever ctx does, so the caller
// never mistakes a written transition for a failed one.
func (g *groupCommit) submit(ctx context.Context, r *transitionReq) error {
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return ErrClosed
	}
	select {
	case g.reqs <- r:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-r.result:
		return err
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqPending, reqAbandoned) {
			return ctx.Err()
		}
		return <-r.result
	}
}

func (g *groupCommit) run() {
	defer close(g.done)
	for first := range g.reqs {
		// Nothing cancels the writer: it runs until close, and a batch it
		// started is finished so that every taken request is answered.
		g.s.wlock <- struct{}{}
		group := []*transitionReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case r, ok := <-g.reqs:
				if !ok {
					break drain
				}
				group = append(group, r)
			default:
				break drain
			}
		}
		g.commit(group)
		g.s.unlockWrites()
	}
}

// commit applies group in one transaction and answers every request in it.
func (g *groupCommit) commit(group []*transitionReq) {
	taken := group[:0]
	for _, r := range group {
		if r.state.CompareAndSwap(reqPending, reqTaken) {
			taken = append(taken, r)
		}
	}
	if len(taken) == 0 {
		return
	}
	errs := make([]error, len(taken))
	answer := func() {
		for i, r := range taken {
			r.result <- errs[i]
		}
	}
	defer answer()
	failAll := func(err error) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	g.commits.Add(1)
	ctx := context.Background()
	tx, err := g.s.db.BeginTxx(ctx, nil)
	if err != nil {
		failAll(fmt.Errorf("begin: %w", err))
		return
	}
	if err := g.s.applyGroup(tx, taken, errs); err != nil {
		tx.Rollback()
		failAll(err)
		return
	}
	if err := tx.Commit(); err != nil {
		failAll(fmt.Errorf("commit %d transitions: %w", len(taken), err))
	}
}

// applyGroup writes group's transitions in tx, setting errs[i] for each
// one that failed on its own. A non-nil result means the transaction is
// lost: nothing in it may be committed.
func (s *Store) applyGroup(tx *sqlx.Tx, group []*transitionReq, errs []error) error {
	if len(group) == 1 {
		// Alone in its transaction, a transition needs no savepoint: its
		// failure rolls back the transaction, which holds nothing else.
		r := group[0]
		errs[0] = s.transition(context.WithoutCancel(r.ctx), tx, r.w, r.from, r.why)
		return errs[0]
	}
	for i, r := range group {
		err := s.applyOne(tx, r)
		var abort *abortGroupError
		if errors.As(err, &abort) {
			errs[i] = abort.err
			return fmt.Errorf("transaction of %d transitions rolled back: %w", len(group), abort.err)
		}
		errs[i] = err
	}
	return nil
}

// abortGroupError means the transaction itself is unusable (a savepoint
// could not be taken or rolled back to): nothing in it may be committed.
type abortGroupError struct{ err error }

func (e *abortGroupError) Error() string { return e.err.Error() }

// applyOne writes one transition under a savepoint, so that its failure
// (a conflict, a constraint) undoes only its own writes. The request's
// context carries the actor but not its cancellation: cancelling one
// statement could roll back the whole group.
func (s *Store) applyOne(tx *sqlx.Tx, r *transitionReq) error {
	ctx := context.WithoutCancel(r.ctx)
	if _, err := tx.ExecContext(ctx, `SAVEPOINT transition`); err != nil {
		return &abortGroupError{fmt.Errorf("savepoint: %w", err)}
	}
	err := s.transition(ctx, tx, r.w, r.from, r.why)
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT transition`); rerr != nil {
			return &abortGroupError{fmt.Errorf("%w (and rolling back to its savepoint: %v)", err, rerr)}
		}
	}
	if _, rerr := tx.ExecContext(ctx, `RELEASE SAVEPOINT transition`); rerr != nil {
		return &abortGroupError{fmt.Errorf("release savepoint: %w", rerr)}
	}
	return err
}
