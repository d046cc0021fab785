// Package executor applies a planner.Plan: it walks the plan's DAG calling
// the providers, waits each action to its target state before its
// dependants start, and saves the state after every step.
//
//	res, err := executor.Apply(ctx, executor.Options{Plan: p, Providers: byName,
//		Backend: b, State: st, Observer: executor.NewTextObserver(os.Stdout, style.Style{})})
//	fmt.Println(res.Tally) // "Apply: 12 created, 1 failed, 3 skipped."
//	for _, f := range res.Failed { fmt.Println(f) } // "server/web-2: ncloud ...: HTTP 400 code 1003: ..."
//
// Crash safety: before each mutating call the action's intent is stored;
// a create's cloud id is stored as soon as the call returns, before the
// wait; the intent is cleared with the write recording the result, or when
// the cloud refused the call outright. Any other end (a wait cut short, an
// ambiguous error) leaves it for the next plan; an apply in which every
// action succeeded clears intents left by earlier runs. Writes arriving
// together share one backend write.
//
// Parallelism bounds provider calls in flight, not resources being waited
// on. The updates and deletes of a providers.Coalescer run ListSize times
// wider: made together, their calls merge into list calls, and the provider
// bounds its HTTP calls in flight itself. A failed action skips its dependants (only the root cause is listed
// in Result.Failed) while independent branches finish. Rollout batches of a
// server group run one after another whatever edges the plan carries; a
// failure stops that group's rollout and its later batches end "not
// started". Cancelling ctx starts nothing new, lets calls in flight finish
// and records them.
//
// The walk makes only the calls the plan lists. A batch create (an action
// with Create.Members, decided by the planner) is a step of its own: the intents
// of all its members in one write, one providers.ServerBatcher call, then
// each member recorded and waited for as a single create is; the renames
// the cloud's names need are the plan's rename actions after it, each
// started as soon as its member is recorded, while the others still build
// (both clouds rename a server in any state). The tally counts a batch's
// members: a batch of 20 is 20 created servers.
//
// Apply's error is non-nil only when it refused the plan, could not save
// the state, or was cancelled. A failed action is a Failure (action,
// address, type, the cloud's code, cause), in Result.Failed and as its
// ActionFailed event's error, for renderers to read by field. Progress goes
// to an Observer as plain Events; TextObserver and JSONObserver render
// them. executor never reads the fields of an action that only explain it
// (Changes, Reason).
package executor
