package executor

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/state"
)

func TestMoveVolumesFollowsTheRenamedServer(t *testing.T) {
	st := &state.State{}
	for _, a := range []string{"server/api-1", "volume/web-3/data", "volume/web-3/logs", "volume/web-30/data"} {
		st.Put(state.Resource{Address: addrs.MustParse(a), Kind: addrs.KindVolume, ID: a})
	}
	moveVolumes(st, addrs.Server("web-3"), addrs.Server("api-1"))
	var got []string
	for _, r := range st.Resources {
		got = append(got, r.Address.String()+"="+r.ID)
	}
	want := []string{
		"server/api-1=server/api-1",
		"volume/api-1/data=volume/web-3/data",
		"volume/api-1/logs=volume/web-3/logs",
		"volume/web-30/data=volume/web-30/data", // web-30 is another server
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("state after rename (-want +got):\n%s", d)
	}
}
