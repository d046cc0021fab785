package command

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/planfile"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// loadSavedPlan reads a saved plan for apply and show. A plan of another
// format (format 1, which held user data in clear) is refused with the
// command that makes a new one.
func loadSavedPlan(path string, files []string) (*planfile.Plan, error) {
	saved, err := planfile.Load(path)
	var ve *planfile.VersionError
	switch {
	case errors.As(err, &ve):
		if len(files) == 0 {
			files = ve.FleetFiles
		}
		return nil, userError(fmt.Sprintf("cannot read saved plan %s", path), ve.Error()+
			"; plans cannot move between fleet versions.\n\n"+remakeHint(files, ve.VarFiles, planOptions{refresh: true}, path))
	case err != nil:
		return nil, userError(fmt.Sprintf("cannot read saved plan %s", path), err.Error())
	}
	return saved, nil
}

// verifySaved plans again, with the saved plan's options, from the state,
// fleet files and clouds it finds now, and returns that plan for apply to
// run: the saved file is compared, never executed, so an edited one cannot
// put anything on the cloud. It refuses a saved plan that CheckFresh finds
// stale, and one whose actions differ from the new plan's, naming the
// first difference.
//
// A saved plan that waits for a resource in transition (a server still
// building) is let through a changed inventory fingerprint: the cloud moves
// on by itself (INIT, then CREAT) and would make such a plan stale at once.
// Its actions must still equal the new plan's, and every other check holds.
func (ws *workspace) verifySaved(ctx context.Context, saved *planfile.Plan, path string, files []string) (*planner.Plan, *state.State, error) {
	o := planOptionsOf(saved.Options)
	st, inv, err := ws.readAndRefresh(ctx, o.refresh)
	if err != nil {
		return nil, nil, err
	}
	remake := remakeHint(files, ws.io.vars.Files, o, path)
	header := saved.Header()
	// Build fingerprints the inventory it plans from: CheckFresh reads that
	// rather than hashing every server a second time.
	plan, diags := planner.Build(ws.planInput(o, st, inv))
	if err := header.CheckFresh(st, ws.fleet, plan.InventoryFingerprint, version); err != nil {
		var stale *planner.StaleError
		if !errors.As(err, &stale) {
			return nil, nil, err
		}
		if !saved.Waits() || header.CheckFresh(st, ws.fleet, header.InventoryFingerprint, version) != nil {
			return nil, nil, userError("Saved plan is stale", stale.Reason()+"\n\n"+remake)
		}
	}
	differs := "Saved plan differs from what the files and the clouds give now"
	if diags.HasErrors() {
		ws.io.report(diags, ws.sources, ws.ui.style)
		return nil, nil, userError(differs, "Planning again failed (see above); nothing was changed.\n\n"+remake)
	}
	if d := planfile.Difference(saved, planfile.Encode(plan, saved.Options)); d != "" {
		return nil, nil, userError(differs, d+".\n\nNothing was changed: the saved plan was edited, or the state, files or clouds moved since it was made. "+remake)
	}
	return plan, st, nil
}

// checkSavedFiles refuses, before they are loaded, the fleet files a saved
// plan names when their bytes are not the ones it was made from (see
// planfile.CheckFiles): apply reads them only when no -f was given.
func checkSavedFiles(saved *planfile.Plan, path string, varFiles []string) error {
	err := saved.CheckFiles()
	var stale *planner.StaleError
	switch {
	case errors.As(err, &stale):
		return userError("Saved plan is stale", stale.Reason()+"\n\n"+remakeHint(saved.FleetFiles, varFiles, planOptionsOf(saved.Options), path))
	case err != nil:
		return userError(err.Error(), "Give the fleet files with -f, or make a new plan where they are and apply that.")
	}
	return nil
}

// remakeHint is the command that makes the saved plan at path again.
func remakeHint(files, varFiles []string, o planOptions, path string) string {
	return "Make a new plan with \"fleet plan " + fileFlags(files) + varFileFlags(varFiles) + o.flags() + "--out " + shellQuote(path) + "\" and apply that."
}

// planInput is what makePlan and verifySaved plan from.
func (ws *workspace) planInput(o planOptions, st *state.State, inv map[string]providers.InventoryResponse) planner.Input {
	return planner.Input{
		Fleet: ws.fleet, State: st, Inventory: inv, Targets: o.targets, Replace: o.replace, SkipChecks: o.skipChecks, Destroy: o.destroy, FleetVersion: version,
		Now: time.Now(), Batchers: ws.batchers(),
	}
}

// saved is the options as a saved plan records them.
func (o planOptions) saved() planfile.Options {
	return planfile.Options{Targets: o.targets, Replace: o.replace, Destroy: o.destroy, SkipChecks: o.skipChecks, Refresh: o.refresh}
}

func planOptionsOf(o planfile.Options) planOptions {
	return planOptions{targets: o.Targets, replace: o.Replace, destroy: o.Destroy, skipChecks: o.SkipChecks, refresh: o.Refresh}
}

// flags is the plan command's flags that give o, for people to copy, with
// a trailing space; empty for the defaults.
func (o planOptions) flags() string {
	var b strings.Builder
	if o.destroy {
		b.WriteString("--destroy ")
	}
	for _, t := range o.targets {
		b.WriteString("--target " + shellQuote(t) + " ")
	}
	for _, r := range o.replace {
		b.WriteString("--replace " + shellQuote(r) + " ")
	}
	if o.skipChecks {
		b.WriteString("--skip-checks ")
	}
	if !o.refresh {
		b.WriteString("--refresh=false ")
	}
	return b.String()
}
