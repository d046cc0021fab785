package coverage

import (
	"fmt"
	"strings"
)

// Row is one seed operation (Parameter "") or request parameter.
type Row struct {
	Seeds     string // the seed files documenting it, by number: "000", "002 004"
	Operation string // NCP action name, or NHN "METHOD /path" below /v2/{tenantId}
	Parameter string // query parameter or body field as the seed spells it; "" for the operation
	Reach     string // the fleet file field or command that reaches it
	Test      string // "package/path.TestName" proving it end to end against the simulator
	Note      string // why it is not exposed, or how it is reached; required without Test
}

// The end-to-end tests of this package that the table names.
const (
	ncpCreate = "e2e/coverage.TestNCPCreateParameters"
	ncpPower  = "e2e/coverage.TestNCPPowerAndImages"
	nhnCreate = "e2e/coverage.TestNHNCreateBody"
	nhnLife   = "e2e/coverage.TestNHNLifecycle"
	nhnPlan   = "e2e/coverage.TestNHNPlanRefusesUnknownNames"
	batch     = "e2e/coverage.TestBatchCreate"
	ncpNICs   = "e2e/coverage.TestNCPExistingInterfaces"
)

const (
	ncpCreateOp = "createServerInstances"
	nhnAction   = "POST /servers/{serverId}/action"
	nhnCreateOp = "POST /servers"
	bdm         = "server.block_device_mapping_v2"
)

// Table is the coverage of the seeds, in seed order.
var Table = []Row{
	// Seed 000: createServerInstances.
	{"000", ncpCreateOp, "", "`fleet apply` creating `servers.*` of an `ncloud` provider", ncpCreate, "one call per server, or per batch of alike count-group members (see serverCreateCount)"},
	{"000", ncpCreateOp, "regionCode", "`providers.*.region`", ncpCreate, "sent on every call"},
	{"000", ncpCreateOp, "memberServerImageInstanceNo", "`servers.*.image: image/NAME` (an image `images:` declares)", ncpPower, ""},
	{"000", ncpCreateOp, "serverImageNo", "`servers.*.image` written as an image number", ncpCreate, ""},
	{"000", ncpCreateOp, "serverImageProductCode", "`servers.*.image` written as a product code (`SW.VSVR.…`)", ncpCreate, ""},
	{"000", ncpCreateOp, "serverSpecCode", "`servers.*.type` written as a spec code (`s2-g2-s50`)", ncpCreate, ""},
	{"000", ncpCreateOp, "serverProductCode", "`servers.*.type` written as a product code (`SVR.VSVR.…`)", ncpCreate, ""},
	{"000", ncpCreateOp, "vpcNo", "`servers.*.network.vpc`", ncpCreate, ""},
	{"000", ncpCreateOp, "subnetNo", "`servers.*.network.subnet`", ncpCreate, ""},
	{"000", ncpCreateOp, "isEncryptedBaseBlockStorageVolume", "`servers.*.root_volume.encrypted`", ncpCreate, ""},
	{"000", ncpCreateOp, "feeSystemTypeCode", "`servers.*.billing: hourly|monthly` (MTRAT/FXSUM)", ncpCreate, ""},
	{"000", ncpCreateOp, "serverCreateCount", "`servers.*.count`: up to 20 alike members per call where NCP names them as declared (from member 100 on); with `servers.*.batch_create` members 1-99 too", batch,
		"NCP names members NAME-001…, so members 1-99 are batched only with batch_create and then renamed (a hostname the OS took from the name at boot stays); members with a fixed IP or a public IP go one per call; the description carries the group tag server/NAME-[FIRST-LAST] and each member's address is read from its name"},
	{"000", ncpCreateOp, "serverCreateStartNo", "the first member's index in a batch (count + start ≤ 1000)", batch, ""},
	{"000", ncpCreateOp, "serverName", "the server's name: `servers.NAME`, or NAME-N with `count`", ncpCreate, ""},
	{"000", ncpCreateOp, "networkInterfaceList.N.networkInterfaceOrder", "NIC 0, always; 1 and 2 for further `network.interfaces`", ncpCreate, ""},
	{"000", ncpCreateOp, "networkInterfaceList.N.networkInterfaceNo", "`servers.*.network.interfaces`: existing interfaces, the first as NIC 0; fleet neither creates nor deletes them", ncpNICs, ""},
	{"000", ncpCreateOp, "networkInterfaceList.N.subnetNo", "—", "", "not exposed: NIC 0 takes the server's `network.subnet`; further interfaces come only as existing ones (`network.interfaces`), which bring their own subnet"},
	{"000", ncpCreateOp, "networkInterfaceList.N.ip", "`servers.*.network.ip`", ncpCreate, ""},
	{"000", ncpCreateOp, "networkInterfaceList.N.accessControlGroupNoList.N", "`servers.*.network.security_groups` (the VPC's default ACG when empty)", ncpCreate, ""},
	{"000", ncpCreateOp, "placementGroupNo", "`servers.*.placement_group`", ncpCreate, ""},
	{"000", ncpCreateOp, "isProtectServerTermination", "`servers.*.protect`", ncpCreate, ""},
	{"000", ncpCreateOp, "serverDescription", "`servers.*.description`, followed by fleet's owner tag", ncpCreate, ""},
	{"000", ncpCreateOp, "initScriptNo", "`servers.*.init_script`", ncpCreate, ""},
	{"000", ncpCreateOp, "loginKeyName", "`servers.*.key` (a key `keypairs:` declares is imported first)", ncpCreate, ""},
	{"000", ncpCreateOp, "associateWithPublicIp", "`servers.*.public_ip: true`", ncpCreate,
		"at create only (a server created alone); turning public_ip on or off later goes through public IP instances in place, and destroy releases the address: e2e.TestPublicIPInPlace"},
	{"000", ncpCreateOp, "raidTypeName", "—", "", "not exposed: RAID applies to bare-metal servers; fleet manages virtual servers"},
	{"000", ncpCreateOp, "blockDevicePartitionList.N.mountPoint", "`servers.*.partitions[].mount_point`", ncpCreate, ""},
	{"000", ncpCreateOp, "blockDevicePartitionList.N.partitionSize", "`servers.*.partitions[].size`", ncpCreate, ""},
	{"000", ncpCreateOp, "blockStorageMappingList.N.order", "`servers.*.root_volume` (order 0)", ncpCreate,
		"extra `volumes` are created with the server by createBlockStorageInstance, not by orders above 0: a mapping has no description, so such a volume could carry no owner tag and could not be adopted or told apart"},
	{"000", ncpCreateOp, "blockStorageMappingList.N.snapshotInstanceNo", "—", "", "not exposed: a fleet file declares no snapshots; volumes start empty"},
	{"000", ncpCreateOp, "blockStorageMappingList.N.blockStorageSize", "`servers.*.root_volume.size`; `volumes[].size` through createBlockStorageInstance", ncpCreate, ""},
	{"000", ncpCreateOp, "blockStorageMappingList.N.blockStorageName", "`volumes[].name` (as SERVER-NAME) through createBlockStorageInstance", ncpCreate, "the root volume keeps NCP's name"},
	{"000", ncpCreateOp, "blockStorageMappingList.N.blockStorageVolumeTypeCode", "`servers.*.root_volume.type`", ncpCreate, ""},
	{"000", ncpCreateOp, "blockStorageMappingList.N.encrypted", "—", "", "not sent: the root volume is encrypted by isEncryptedBaseBlockStorageVolume; a fleet file's extra volumes have no encryption field"},
	{"000", ncpCreateOp, "fabricClusterPoolNo", "—", "", "not exposed: GPU fabric cluster pools are reserved GPU capacity, outside a fleet of general servers"},
	{"000", ncpCreateOp, "responseFormatType", "always `json`", ncpCreate, ""},

	// Seed 001: startServerInstances.
	{"001", "startServerInstances", "", "`servers.*.power: running` on a stopped server (also after a resize of a running one)", ncpPower, ""},
	{"001", "startServerInstances", "regionCode", "`providers.*.region`", ncpPower, ""},
	{"001", "startServerInstances", "serverInstanceNoList.N", "the server's id from the state", ncpPower, ""},
	{"001", "startServerInstances", "responseFormatType", "always `json`", ncpPower, ""},

	// Seed 003: createMemberServerImageInstance.
	{"003", "createMemberServerImageInstance", "", "`images.NAME: { from: SERVER }`, waited from INIT to CREAT", ncpPower, ""},
	{"003", "createMemberServerImageInstance", "regionCode", "`providers.*.region`", ncpPower, ""},
	{"003", "createMemberServerImageInstance", "serverInstanceNo", "`images.*.from` (the server's id)", ncpPower, ""},
	{"003", "createMemberServerImageInstance", "memberServerImageName", "the image's name: `images.NAME`", ncpPower, ""},
	{"003", "createMemberServerImageInstance", "memberServerImageDescription", "fleet's owner tag (`fleet:FLEET image/NAME`)", ncpPower, ""},
	{"003", "createMemberServerImageInstance", "responseFormatType", "always `json`", ncpPower, ""},

	// Seeds 002 and 004: NHN Cloud Compute Instance API v2.
	{"002 004", "GET /flavors", "", "—", "", "not used: fleet lists GET /flavors/detail, which gives the same names with vCPUs and RAM for the catalog"},
	{"002 004", "GET /flavors", "minDisk", "—", "", "not used (see GET /flavors)"},
	{"002 004", "GET /flavors", "minRam", "—", "", "not used (see GET /flavors)"},
	{"002 004", "GET /flavors/detail", "", "`servers.*.type` (an NHN flavor name, resolved to its id; an unknown name is refused by the plan, listing close ones)", nhnPlan, ""},
	{"002 004", "GET /flavors/detail", "minDisk", "—", "", "not sent: fleet lists every flavor once and resolves names itself, so an unknown name can be answered with close ones"},
	{"002 004", "GET /flavors/detail", "minRam", "—", "", "not sent (see minDisk)"},
	{"004", "GET /flavors/detail", "limit", "—", "", "not sent: the list is read whole"},
	{"004", "GET /flavors/detail", "marker", "—", "", "not sent: the list is read whole"},
	{"002 004", "GET /os-availability-zone", "", "`servers.*.zone`, checked by the plan against this list", nhnPlan, ""},
	{"002 004", "GET /os-keypairs", "", "refresh: the keypairs `keypairs:` declares", nhnCreate, ""},
	{"002 004", "GET /os-keypairs/{keypairName}", "", "—", "", "read only after an ambiguous import failure, to adopt a key that was imported"},
	{"002 004", "POST /os-keypairs", "", "`keypairs.NAME: { provider, public_key_file }`", nhnCreate, ""},
	{"002 004", "POST /os-keypairs", "keypair", "`keypairs.NAME`", nhnCreate, ""},
	{"004", "POST /os-keypairs", "keypair.name", "the keypair's name: `keypairs.NAME`", nhnCreate, ""},
	{"002 004", "POST /os-keypairs", "keypair.public_key", "`keypairs.*.public_key_file` (always given: fleet imports keys and never holds a generated private key)", nhnCreate, ""},
	{"002 004", "DELETE /os-keypairs/{keypairName}", "", "removing a keypair from `keypairs:`", nhnLife, ""},
	{"002 004", "GET /servers", "", "—", "", "not used: fleet lists GET /servers/detail, whose metadata carries the owner tags"},
	{"002 004", "GET /servers", "reservation_id", "after a batch create, on GET /servers/detail (same filters): one list finds every member", batch, ""},
	{"002 004", "GET /servers", "changes-since", "—", "", "not used: every refresh reads the whole owned inventory"},
	{"002 004", "GET /servers", "image", "—", "", "not used: fleet filters by its owner tag, not by image"},
	{"002 004", "GET /servers", "flavor", "—", "", "not used: fleet filters by its owner tag, not by flavor"},
	{"002 004", "GET /servers", "name", "—", "", "sent on GET /servers/detail as `^NAME$` after an ambiguous create failure, to adopt the server"},
	{"002 004", "GET /servers", "status", "—", "", "not used: fleet reads every status"},
	{"002 004", "GET /servers", "limit", "—", "", "sent on GET /servers/detail: the page size of the refresh"},
	{"002 004", "GET /servers", "marker", "—", "", "sent on GET /servers/detail: the pages of the refresh"},
	{"002 004", "GET /servers/detail", "", "every `fleet plan` / `fleet apply` refresh, and the shared wait poller", nhnCreate, ""},
	{"002 004", "GET /servers/{serverId}", "", "each in-place change reads the server first (a change already in effect costs no call)", nhnLife, ""},
	{"002 004", nhnCreateOp, "", "`fleet apply` creating `servers.*` of an `nhncloud` provider", nhnCreate, "one call per server, or per batch of alike count-group members (see server.max_count)"},
	{"002 004", nhnCreateOp, "server.security_groups", "`servers.*.network.security_groups`", nhnCreate, ""},
	{"004", nhnCreateOp, "server.security_groups.name", "`servers.*.network.security_groups[]`", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.user_data", "`servers.*.user_data` (plain text, base64-encoded by fleet)", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.availability_zone", "`servers.*.zone`", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.imageRef", "`servers.*.image` (an image id, or `image/NAME`)", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.flavorRef", "`servers.*.type` (flavor name → id)", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.networks", "`servers.*.network`: one NIC", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.networks.uuid", "—", "", "not reachable: validate requires `network.subnet` for NHN, and a subnet names its network (the provider would send `network.vpc` here)"},
	{"002 004", nhnCreateOp, "server.networks.subnet", "`servers.*.network.subnet`", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.networks.port", "—", "", "not exposed: ports are network objects fleet does not create or own"},
	{"002 004", nhnCreateOp, "server.networks.fixed_ip", "`servers.*.network.ip`", nhnCreate, ""},
	{"004", nhnCreateOp, "server.name", "the server's name: `servers.NAME`, or NAME-N with `count`", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.metadata", "`servers.*.metadata`, beside fleet's owner tags", nhnCreate, ""},
	{"002 004", nhnCreateOp, bdm, "`servers.*.root_volume` (none for U2 flavors, which boot from local disk)", nhnCreate, ""},
	{"002 004", nhnCreateOp, bdm + ".source_type", "`image`: the root volume is made from `servers.*.image`", nhnCreate, "blank/volume/snapshot sources are not exposed: extra `volumes` are Cinder volumes of their own, attached after create"},
	{"002 004", nhnCreateOp, bdm + ".uuid", "`servers.*.image`", nhnCreate, ""},
	{"002 004", nhnCreateOp, bdm + ".boot_index", "0: the root volume", nhnCreate, ""},
	{"002 004", nhnCreateOp, bdm + ".destination_type", "`volume` (U2 flavors send no mapping)", nhnCreate, ""},
	{"002", nhnCreateOp, bdm + ".volume_type", "`servers.*.root_volume.type`", nhnCreate, ""},
	{"002 004", nhnCreateOp, bdm + ".delete_on_termination", "always true: the root volume belongs to the server", nhnCreate, ""},
	{"002", nhnCreateOp, bdm + ".volume_size", "`servers.*.root_volume.size` (20 GB when not given)", nhnCreate, ""},
	{"002", nhnCreateOp, bdm + ".nhn_encryption", "—", "", "not exposed: needs Secure Key Manager app keys; `root_volume.encrypted` on NHN is refused at create with that reason"},
	{"002", nhnCreateOp, bdm + ".nhn_encryption.skm_appkey", "—", "", "not exposed (see nhn_encryption)"},
	{"002", nhnCreateOp, bdm + ".nhn_encryption.skm_key_id", "—", "", "not exposed (see nhn_encryption)"},
	{"002 004", nhnCreateOp, "server.key_name", "`servers.*.key`", nhnCreate, ""},
	{"002 004", nhnCreateOp, "server.min_count", "`servers.*.count`: equal to max_count", batch, ""},
	{"002 004", nhnCreateOp, "server.max_count", "`servers.*.count`: members 1-10 of a group in one call; with `servers.*.batch_create` every 10", batch,
		"NHN names every batch NAME-1…NAME-k, so later batches need batch_create and a rename (a hostname the OS took from the name at boot stays), and a batch starting at member s > 1 takes at most s-1 members so raw and declared names never collide; the metadata carries the group tag server/NAME-[FIRST-LAST]; a fixed IP goes one per call"},
	{"002 004", nhnCreateOp, "server.return_reservation_id", "always true for a batch: its members are listed by reservation", batch, ""},
	{"002 004", "PUT /servers/{serverId}", "", "`moved: [{from: server/A, to: server/B}]`: the server keeps its id", nhnLife, ""},
	{"002 004", "PUT /servers/{serverId}", "server", "`moved`", nhnLife, ""},
	{"004", "PUT /servers/{serverId}", "server.name", "`moved[].to`", nhnLife, ""},
	{"002 004", "DELETE /servers/{serverId}", "", "removing a server from the file (or `fleet destroy`); a replace", nhnLife, ""},
	{"002 004", "GET /servers/{serverId}/os-volume_attachments", "", "`images.*.from` a volume-backed server: finds its root volume, whose image is uploaded", nhnLife, ""},
	{"002 004", "GET /servers/{serverId}/os-volume_attachments", "limit", "—", "", "not sent: a server has few attachments, read whole"},
	{"002 004", "GET /servers/{serverId}/os-volume_attachments", "offset", "—", "", "not sent (see limit)"},
	{"002 004", "GET /servers/{serverId}/os-volume_attachments/{volumeId}", "", "—", "", "not used: a volume's attachments come from the volume itself (GET /volumes/{id})"},
	{"002 004", "POST /servers/{serverId}/os-volume_attachments", "", "`servers.*.volumes[]`", nhnCreate, ""},
	{"002 004", "POST /servers/{serverId}/os-volume_attachments", "volumeAttachment", "`servers.*.volumes[]`", nhnCreate, ""},
	{"002 004", "POST /servers/{serverId}/os-volume_attachments", "volumeAttachment.volumeId", "the volume's id from the state", nhnCreate, ""},
	{"002 004", "DELETE /servers/{serverId}/os-volume_attachments/{volumeId}", "", "removing a volume from `servers.*.volumes`; before a server is deleted", nhnLife, ""},
	{"002 004", nhnAction, "os-start", "`servers.*.power: running` on a stopped server", nhnLife, ""},
	{"002", nhnAction, "unshelve", "`servers.*.power: running` on a shelved server", nhnLife, ""},
	{"002 004", nhnAction, "os-stop", "`servers.*.power: stopped`", nhnLife, ""},
	{"002", nhnAction, "shelve", "`servers.*.power: shelved` (stops compute billing)", nhnLife, ""},
	{"002 004", nhnAction, "reboot", "—", "", "not exposed: a fleet file declares state, and a reboot changes none; fleet's own changes use their own actions"},
	{"002 004", nhnAction, "reboot.type", "—", "", "not exposed (see reboot)"},
	{"002 004", nhnAction, "resize", "a new `servers.*.type`, in place (VERIFY_RESIZE is confirmed by the wait when the cloud does not)", nhnLife, ""},
	{"002 004", nhnAction, "resize.flavorRef", "`servers.*.type` (flavor name → id)", nhnLife, ""},
	{"004", nhnAction, "resize.OS-DCF:diskConfig", "—", "", "not sent: NHN Cloud uses MANUAL only"},
	{"002 004", nhnAction, "createImage", "`images.NAME: { from: SERVER }` of a U2 server (others: their root volume is uploaded)", nhnLife, ""},
	{"004", nhnAction, "createImage.name", "the image's name: `images.NAME`", nhnLife, ""},
	{"002 004", nhnAction, "createImage.metadata", "fleet's owner tags", nhnLife, ""},
	{"002 004", nhnAction, "addSecurityGroup", "a group added to `servers.*.network.security_groups`, in place", nhnLife, ""},
	{"004", nhnAction, "addSecurityGroup.name", "the added group's name", nhnLife, ""},
	{"002 004", nhnAction, "removeSecurityGroup", "a group removed from `servers.*.network.security_groups`, in place", nhnLife, ""},
	{"004", nhnAction, "removeSecurityGroup.name", "the removed group's name", nhnLife, ""},
}

// Render is the table as the README's markdown section.
func Render() string {
	var b strings.Builder
	b.WriteString("### Seed coverage\n\n")
	b.WriteString("Every operation and request parameter of the source documents (`shared/seeds/`), the fleet file\n")
	b.WriteString("field or command that reaches it, and the test that proves it end to end against the simulators,\n")
	b.WriteString("or why a fleet file does not expose it. Generated from `e2e/coverage/coverage.go`\n")
	b.WriteString("(`go test ./e2e/coverage -update`); path and header parameters (ids, tokens) have no rows.\n\n")
	b.WriteString("| seed | operation | parameter | fleet file / command | proof | note |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range Table {
		param := "(operation)"
		if r.Parameter != "" {
			param = "`" + r.Parameter + "`"
		}
		proof := "—"
		if r.Test != "" {
			proof = "`" + r.Test + "`"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", r.Seeds, r.Operation, param, cell(r.Reach), proof, cell(r.Note))
	}
	fmt.Fprintf(&b, "\n%d rows: %d proven by a test, %d not exposed or not used, each with its reason.\n", len(Table), proven(), len(Table)-proven())
	return b.String()
}

func proven() int {
	n := 0
	for _, r := range Table {
		if r.Test != "" {
			n++
		}
	}
	return n
}

// cell escapes a markdown table cell.
func cell(s string) string {
	if s == "" {
		return ""
	}
	return strings.ReplaceAll(s, "|", "\\|")
}
