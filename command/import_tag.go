package command

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// tagImported puts the fleet's owner tag on imported servers and volumes, so
// a lost state can be rebuilt from the cloud. A provider that cannot tag an
// existing resource (NCP keeps the tag in a description it cannot change)
// gets one note; the state still records what it imported.
func (ws *workspace) tagImported(ctx context.Context, rs []state.Resource) (tagged int, notes []string, err error) {
	untaggable := map[string]bool{}
	for _, r := range rs {
		if r.Kind != addrs.KindServer && r.Kind != addrs.KindVolume {
			continue
		}
		if o := ownerOf(r); o.Fleet == ws.fleet.Name && o.Address == r.Address.String() {
			continue // already carries it
		}
		_, err := ws.providers[r.Provider].Update(ctx, providers.UpdateRequest{
			Kind: r.Kind, ID: r.ID, Address: r.Address.String(),
			Change: providers.Tag{Owner: providers.Owner{Fleet: ws.fleet.Name, Address: r.Address.String()}},
		})
		switch {
		case errors.Is(err, providers.ErrUnsupported):
			untaggable[r.Provider] = true
		case err != nil:
			return tagged, notes, tagStopped(ctx, tagged, err)
		default:
			tagged++
		}
	}
	names := make([]string, 0, len(untaggable))
	for n := range untaggable {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		notes = append(notes, fmt.Sprintf("Note: provider %q cannot put an owner tag on an existing resource (NCP keeps it in the description, which cannot be changed after create): its imported resources are recorded in the state only.", n))
	}
	return tagged, notes, nil
}

// tagStopped is the error a tagging run ends with before it is done. What it
// took is recorded in the state already, so the fix is the same run again,
// which tags only what is left; an interrupt says so without the raw
// cancelled call. (The provider's error already names the address.)
func tagStopped(ctx context.Context, tagged int, err error) error {
	what := fmt.Sprintf("tagging stopped after %d resource(s): %v", tagged, err)
	if ctx.Err() != nil {
		what = fmt.Sprintf("interrupted while tagging, after %d resource(s)", tagged)
	}
	return userError(what, "What was imported is recorded in the state; the owner tags are not all on yet. Run the same command again: it tags what is left.")
}
