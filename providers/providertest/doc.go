// Package providertest is the contract suite every fleet provider passes,
// each against its own simulator over real HTTP.
//
// A provider package wires itself to its simulator in a Harness and calls
// Run from a test:
//
//	func TestContract(t *testing.T) {
//		providertest.Run(t, providertest.Harness{New: func(t *testing.T) providertest.Env {
//			sim := ...                       // a fresh simulator for this subtest
//			srv := httptest.NewServer(sim)   // real HTTP on loopback
//			t.Cleanup(srv.Close)
//			p, err := New(Config{Endpoint: srv.URL, PollInterval: 20 * time.Millisecond, ...})
//			...
//			return providertest.Env{
//				Provider:     p,
//				Fleet:        "contract",
//				Server:       func(name string) *spec.Server { ... a valid server from the sim's fixtures ... },
//				MissingID:    "...",             // an id of the right shape that does not exist
//				SetBehaviour: sim.SetBehaviour,   // fault injection
//				Stats:        func() simcore.StatsSnapshot { return sim.Stats().Snapshot() },
//			}
//		}})
//	}
//
// New is called once per subtest, so every subtest starts from an empty
// cloud. Env.Server must return a server that builds (running, unprotected,
// no volumes) with the given name; the suite changes Power, Protect and so on
// itself. Env.Unsupported names subtests a cloud cannot pass by design, with
// the reason; they are skipped with that reason, never silently.
//
// The subtests, in order: create (read back via Inventory, owner tag,
// nothing untagged), not_found, resize (to another type of the same family
// and disk type from the catalog), stop_start, volume (create, attach, idempotent
// attach, detach, idempotent detach, extend, delete), image, keypair,
// protected (delete of a protected server is ErrConflict), shrink (a volume
// shrink is ErrConflict), faults (429 and 5xx
// injected on a share of calls, everything still succeeds), create_error_after
// (the cloud creates the server but answers 5xx: the provider adopts it, no
// duplicate), build_fails (Wait ends with ErrFailed), batch (count-group
// members created with providers.ServerBatcher in fewer calls than members,
// each read back at its own address from the cloud's name, before and after
// fleet renames it; a moved member takes its new address), batch_unbatchable
// (a fixed IP is never batched) and batch_error_after (a batch created
// behind a 5xx is adopted, not repeated).
package providertest
