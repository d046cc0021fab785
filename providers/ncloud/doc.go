// Package ncloud is fleet's provider for NAVER Cloud Platform (VPC), a small
// client written to the vserver v2 API (shared/api/ncp.md and the seeds):
// no NCP Go SDK is available here.
//
// The client, split by concern:
//   - transport.go signs every call (signature v2: x-ncp-apigw-timestamp in
//     ms, x-ncp-iam-access-key, x-ncp-apigw-signature-v2 over "POST path")
//     and sends parameters as a form body with regionCode on every call (the
//     terraform provider's orphaned-volume bug #576 came from leaving it
//     out) and responseFormatType=json;
//   - form.go encodes lists 1-based and dotted (serverInstanceNoList.1,
//     networkInterfaceList.1.accessControlGroupNoList.1);
//   - envelope.go decodes {"<op>Response": {...}} and both error layers,
//     the gateway's {"error":{"errorCode"}} and the service's
//     {"responseError":{"returnCode"}}, into *providers.APIError;
//   - client.go holds the account's adaptive request budget
//     (backoff.SharedBudget, told of every answer and every 429), the bound
//     on calls in flight (Config.MaxInFlight, polls included) and the
//     retries: up to backoff.ThrottleRetries on 429, and the backoff
//     package's capped, jittered backoff on 5xx, timeouts and
//     the "try again" codes 1000, 1100031, 1007009, 1002035, never shorter
//     than Retry-After; anything else fails at once with the cloud's
//     message and the fleet address concerned.
//
// Creates are never repeated blindly: after a 5xx or a timeout the server
// (volume, image) may exist, so it is looked up by its owner tag and adopted.
//
// Ownership. Servers, volumes and member images carry "fleet:<fleet>
// <address>" at the end of their description, after the user's own text.
// The description is set at create time and survives everything else; NCP
// cannot edit it, so after a rename (moved: changeServerInstanceName) a
// server's address is taken from its name. Members of a count group made by
// one createServerInstances call (ServerBatcher: up to 20, which NCP names
// GROUP-011, GROUP-012, ...) share the group tag "fleet:<fleet>
// server/GROUP-[11-30]": a member's name gives its address, whether it is
// still the cloud's GROUP-011 or already the declared GROUP-11, and any
// other name is that of a moved server. After an ambiguous failure a
// batch's members are looked up by that tag and adopted; the call is sent
// again only when none exists. Inventory returns only tagged resources of
// the requested fleet, plus those InventoryRequest.Known names (imported,
// untagged), picked out of the same pages. Login keys have no description:
// they are listed with Owner.Fleet empty and Owner.Address keypair/NAME,
// and the fleet owns exactly those its file declares.
//
// Inventory costs one paged list call per kind (pageSize 1000): servers,
// volumes (root volumes included), network interfaces (private IPs and
// ACGs: the VPC server object has none), unassociated public IPs (one
// fleet allocated and never associated is its server's PublicIPPending),
// member images, login keys, and for the catalog specs and zones.
// Refreshing 1,000 servers costs 6 calls, 8 with the catalog
// (TestRefreshCost, BenchmarkRefresh1000).
//
// public_ip is a public IP instance (publicip.go): allocated with the owner
// tag in its description and associated, or disassociated and deleted; a
// server's address is released before the server is terminated, which
// would leave it allocated.
//
// Waiting is shared: one backoff.Poller per provider runs while anyone
// waits and, each round (every PollInterval until it has learned how long
// that kind of transition takes, then near its expected end: backoff.Pace,
// providers.Transitions), lists each kind in flight with one call filtered
// by the ids of all waiters (serverInstanceNoList.N, ...). Server
// RUN with operation NULL is running, NSTOP with NULL is stopped, an empty
// list is gone, FSTOP/SD_FL/RS_FL/ST_FL (volumes DT_FL, images CREFL) end
// the wait with providers.ErrFailed. Servers that arrive in a round get
// their private IP and ACGs from one getNetworkInterfaceList call for all
// of them. A round's lists make one attempt each: a round that fails with
// a 5xx, a 429 or no answer (an outage) is tried again, less often the
// longer it lasts, until each waiter's own deadline, which then fails
// naming the address and the last error; a definite error ends the waits
// it concerns.
//
// Composite updates follow the API's rules: a resize stops a running
// server, changes the spec, waits for CHNG to end and starts it again; a
// delete refuses a protected server, stops it, detaches its SVRBS volumes,
// waits for the operation to return to NULL and terminates. Changing ACGs
// or metadata in place is refused with providers.ErrConflict (replace).
package ncloud
