package nhncloud

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// Tagging a volume sends its whole metadata, since Cinder's update replaces
// it: the user's keys stay beside fleet's owner tag.
func TestTagVolumeKeepsMetadata(t *testing.T) {
	f := newFake(t)
	f.handle("GET "+volumePath("/volumes/v1"), "", http.StatusOK,
		`{"volume": {"id": "v1", "status": "in-use", "size": 100, "metadata": {"team": "db"}}}`)
	f.handle("PUT "+volumePath("/volumes/v1"),
		`{"volume": {"metadata": {"team": "db", "fleet": "shop", "fleet-address": "volume/db/data"}}}`,
		http.StatusOK, `{"volume": {"id": "v1", "status": "in-use", "size": 100}}`)
	p := f.provider(t)
	_, err := p.Update(context.Background(), providers.UpdateRequest{Kind: addrs.KindVolume, ID: "v1", Address: "volume/db/data",
		Change: providers.Tag{Owner: providers.Owner{Fleet: "shop", Address: "volume/db/data"}}})
	if err != nil {
		t.Fatalf("tag: %v", err)
	}
	if n := f.count("PUT " + volumePath("/volumes/v1")); n != 1 {
		t.Errorf("%d volume updates, want 1", n)
	}
}

// A volume another fleet owns is refused without a write.
func TestTagVolumeOfAnotherFleet(t *testing.T) {
	f := newFake(t)
	f.handle("GET "+volumePath("/volumes/v1"), "", http.StatusOK,
		`{"volume": {"id": "v1", "status": "in-use", "size": 100, "metadata": {"fleet": "other", "fleet-address": "volume/db/data"}}}`)
	f.handle("PUT "+volumePath("/volumes/v1"), "", http.StatusOK, `{"volume": {"id": "v1"}}`)
	p := f.provider(t)
	_, err := p.Update(context.Background(), providers.UpdateRequest{Kind: addrs.KindVolume, ID: "v1", Address: "volume/db/data",
		Change: providers.Tag{Owner: providers.Owner{Fleet: "shop", Address: "volume/db/data"}}})
	if !errors.Is(err, providers.ErrConflict) {
		t.Errorf("tag another fleet's volume: %v, want ErrConflict", err)
	}
	if n := f.count("PUT " + volumePath("/volumes/v1")); n != 0 {
		t.Errorf("%d volume updates, want none", n)
	}
}
