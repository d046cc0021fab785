package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/executor"
	"github.com/fleet-iac/fleet/planfile"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

func applyFlags() []cli.Flag {
	return append([]cli.Flag{fileFlag(), targetFlag(), noColorFlag(), lockTimeoutFlag()}, runFlags()...)
}

// runFlags are the flags of every command that changes the cloud (apply,
// destroy, reboot).
func runFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "auto-approve", Usage: "apply without asking (required without a terminal, unless applying a saved plan)"},
		&cli.IntFlag{Name: "parallelism", Value: 10, Usage: "API calls in flight at once per provider, polls included (servers being waited on are not limited)", Action: atLeastOne("parallelism")},
		&cli.BoolFlag{Name: "json", Usage: "progress as one JSON event per line"},
		&cli.DurationFlag{Name: "wait-timeout", Value: executor.DefaultWaitTimeout, Usage: "how long one resource may take to reach its state before its action fails", Action: positiveDuration("wait-timeout")},
	}
}

func applyCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "make the cloud match the fleet file (or apply a saved plan)",
		ArgsUsage: "[PLAN]",
		Flags:     append(applyFlags(), replaceFlag(), skipChecksFlag()),
		Action: func(c *cli.Context) error {
			return runApply(c, s, false)
		},
	}
}

func destroyCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:   "destroy",
		Before: noArguments,
		Usage:  "delete everything fleet manages for this fleet file",
		Flags:  applyFlags(),
		Action: func(c *cli.Context) error {
			return runApply(c, s, true)
		},
	}
}

// runApply is apply and destroy. With --json, a run that fails before its
// last event (apply_finished) ends with an apply_errored event instead, so
// a program reading the events always learns how the run ended.
func runApply(c *cli.Context, s *Streams, destroy bool) error {
	return endingEvents(c, s, applyOrDestroy(c, s, destroy))
}

// endingEvents makes a --json run that failed before its apply_finished
// event end with apply_errored, and returns err.
func endingEvents(c *cli.Context, s *Streams, err error) error {
	if err != nil && c.Bool("json") && !s.eventsEnded {
		diags := append(spec.Diagnostics{}, s.reported...)
		if !diags.HasErrors() {
			diags = append(diags, errorDiagnostic(err))
		}
		diags.Sort()
		ev := erroredEvent{Diagnostics: diags}
		ev.Address, ev.Code = failedOn(err, diags)
		writeErroredEvent(s, ev)
	}
	return err
}

// erroredEvent is the apply_errored event: the run failed before it
// changed anything, for the reasons in diagnostics.
type erroredEvent struct {
	FormatVersion string            `json:"format_version"`
	Event         string            `json:"event"`
	Time          string            `json:"time"`
	Error         string            `json:"error"`
	Address       string            `json:"address,omitempty"` // what it concerns, when one resource
	Code          string            `json:"code,omitempty"`    // the cloud's own code, when a cloud refused a call
	Diagnostics   []spec.Diagnostic `json:"diagnostics"`
	Done          int               `json:"done"`
	Total         int               `json:"total"`
}

func writeErroredEvent(s *Streams, ev erroredEvent) {
	ev.FormatVersion, ev.Event, ev.Time = jsonFormatVersion, "apply_errored", time.Now().UTC().Format(time.RFC3339Nano)
	for _, d := range ev.Diagnostics {
		if d.Severity == spec.SeverityError {
			ev.Error = d.Summary
			break
		}
	}
	enc := json.NewEncoder(s.Out)
	enc.SetEscapeHTML(false)
	enc.Encode(ev) // best effort, as for every event: the reader may be gone
}

func applyOrDestroy(c *cli.Context, s *Streams, destroy bool) (err error) {
	intr := watchInterrupts(s.Err)
	defer intr.stop()
	ctx := intr.ctx
	operation := "apply"
	if destroy {
		operation = "destroy"
	}
	executing := false // once the executor runs, it reports interrupts itself
	defer func() {
		// An interrupt before anything was sent (a refresh, the lock wait)
		// ends that step with the context's error: say what it was.
		if !executing && err != nil && intr.ctx.Err() != nil && errors.Is(err, context.Canceled) {
			err = interrupted(operation, nil)
		}
	}()
	u := uiFor(c, s)
	planFile := c.Args().First()
	if c.Args().Len() > 1 {
		return userError("too many arguments", "Usage: fleet apply [-f FILE] [PLAN]")
	}
	if planFile == "" && !c.Bool("auto-approve") && !u.interactive {
		f := fileFlags(c.StringSlice("file"))
		return userError(operation+" needs approval, and there is no terminal to ask on",
			fmt.Sprintf("Re-run with --auto-approve (\"fleet %s %s--auto-approve\"), or save a plan with \"fleet plan %s--out PLAN\" and run \"fleet apply %sPLAN\".", operation, f, f, f))
	}
	files := c.StringSlice("file")
	var saved *planfile.Plan
	if planFile != "" {
		if len(c.StringSlice("target")) > 0 {
			return userError("--target does not apply to a saved plan",
				"A saved plan is applied exactly as it was made. Make it with \"fleet plan "+fileFlags(c.StringSlice("file"))+"--target ADDR --out PLAN\" instead.")
		}
		if len(c.StringSlice("replace")) > 0 {
			return userError("--replace does not apply to a saved plan",
				"A saved plan is applied exactly as it was made. Make it with \"fleet plan "+fileFlags(c.StringSlice("file"))+"--replace ADDR --out PLAN\" instead.")
		}
		var err error
		if saved, err = loadSavedPlan(planFile, files); err != nil {
			return err
		}
		if len(files) == 0 {
			files = saved.FleetFiles // a saved plan names the fleet files it was made from
		}
		if len(s.vars.Set) == 0 && len(s.vars.Files) == 0 {
			s.vars.Files = saved.VarFiles // and its var files; --var values must be given again
		}
		if len(c.StringSlice("file")) == 0 {
			if err := checkSavedFiles(saved, planFile, s.vars.Files); err != nil {
				return err
			}
		}
	}
	ws, err := openWorkspace(ctx, s, u, files, c)
	if err != nil {
		return err
	}
	defer ws.Close()
	if destroy {
		ws.operation = "destroy"
	}
	ws.machineOutput = c.Bool("json")
	ws.interrupts = intr
	unlock, err := lockState(ctx, ws, operation, c.Duration("lock-timeout"))
	if err != nil {
		return err
	}
	defer unlock()

	var plan *planner.Plan
	var st *state.State
	if saved != nil {
		if plan, st, err = ws.verifySaved(ctx, saved, planFile, files); err != nil {
			return err
		}
	} else {
		plan, st, err = ws.makePlan(ctx, planOptions{targets: c.StringSlice("target"), replace: c.StringSlice("replace"),
			skipChecks: c.Bool("skip-checks"), destroy: destroy, refresh: true})
		if err != nil {
			return err
		}
		if !c.Bool("json") {
			if err := planner.RenderText(s.Out, plan, u.style); err != nil {
				return err
			}
		}
		if !plan.HasChanges() {
			if len(st.Intents) == 0 {
				if c.Bool("json") {
					// a program reading the events learns that the run ended
					obs := executor.NewJSONObserver(s.Out)
					obs.Operation = opTitle(operation)
					obs.Observe(executor.Event{Kind: executor.ApplyFinished, Time: time.Now(), Tally: &executor.Tally{}})
					s.eventsEnded = true
				}
				return nil
			}
			// Nothing to do, but an earlier run left intents: an empty apply
			// records that they are settled.
			executing = true
			return ws.execute(ctx, plan, st, c.Int("parallelism"), c.Duration("wait-timeout"), c.Bool("json"))
		}
		if !c.Bool("auto-approve") {
			q := "\nDo you want to perform these actions?"
			if destroy {
				q = "\nDo you really want to destroy all resources of fleet " + ws.fleet.Name + "?"
			}
			if !confirm(ctx, s, q) {
				fmt.Fprintf(s.Out, "\n%s cancelled.\n", operation)
				return exitCode(ExitError)
			}
		}
		if !c.Bool("json") {
			fmt.Fprintln(s.Out)
		}
	}
	executing = true
	return ws.execute(ctx, plan, st, c.Int("parallelism"), c.Duration("wait-timeout"), c.Bool("json"))
}

func (ws *workspace) execute(ctx context.Context, plan *planner.Plan, st *state.State, parallelism int, waitTimeout time.Duration, jsonEvents bool) error {
	var obs executor.Observer
	if jsonEvents {
		jo := executor.NewJSONObserver(ws.io.Out)
		jo.Operation = opTitle(ws.op())
		obs = jo
	} else {
		obs = executor.NewTextObserver(ws.io.Out, ws.ui.style)
	}
	opts := executor.Options{
		Plan: plan, Providers: ws.providers, Backend: ws.backend, State: st,
		Parallelism: parallelism, Observer: endWatch{obs, &ws.io.eventsEnded}, WaitTimeout: waitTimeout,
	}
	var abandon chan struct{} // nil: never
	if ws.interrupts != nil {
		opts.InFlight, abandon = ws.interrupts.inFlight, ws.interrupts.abandon
	}
	type applied struct {
		res executor.Result
		err error
	}
	done := make(chan applied, 1)
	go func() {
		res, err := executor.Apply(ctx, opts)
		done <- applied{res, err}
	}()
	var res executor.Result
	var err error
	select {
	case a := <-done:
		res, err = a.res, a.err
	case <-abandon:
		ws.abandoned = true
		return interrupted(ws.op(), ws.intentsNow())
	}
	if !jsonEvents {
		fmt.Fprintf(ws.io.Out, "\n%s\n", res.Tally.Summary(opTitle(ws.op())))
		reportThrottling(ws.io.Out, ws.providers)
		if ws.op() == "apply" && err == nil {
			ws.writeChangedServers(ctx, plan)
		}
	}
	if errors.Is(err, executor.ErrInterrupted) && ctx.Err() != nil {
		return interrupted(ws.op(), st.Intents)
	}
	if err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		for _, f := range res.Failed {
			printError(ws.io.Err, f, ws.ui.style)
		}
		return exitCode(ExitError)
	}
	return nil
}

// endWatch passes events on and notes when the last one (apply_finished)
// went by: an apply the executor refused before starting sends none.
type endWatch struct {
	executor.Observer
	ended *bool
}

func (e endWatch) Observe(ev executor.Event) {
	if ev.Kind == executor.ApplyFinished {
		*e.ended = true
	}
	e.Observer.Observe(ev)
}
