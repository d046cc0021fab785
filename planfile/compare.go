package planfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fleet-iac/fleet/planner"
)

// Difference is the first way in which the actions of saved differ from
// those of now (the same fleet planned again, encoded by Encode), in plan
// order, or "" when they are equal. It reads like
// `resize server/web-1: new_type is s4-g2-s50 in the saved plan, s2-g2-s50 now`.
//
// Every field of every action counts, explanations too (a saved plan's
// changes are what its reviewer read), except what only tells where the
// cloud is in a transition on a resource the saved plan waits for: the
// wait's reason and stuck mark, and the status of what an adopt found
// there, move on by themselves while the cloud builds.
func Difference(saved, now *Plan) string {
	savedIDs, nowIDs := ids(saved.Actions), ids(now.Actions)
	waited := map[string]bool{}
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

func fields(a *Action) flat {
	f := flat{values: map[string]string{}}
	// An Action is plain data: encoding it cannot fail.
	data, _ := json.Marshal(a)
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
// quotes, a missing one as (none), a long one cut short in the middle.
func shown(v string) string {
	switch {
	case v == "":
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
	return v
}
