package planfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/spec"
)

// Difference is the first way in which the actions of saved differ from
// those of now (the same fleet planned again, encoded by Encode), in plan
// order, then the first way in which what it shows besides them differs
// (sections), or "" when they are equal. It reads like
// `resize server/web-1: new_type is s4-g2-s50 in the saved plan, s2-g2-s50 now`.
//
// Every field of every action counts, explanations too (a saved plan's
// changes are what its reviewer read), except what only tells where the
// cloud is in a transition on a resource the saved plan waits for: the
// wait's reason and stuck mark, and the status of what an adopt found
// there, move on by themselves while the cloud builds.
func Difference(saved, now *Plan) string {
	savedIDs, nowIDs := ids(saved.Actions), ids(now.Actions)
	waited := map[addrs.Address]bool{}
	for _, a := range saved.Actions {
		if a.Type == planner.Wait {
			waited[a.Address] = true
		}
	}
	for i := 0; i < max(len(saved.Actions), len(now.Actions)); i++ {
		switch {
		case i >= len(now.Actions):
			return saved.Actions[i].ID + " is in the saved plan, not planned now"
		case i >= len(saved.Actions):
			return now.Actions[i].ID + " is planned now, not in the saved plan"
		}
		s, n := &saved.Actions[i], &now.Actions[i]
		switch {
		case s.ID == n.ID:
			if d := actionDifference(s, n, waited[s.Address]); d != "" {
				return s.ID + ": " + d
			}
		case !nowIDs[s.ID]:
			return s.ID + " is in the saved plan, not planned now"
		case !savedIDs[n.ID]:
			return n.ID + " is planned now, not in the saved plan"
		default:
			return fmt.Sprintf("the saved plan runs %s as step %d, where %s comes now", s.ID, i+1, n.ID)
		}
	}
	return sectionDifference(saved, now)
}

// sections are what a saved plan shows a reviewer besides its actions
// (fleet show PLAN renders them all): the summary line, what names
// resolved to, the rollouts' batches, what is left alone, and what the
// refresh found. They are compared too, so that an edited summary ("Plan:
// 0 to delete") or lookup cannot tell a reviewer something other than
// what runs. What the refresh found (drift, interrupted operations,
// existing resources) follows the cloud, so on a plan that waits for a
// resource in transition it is left out, as the inventory check is.
type sections struct {
	Refreshed   bool                  `json:"refreshed"`
	Environment *environment          `json:"environment"`
	Summary     planner.Summary       `json:"summary"`
	Lookups     []planner.Lookup      `json:"lookups"`
	Rollouts    []planner.Rollout     `json:"rollouts"`
	Ignored     []planner.Ignored     `json:"ignored"`
	Drift       []planner.Drift       `json:"drift"`
	Interrupted []planner.Interrupted `json:"interrupted"`
	Existing    []planner.Existing    `json:"existing"`
}

func sectionsOf(p *Plan, refreshFound bool) sections {
	// The file leaves empty lists out: none and empty are the same.
	out := sections{Refreshed: p.Refreshed, Environment: environmentOf(p.Environment), Summary: p.Summary,
		Lookups: orNil(p.Lookups), Rollouts: orNil(p.Rollouts), Ignored: orNil(p.Ignored)}
	if refreshFound {
		out.Drift, out.Interrupted, out.Existing = orNil(p.Drift), orNil(p.Interrupted), orNil(p.Existing)
	}
	return out
}

// environment is the plan's environment as it is compared: where the
// state is and the variables' values, which show PLAN puts before the
// actions ("state fleet-prod.lock"). The var files' names and each value's
// source are left out, and a local state is compared by its file's name:
// apply reads the fleet and var files by the absolute paths the plan
// names, where the plan wrote them as given, so the state's path is
// absolute now where it was relative then.
type environment struct {
	State           string     `json:"state"`
	StateBackend    string     `json:"state_backend"`
	VariablesDigest string     `json:"variables_digest"`
	Variables       []variable `json:"variables"`
}

type variable struct {
	Name      string `json:"name"`
	Value     any    `json:"value"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

func environmentOf(e *planner.Environment) *environment {
	if e == nil {
		return nil
	}
	out := &environment{State: e.State, StateBackend: e.StateBackend, VariablesDigest: e.VariablesDigest}
	if e.StateBackend != "postgres" {
		out.State = filepath.Base(e.State)
	}
	for _, v := range e.Variables {
		out.Variables = append(out.Variables, variable{Name: v.Name, Value: v.Value, Sensitive: v.Sensitive})
	}
	return out
}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func sectionDifference(saved, now *Plan) string {
	waits := saved.Waits()
	s, n := flatten(sectionsOf(saved, !waits)), flatten(sectionsOf(now, !waits))
	for _, path := range s.order {
		if was, is := s.values[path], n.values[path]; was != is {
			return fmt.Sprintf("%s is %s in the saved plan, %s now", path, shown(was), shown(is))
		}
	}
	return ""
}

func ids(actions []Action) map[string]bool {
	out := make(map[string]bool, len(actions))
	for _, a := range actions {
		out[a.ID] = true
	}
	return out
}

// transient are the paths that follow a resource's transition: a wait's
// explanation, and the status an adopt found. The ids, the owner, what
// the resource is and everything the executor is told to do still count.
var transient = map[string]bool{
	"reason": true, "stuck": true,
	"adopted.server.power": true, "adopted.server.settling": true, "adopted.server.status": true, "adopted.server.busy": true,
	"adopted.volume.status": true, "adopted.volume.busy": true,
	"adopted.image.status": true, "adopted.image.ready": true,
}

// actionDifference is the first field, in the saved form's order, in which
// two actions of the same id differ; on a resource in transition (waited)
// the transient paths are left out.
func actionDifference(saved, now *Action, waited bool) string {
	s, n := fields(saved), fields(now)
	seen := map[string]bool{}
	var paths []string
	for _, f := range append(s.order, n.order...) {
		if !seen[f] {
			seen[f] = true
			paths = append(paths, f)
		}
	}
	for _, path := range paths {
		if waited && transient[path] && (saved.Type == planner.Wait || saved.Type == planner.Adopt) {
			continue
		}
		if was, is := s.values[path], n.values[path]; was != is {
			return fmt.Sprintf("%s is %s in the saved plan, %s now", path, shown(was), shown(is))
		}
	}
	return ""
}

// flat is an action as dotted paths to compact JSON values, objects
// flattened, arrays whole, in the order the saved form writes them.
type flat struct {
	order  []string
	values map[string]string
}

// The action's parameter group is left out of the paths ("new_type", not
// "resize.new_type"): both actions are of one type, so of one group, and
// the paths stay those people know from the plan.
func fields(a *Action) flat {
	f := flatten(a)
	for i, path := range f.order {
		group, rest, ok := strings.Cut(path, ".")
		if !ok || !unnamedGroups[planner.ParamGroup(group)] {
			continue
		}
		f.order[i] = rest
		f.values[rest] = f.values[path]
		delete(f.values, path)
	}
	return f
}

// unnamedGroups are the parameter groups whose fields were the action's
// own before they were grouped; adopted and check always had their name.
var unnamedGroups = map[planner.ParamGroup]bool{
	planner.CreateGroup: true, planner.ResizeGroup: true, planner.RenameGroup: true, planner.UpdateGroup: true,
	planner.AttachGroup: true, planner.ImageGroup: true, planner.RebootGroup: true,
}

// flatten is v (plain data, whose encoding cannot fail) as a flat.
func flatten(v any) flat {
	f := flat{values: map[string]string{}}
	data, _ := json.Marshal(v)
	f.add("", data)
	return f
}

func (f *flat) add(prefix string, raw json.RawMessage) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		var buf bytes.Buffer
		json.Compact(&buf, raw)
		f.order = append(f.order, prefix)
		f.values[prefix] = buf.String()
		return
	}
	for dec.More() {
		key, _ := dec.Token()
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return
		}
		name := key.(string)
		if prefix != "" {
			name = prefix + "." + name
		}
		f.add(name, value)
	}
}

// shown is a compact JSON value for the message: a string without its
// quotes, a missing or null one as (none), a long one cut short in the middle.
func shown(v string) string {
	switch {
	case v == "" || v == "null":
		return "(none)"
	case strings.HasPrefix(v, `"`):
		var s string
		if json.Unmarshal([]byte(v), &s) == nil && s != "" {
			v = s
		}
	}
	// Cut in the middle: a public key differs in its end, a digest anywhere.
	if r := []rune(v); len(r) > 100 {
		v = string(r[:48]) + "..." + string(r[len(r)-48:])
	}
	// The saved value is the file's word: escaped, so that an edited one
	// cannot move the cursor or recolour the terminal the refusal is read on.
	return spec.Printable(v)
}
