package providertest

import (
	"context"
	"errors"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// testTag: Inventory with Unowned never shows another fleet's server, and
// Update with Tag (fleet import) either tags or says the cloud cannot
// (ErrUnsupported): tagging what already carries the tag is done at once,
// and another fleet's resource is refused, never re-tagged.
func testTag(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-tag")
	id := createServer(t, ctx, e, s)
	other, err := e.Provider.Inventory(ctx, providers.InventoryRequest{Fleet: e.Fleet + "-other", Unowned: true})
	if err != nil {
		t.Fatalf("unowned inventory of another fleet: %v", err)
	}
	if findServer(other, id) != nil {
		t.Errorf("another fleet's unowned inventory shows server %s, which carries this fleet's tag", id)
	}

	tag := func(o providers.Owner) error {
		_, err := e.Provider.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.Tag{Owner: o}})
		return err
	}
	err = tag(owner(e, s))
	if err != nil && !errors.Is(err, providers.ErrUnsupported) {
		t.Errorf("tag with the tag it carries: %v, want nil or ErrUnsupported", err)
	}
	unsupported := errors.Is(err, providers.ErrUnsupported)
	err = tag(providers.Owner{Fleet: e.Fleet + "-other", Address: s.Address().String()})
	switch {
	case unsupported:
		wantErr(t, "tag where the cloud cannot", err, providers.ErrUnsupported)
	default:
		wantErr(t, "tag another fleet's server", err, providers.ErrConflict)
	}
	if got := findServer(inventory(t, ctx, e, false), id); got == nil || got.Owner != owner(e, s) {
		t.Errorf("after the tag calls the server is %+v, want owned by %+v", got, owner(e, s))
	}
	if !unsupported {
		_, err = e.Provider.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: e.MissingID, Address: "server/ghost", Change: providers.Tag{Owner: providers.Owner{Fleet: e.Fleet, Address: "server/ghost"}}})
		wantErr(t, "tag a missing server", err, providers.ErrNotFound)
	}
	del(t, ctx, e, addrs.KindServer, id, s.Address().String())
}
