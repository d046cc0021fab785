package providertest

import (
	"testing"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/spec"
)

// Harness builds a provider wired to a fresh simulator.
type Harness struct {
	// New is called once per subtest; it registers its own cleanup with t.
	New func(t *testing.T) Env
}

// Env is one provider and the hooks the suite drives its simulator with.
type Env struct {
	Provider providers.Provider
	Fleet    string // owner tag the suite creates everything under

	// Server returns a valid desired server named name: it builds to
	// running, is unprotected and declares no volumes.
	Server func(name string) *spec.Server

	VolumeType string // a volume type the cloud accepts; "" for its default
	// VolumeAttachedAtCreate: Create with VolumeCreate.ServerID attaches the
	// volume itself (NCP XEN); otherwise the suite attaches it with Update.
	VolumeAttachedAtCreate bool

	MissingID string // an id of the cloud's shape that names nothing

	SetBehaviour func(simcore.Behaviour) // replaces the simulator's behaviour
	Stats        func() simcore.StatsSnapshot
	// Refuse makes the cloud's endpoint refuse connections (true) or serve
	// again (false); a Refuser under the client does it.
	Refuse func(bool)

	// AllocatePublicIP allocates a public address tagged for owner and
	// associates it with nothing, as a run killed between the two calls
	// leaves it; it returns the address's id. PublicIPs counts the
	// addresses allocated in the account. Nil skips those checks.
	AllocatePublicIP func(t *testing.T, owner providers.Owner) string
	PublicIPs        func(t *testing.T) int

	// Unsupported maps a subtest name to why this cloud cannot run it.
	Unsupported map[string]string
}
