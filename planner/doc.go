// Package planner turns the desired fleet (spec), the state and the live
// inventory into a Plan: plain, serializable data holding the actions, the
// edges between them, the drift the refresh found and the rollout batches;
// and renders plans for people (text, markdown), programs (JSON) and
// Graphviz (DOT).
//
// planner never calls a provider's mutating methods; it only reads inventory
// handed to it.
//
// # API
//
//	Build(Input) (*Plan, spec.Diagnostics)   // deterministic
//	InventoryFingerprint(map[string]providers.InventoryResponse) string
//	(*Plan).CheckFresh(st, fleet, fingerprint, fleetVersion) error   // a *StaleError, errors.Is ErrStale
//	Save(path, *Plan) error; Load(path) (*Plan, error)               // JSON, atomic, 0600
//	RenderText(w, p, style.Style); RenderJSON(w, p); RenderMarkdown(w, p); RenderDOT(w, p)
//	(*Plan).SummaryLine(), HasChanges(), Applyable()
//	Action.Symbol(), Label(), Detail(), Shown(); Drift.Line(); Rollout.Line()  // the text forms, for other views
//	Action.IsBatch(), Servers()   // a batch create: one call for its Create.Members
//	Action.ParamGroups(); ParamsOf(ActionType)   // the one parameter group a type carries
//
// Build returns a plan even when its diagnostics hold errors (a blocked
// protected server, a cycle, a type the catalog does not offer, a --target
// that matches nothing) so that it can be shown; such a plan must not be
// applied. Blocked actions carry Action.Blocked and Plan.Applyable is false.
//
// # Matching
//
// Resources are matched by address, never by list position: a state entry
// is matched to the inventory by its cloud id; an inventory record that no
// state entry matches but that carries the fleet's tag is adopted at its
// owner address (an adopt action records it; the rest of the plan diffs it
// like any other). Only records tagged with this fleet's name are adopted
// or deleted; untagged ones (returned because the state asked for their
// ids) are never touched. When several tagged servers or volumes claim one
// address (a crash between the halves of a replace, or a create whose
// result was never recorded), fleet keeps exactly one: the one the state
// holds, else the healthiest (not failed, then not busy), then lowest id,
// which is adopted; each other one is deleted (detached, and stopped on NCP,
// first) by actions whose ids end in "(duplicate ID)" and whose reason says
// "duplicate of ADDR left by an interrupted run". Keypairs carry no tag on
// either cloud, so fleet owns one only when its state records it (fleet
// created or imported it): a declared keypair found in the cloud but not
// in the state is used as it is (Plan.Existing, "uses existing
// keypair/k"), never created, adopted or deleted; the exception is one a
// pending create intent of this fleet names, which is adopted. A keypair's
// cloud id (state ID) is its name. A provider missing from Input.Inventory
// was not refreshed: the state is taken as the truth, with no drift and no
// adoption. A plan made with no provider refreshed has Plan.Refreshed false
// and CheckFresh does not compare its (empty) inventory fingerprint; the
// state lineage and serial, spec digest and fleet version are still checked.
// So is the variables' digest (Plan.Environment, environment.go): a plan
// made with one var file is refused when applied with other values. The
// saved plan's file form belongs to package planfile, not to the planner.
//
// Where a provider was refreshed with its catalog, the plan checks the file
// against it before anything is created (catalog.go), each problem once per
// group field at its line, and such a plan is Failed: unknown types and
// zones; the image's minimum disk (NCP block storage size, NHN min_disk:
// the root volume's default, and a floor for a declared size or an NHN u2
// flavor's disk), the NHN u2 root limits for a flavor given by id; unknown
// subnets and fixed IPs outside their subnet (NCP getSubnetList, NHN
// Neutron).
//
// Server types are compared by the catalog's name: a fleet file may write
// an NCP product code (SVR.VSVR...) or an NHN flavor id where the inventory
// reports the spec code or flavor name; resizes name the catalog's name.
//
// # Interrupted operations
//
// The state's Intents are calls an earlier apply started and did not
// record as finished. Differences the refresh finds on such an address are
// that run's doing: they go to Plan.Interrupted ("interrupted: resize
// started T did not finish", counted in Summary.Interrupted), not to Drift;
// every pending intent is listed once per address (the latest), and the
// plan converges as usual.
//
// # In-between states
//
// A resource the refresh finds in transition (a server building, stopping,
// resizing; a volume attaching; an image being made) gets a wait action
// ("~ server/web-1  wait  still building (INIT), started by an earlier
// apply"), and every action on it or needing it (its volumes' creates,
// attaches and detaches, an image made from it, a server booted from the
// image) depends on that wait (wait.go). A waited-for server is planned in
// the power state its transition ends in (providers.Server.Settling); when
// the cloud does not say, with power steps that work from either end. NHN
// deletes servers in any state, so a server that is only deleted is not
// waited for there. A wait whose resource the state marks stuck (an earlier
// apply's --wait-timeout gave up on it, and it is still in the transition
// it was then), or a server still building longer after its creation than
// its cloud's build limit (BuildLimit, judged against Input.Now), says so
// (Action.Stuck, Summary.Stuck) with a warning naming the ways out. A failed server (NCP
// FSTOP, NHN ERROR) is not waited for: it is replaced (status → healthy
// forces replacement), the new one first.
//
// moved blocks become rename actions; the executor moves the state entries
// of server/FROM and volume/FROM/* to the new addresses.
//
// # What a change does
//
// One table, serverRules in replace.go, says per attribute and per cloud
// whether a change is made in place (type → resize; power → start, stop,
// shelve, unshelve; security groups, metadata (NHN), protection and
// public_ip → update) or forces a replacement (provider, image, zone, vpc,
// subnet, ip, NCP interfaces, key, root volume, init_script, placement_group, billing,
// description, partitions, user_data on NHN, security groups on NCP). A
// resize becomes a replace when NCP would change product type or disk type,
// or NHN would resize a u2 flavor. Attributes the fleet file leaves unset
// are never compared. Where the inventory does not report a value (NHN user
// data, network and subnet; NCP billing), the value the state recorded when
// fleet created the server (state.Resource.Declared, see Declared; user
// data as its sha256) stands in; with neither (a server adopted or made by
// an older fleet) the attribute is taken as unchanged, since an unknown
// value must never force a replacement. Providers report NCP's
// init_script, placement_group, partitions ("/mnt:100,..." sorted),
// interfaces (NIC numbers, eth0 first) and description in Server.Extra
// under those keys (and may report "billing"
// and NHN's "user_data_sha256"). What cannot change at all fails the plan
// at its line (declared.go): a keypair's public key or provider, an
// image's source server. The schema's descriptions say the same per field
// (reference_test.go keeps them in step).
//
// Volumes grow in place: detach, update (Update.VolumeSize), attach again, since
// neither cloud extends a volume in use. A shrink or a type change replaces
// them. A replaced server's volumes move to the new server (detach
// from the old one once the new one exists, attach to the new one), unless
// the server changes zone, in which case they are replaced too.
//
// # Order
//
// Action.DependsOn holds the edges; Plan.Actions is in a topological order,
// ties broken by id. Keypairs and images come before the servers that use
// them; a server before its volumes, a volume before its attachment; stop →
// resize → start on both clouds (NCP resizes only stopped servers and NHN
// stops an active server to resize it, so one model serves both); detach
// before the volume's and the server's delete; stop before delete on NCP; a
// replacement's new resource (Replace, ID "create ADDR") before the old one
// is stopped, detached and deleted (Replace, ID "delete ADDR (replaced)",
// CloudID the old id), except when the new server takes what the old one
// holds (its fixed private IP, an existing NCP interface): then the old one
// goes first, since the cloud gives either to one server at a time; a
// rename before any other change of that server; an
// image after its source server is at its target. Cycles are reported as
// errors, each as "a → b → a" (each action waits for the next), starting at
// the shortest, then alphabetically first, id.
//
// # Run-time resolution
//
// An action's parameters are grouped per verb (params.go): it carries
// exactly the one group its type needs (ParamsOf: Create, Resize, Rename,
// Update, Attachment, MakeImage, Reboot, Adopted, Check), none for start,
// stop, shelve, unshelve, delete and wait; the executor refuses any other.
// Actions on existing resources carry CloudID. Actions on resources created
// in the same apply carry addresses (ServerAddr in their group) with CloudID
// or ServerID empty: the executor resolves them from the state when the
// action runs. The create half of a replacement records the new id at the
// address; the actions on the old server keep its id in CloudID (ServerID
// for detach). An update's group may set several of Protect, SecGroups,
// Metadata, PublicIP and VolumeSize: one provider Update per field set. A public address
// allocated but never associated reads public_ip "allocated", so the next
// plan updates it either way: adopted when wanted, released when not.
//
// # Rollouts
//
// For a group with a rollout, the disruptive actions of each server (resize
// of a running server with its stop and start; all of a replacement,
// including its volume moves; stop; shelve) carry Batch numbers, servers
// taken in group order, at most Rollout.Limit(count) per batch. The first
// actions of the server at position i depend on the last actions of the
// server at position i-limit (the same lane of the previous batch), so the
// DAG alone never has more than limit servers of the group disrupted; the
// executor additionally starts a batch only when the whole previous batch
// is done (a barrier it derives from Batch), which keeps the plan linear in
// size rather than limit² edges per batch. New servers and other in-place
// changes are not batched. Servers already below target (declared running but
// stopped, in transition, busy or failed: an interrupted rollout) count
// against the limit: all their remaining actions go into batch 1, which
// takes other servers only up to the limit minus those already down;
// Rollout.Down counts them. Plan.Rollouts lists "rollout web: 3 batches of 2".
//
// # Batch creates
//
// Where a provider creates several members of a count group in one call
// (Input.Batchers, a providers.ServerBatchSizer), runs of consecutive
// member creates that are alike but for their names (one function, alike)
// and wait for the same actions become one create action whose Create.Members
// are the servers and whose Address is their group tag
// (server/web-[1-20]); members in a rollout batch or a replacement go
// alone. Each member the cloud names otherwise (BatchMemberName) gets a
// rename action after the batch (the executor starts it once that member
// is recorded, before the batch's builds end), and what waited for a
// member's create waits for its batch and its rename. So the plan lists
// every call apply makes; the text shows "+ server/web-1 … web-20  create
// one call for 20 servers, …", and the summary counts the members.
//
// # Protect
//
// A server with protect: true in the fleet file (or protected in the cloud or
// in the state, when the file no longer declares it, or a member that a
// lower count removes from a group declared protect: true) that the plan
// would delete or replace keeps its actions, each with Blocked set, and an error
// diagnostic names it and the fix.
package planner
