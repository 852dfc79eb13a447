package interrupts

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestInterrupts(t *testing.T) {
	in := make(chan os.Signal)
	ctx, stop := Route(context.Background(), in)
	defer stop()

	// Taken: the interrupt goes to the taker and the command goes on.
	taken, release := Take(ctx)
	in <- os.Interrupt
	select {
	case <-taken:
	case <-time.After(10 * time.Second):
		t.Fatal("the taker got no interrupt")
	}
	if ctx.Err() != nil {
		t.Fatal("a taken interrupt canceled the command")
	}

	// Released: the next interrupt cancels the command.
	release()
	in <- os.Interrupt
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("an untaken interrupt did not cancel the command")
	}
}
