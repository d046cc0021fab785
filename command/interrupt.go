package command

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/fleet-iac/fleet/executor"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/state"
)

// interrupts is the two-step stop people know from Terraform, for a run that
// changes the cloud. The first SIGINT or SIGTERM cancels ctx (nothing new
// starts; calls in flight finish and are recorded) and says so at once; the
// second closes abandon: the run stops waiting for the calls in flight,
// whose intents the state already holds, and exits.
type interrupts struct {
	ctx      context.Context
	abandon  chan struct{}
	inFlight *executor.InFlight
	stop     func()
}

func watchInterrupts(w io.Writer) *interrupts {
	ctx, cancel := context.WithCancel(context.Background())
	in := &interrupts{ctx: ctx, abandon: make(chan struct{}), inFlight: &executor.InFlight{}}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		fmt.Fprintln(w, "\n"+firstInterrupt(in.inFlight.Calls()))
		cancel()
		select {
		case <-sigs:
		case <-done:
			return
		}
		fmt.Fprintln(w, "\nSecond interrupt: fleet stops waiting for the calls in flight; the state already records them.")
		close(in.abandon)
	}()
	in.stop = func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
	return in
}

func firstInterrupt(calls int) string {
	what := "fleet is stopping"
	switch {
	case calls == 1:
		what = "fleet is finishing the 1 call in flight"
	case calls > 1:
		what = fmt.Sprintf("fleet is finishing the %d calls in flight", calls)
	}
	return "Interrupt received: " + what + " and saving the state; nothing new is started.\n" +
		"Interrupt again to stop waiting (what was sent is already recorded in the state)."
}

// interrupted is the error an interrupted apply or destroy ends with: what
// was sent to the cloud but not seen to finish (the state's intents), and
// how to carry on.
func interrupted(operation string, intents []state.Intent) error {
	summary := opTitle(operation) + " interrupted"
	again := fmt.Sprintf("Run the same command again (fleet %s) to carry on.", operation)
	if len(intents) == 0 {
		return userError(summary, "Every call sent was seen to finish, and the state records it.\n"+again)
	}
	sorted := append([]state.Intent(nil), intents...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Address.Less(sorted[j].Address) })
	var b strings.Builder
	b.WriteString("Sent to the cloud but not seen to finish (the state records them):\n")
	for _, in := range sorted {
		fmt.Fprintf(&b, "  %s: %s\n", in.Address, intentText(in))
	}
	b.WriteString("\n" + again + " fleet picks these up where the cloud has them.")
	return userError(summary, b.String())
}

// intentText says what an intent left: its plan action's type (create,
// delete, stop, resize, ...), sent.
func intentText(in state.Intent) string {
	typ := planner.IntentOp(in)
	switch typ {
	case planner.Create:
		return "create sent, still building in the cloud"
	case planner.Delete:
		return "delete sent, may still be deleting in the cloud"
	}
	return string(typ) + " sent, may still be in progress in the cloud"
}

// intentsNow reads the intents the state holds, for a run that stopped
// waiting: the apply's own copy is still being written to.
func (ws *workspace) intentsNow() []state.Intent {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	st, err := ws.backend.Read(ctx)
	if err != nil {
		return nil
	}
	return st.Intents
}
