package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// ErrStale is wrapped by CheckFresh's error: the saved plan no longer
// describes the fleet, state or cloud it would be applied to.
var ErrStale = errors.New("saved plan is stale")

// InventoryFingerprint is a sha256 ("sha256:<hex>") over a canonical
// encoding of the refreshed inventory: providers by name, each list sorted
// by id, the catalog left out (what the cloud offers is not what the fleet
// is). Providers that were not refreshed are absent and so change it too.
func InventoryFingerprint(inv map[string]providers.InventoryResponse) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, name := range sortedKeys(inv) {
		r := inv[name]
		canon := struct {
			Provider string
			Servers  []providers.Server
			Volumes  []providers.Volume
			Images   []providers.Image
			Keypairs []providers.Keypair
		}{name, sortedBy(r.Servers, func(s providers.Server) string { return s.ID }),
			sortedBy(r.Volumes, func(v providers.Volume) string { return v.ID }),
			sortedBy(r.Images, func(i providers.Image) string { return i.ID }),
			sortedBy(r.Keypairs, func(k providers.Keypair) string { return k.Name })}
		// Encoding plain structs and string maps cannot fail; the encoder
		// sorts map keys, which keeps the bytes canonical.
		_ = enc.Encode(canon)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// sortedBy returns a copy of s sorted by key (s itself when already sorted).
func sortedBy[T any](s []T, key func(T) string) []T {
	if sort.SliceIsSorted(s, func(i, j int) bool { return key(s[i]) < key(s[j]) }) {
		return s
	}
	c := append([]T(nil), s...)
	sort.SliceStable(c, func(i, j int) bool { return key(c[i]) < key(c[j]) })
	return c
}

// CheckFresh refuses a saved plan that no longer fits: another fleet
// version, another state (lineage), a state written since (serial), other
// fleet files (spec digest), or an inventory that changed (fingerprint). The
// error is a *StaleError (errors.Is ErrStale) naming everything that
// moved. A plan made without refresh (Refreshed false) took the state as
// the truth and fingerprinted no inventory, so its fingerprint is not
// compared: the state serial already guards what it was computed from.
func (p *Plan) CheckFresh(st *state.State, fleet *spec.Fleet, fingerprint string, fleetVersion string) error {
	if st == nil {
		st = &state.State{}
	}
	var moved []string
	if p.FleetVersion != fleetVersion {
		moved = append(moved, fmt.Sprintf("it was made by fleet %s, this is fleet %s (plans cannot move between versions)", p.FleetVersion, fleetVersion))
	}
	if p.StateLineage == "" && st.Lineage != "" {
		// Made before the state's first write: the state was created since.
		moved = append(moved, fmt.Sprintf("the state was written since (serial %d, now %d)", p.StateSerial, st.Serial))
	} else if p.StateLineage != st.Lineage {
		moved = append(moved, fmt.Sprintf("it was made for another state (lineage %s, this state is %s)", orNone(p.StateLineage), orNone(st.Lineage)))
	} else if p.StateSerial != st.Serial {
		moved = append(moved, fmt.Sprintf("the state was written since (serial %d, now %d)", p.StateSerial, st.Serial))
	}
	digest := ""
	if fleet != nil {
		digest = fleet.Digest
	}
	if p.SpecDigest != digest {
		moved = append(moved, "the fleet files changed (spec digest differs)")
	}
	if was, now := p.variablesDigest(), varsDigest(fleet); was != now {
		moved = append(moved, "it was made with other variable values ("+changedVariables(p.Environment, EnvironmentOf(fleet))+")")
	}
	if p.Refreshed && p.InventoryFingerprint != fingerprint {
		moved = append(moved, "the cloud changed (inventory fingerprint differs)")
	}
	if len(moved) == 0 {
		return nil
	}
	return &StaleError{Moved: moved}
}

// StaleError is CheckFresh's refusal: what moved since the plan was made,
// each as a clause ("the fleet files changed (spec digest differs)"). It
// is ErrStale to errors.Is.
type StaleError struct {
	Moved []string
}

func (e *StaleError) Error() string { return ErrStale.Error() + ": " + e.Reason() }

// Reason says what moved, without the "saved plan is stale" the CLI
// prints as the summary.
func (e *StaleError) Reason() string { return strings.Join(e.Moved, "; ") + "; run fleet plan again" }

func (e *StaleError) Is(target error) bool { return target == ErrStale }
