// Package interrupts routes Ctrl-C (SIGINT) to a command: by default an
// interrupt cancels the command's context; a command that handles Ctrl-C
// itself (the repl) takes them over while it runs.
package interrupts

import (
	"context"
	"os"
	"sync"
)

// interrupts routes Ctrl-C (SIGINT, from Env.Interrupts). By default an
// interrupt cancels the command's context, so the command stops. A command
// that handles Ctrl-C itself takes them over while it runs: the repl,
// where Ctrl-C cancels the running statement and the session goes on.
type interrupts struct {
	mu     sync.Mutex
	taker  chan os.Signal
	cancel context.CancelFunc
}

type interruptsKey struct{}

// Route starts routing in; the returned context carries the
// router for Take and ends with an untaken interrupt. stop ends
// the routing.
func Route(ctx context.Context, in <-chan os.Signal) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	r := &interrupts{cancel: cancel}
	if in != nil {
		go r.route(ctx, in)
	}
	return context.WithValue(ctx, interruptsKey{}, r), cancel
}

func (r *interrupts) route(ctx context.Context, in <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case sig := <-in:
			r.mu.Lock()
			taker := r.taker
			r.mu.Unlock()
			if taker == nil {
				r.cancel()
				continue
			}
			select {
			case taker <- sig:
			default: // one pending interrupt is as good as several
			}
		}
	}
}

// Take hands the interrupts of ctx's router to the caller until
// release. Without a router (a test without signals) the channel never
// delivers.
func Take(ctx context.Context) (_ <-chan os.Signal, release func()) {
	r, _ := ctx.Value(interruptsKey{}).(*interrupts)
	taker := make(chan os.Signal, 1)
	if r == nil {
		return taker, func() {}
	}
	r.mu.Lock()
	r.taker = taker
	r.mu.Unlock()
	return taker, func() {
		r.mu.Lock()
		r.taker = nil
		r.mu.Unlock()
	}
}
