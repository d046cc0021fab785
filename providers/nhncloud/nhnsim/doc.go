// Package nhnsim simulates the NHN Cloud IaaS APIs that fleet uses, as a
// plain http.Handler: Keystone v2.0 tokens with a multi-region service
// catalog, Nova v2 (flavors and their extra specs, availability zones,
// keypairs, servers, server actions, metadata, tags, volume attachments),
// Cinder v2 (types and
// volumes) and Glance v2 images (list, get, JSON Patch updates in the
// v2.1 media type, delete), plus a versions document at the identity,
// image and network roots and the Neutron lists of networks, subnets and
// security groups.
//
// Wire shapes, status codes, state transitions and error bodies follow
// shared/api/nhn.md and the NHN seeds (002 wins over 004); where NHN is
// silent the simulator does what stock Nova, Cinder and Keystone do, so
// stock OpenStack clients (gophercloud, Terraform, the openstack CLI) work
// against it unchanged.
//
// Paths, relative to Options.Prefix:
//
//	/identity/                 Keystone versions document (300)
//	/identity/v2.0/tokens      POST: issue a token
//	/compute/v2/{tenant}/...   Nova
//	/volume/v2/{tenant}/...    Cinder
//	/image/                    Glance versions document; /image/v2/images[/{id}] (GET; PATCH, DELETE by id)
//	/network/                  Neutron versions document; /network/v2.0/{networks,subnets,security-groups}
//
// Operations served, below each service's versioned root (anything else
// answers 404 and counts as "METHOD unknown"); every method of every route
// is reached through gophercloud, whose result structs its answers decode
// into (TestGophercloudDrivesEveryOperation):
//
//	Keystone  GET /identity, GET /v2.0, POST /v2.0/tokens
//	Nova      GET /compute; GET /flavors, /flavors/detail, /flavors/{id},
//	          /flavors/{id}/os-extra_specs, /flavors/{id}/os-extra_specs/{key};
//	          GET /os-availability-zone; GET, POST /os-keypairs;
//	          GET, DELETE /os-keypairs/{name}; GET /os-security-groups;
//	          GET, POST /servers; GET /servers/detail;
//	          GET, PUT, DELETE /servers/{id}; POST /servers/{id}/action
//	          (os-start, os-stop, reboot, resize, confirmResize, revertResize,
//	          createImage, shelve, unshelve, addSecurityGroup,
//	          removeSecurityGroup); GET, PUT, POST /servers/{id}/metadata;
//	          GET, PUT, DELETE /servers/{id}/metadata/{key};
//	          GET, PUT /servers/{id}/tags; GET /servers/{id}/os-security-groups;
//	          GET, POST /servers/{id}/os-volume_attachments;
//	          GET, DELETE /servers/{id}/os-volume_attachments/{volumeId}
//	Cinder    GET /volume; GET /types, /types/{id}; GET, POST /volumes;
//	          GET /volumes/detail; GET, PUT, DELETE /volumes/{id};
//	          POST /volumes/{id}/action (os-extend, os-volume_upload_image)
//	Glance    GET /image; GET /v2/images; GET, PATCH, DELETE /v2/images/{id}
//	Neutron   GET /network; GET /v2.0/networks[/{id}], /v2.0/subnets[/{id}],
//	          /v2.0/security-groups[/{id}], /v2.0/ports[/{id}];
//	          GET, POST /v2.0/floatingips; GET, PUT, DELETE /v2.0/floatingips/{id}
//
// The external network "Public Network" (router:external) is where
// floating IPs come from; a deleted server's floating IPs stay allocated,
// disassociated (floatingips.go cites the documents).
//
// Keypairs keep public_key byte for byte as sent, as Nova does.
//
// A volume detach, like Nova's, keeps the attachment on both sides while
// the volume is detaching and drops it once the volume is available.
//
// Only region KR1 holds data. The catalog lists KR2 first (as NHN's does),
// and the other regions' endpoints answer 404, so a client that forgets
// to choose its region fails at once instead of silently using the wrong one.
//
// Time moves only through Options.Clock: every request first applies the
// transitions that are due, in order, and records each status change in
// the Timeline with the time it became due. Transition times scale with
// the injector's build time; VERIFY_RESIZE lasts Options.ResizeConfirmWindow
// before NHN's auto-confirm.
//
// Faults come from simcore.Behaviour: a 429 overLimit with Retry-After or a
// 500 computeFault for any call; StuckBuild and FailBuild match server names
// (BUILD forever, or ERROR with a fault) and volume names (creating forever,
// or error); CreateErrorAfter makes POST /servers create the servers and
// then answer 500 when it matches the request's name or, with max_count,
// any member's (NAME-1 ...).
//
// The catalog (flavors, images, networks, security groups) carries the ids
// of the NHN guide's examples and of design.md's example fleet file, so both
// run against the simulator unchanged. Ids of created resources are
// derived from a persisted counter: two fresh simulators agree.
//
// With Options.Dir the data lives in Dir/nhn.json, written atomically a
// moment after each change (spaced further apart when the file is big) and
// at once by Flush; New loads it, scheduled transitions included.
//
// Stats names each call "METHOD /route", the route being the path below the
// service's versioned root with ids replaced by placeholders, and server
// actions suffixed by the action key:
//
//	POST /v2.0/tokens            GET /identity   GET /image   GET /network
//	GET /servers/detail          GET /servers/{id}           POST /servers
//	POST /servers/{id}/action os-stop             DELETE /servers/{id}
//	GET /servers/{id}/os-volume_attachments/{volumeId}
//	GET /flavors/detail          GET /os-keypairs/{name}     GET /types
//	GET /volumes/detail          POST /volumes/{id}/action os-extend
//	GET /v2/images/{id}          GET /v2.0/networks
//
// Requests that match no route count as "METHOD unknown".
package nhnsim
