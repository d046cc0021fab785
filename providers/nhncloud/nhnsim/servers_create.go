package nhnsim

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

type createReq struct {
	Server *struct {
		Name           *string         `json:"name"`
		ImageRef       string          `json:"imageRef"`
		FlavorRef      string          `json:"flavorRef"`
		Networks       json.RawMessage `json:"networks"`
		KeyName        string          `json:"key_name"`
		SecurityGroups []nameRef       `json:"security_groups"`
		UserData       *string         `json:"user_data"`
		AZ             string          `json:"availability_zone"`
		Metadata       json.RawMessage `json:"metadata"`
		BDM            []bdm           `json:"block_device_mapping_v2"`
		MinCount       *int            `json:"min_count"`
		MaxCount       *int            `json:"max_count"`
		ReturnResID    bool            `json:"return_reservation_id"`
		Tags           []string        `json:"tags"`
	} `json:"server"`
	Hints *struct {
		Group string `json:"group"`
	} `json:"os:scheduler_hints"`
}

type bdm struct {
	SourceType      string          `json:"source_type"`
	DestinationType string          `json:"destination_type"`
	UUID            string          `json:"uuid"`
	BootIndex       *int            `json:"boot_index"`
	VolumeSize      int             `json:"volume_size"`
	VolumeType      string          `json:"volume_type"`
	DeleteOnTerm    json.RawMessage `json:"delete_on_termination"`
	DeviceName      string          `json:"device_name"`
	Encryption      *struct {
		AppKey string `json:"skm_appkey"`
		KeyID  string `json:"skm_key_id"`
	} `json:"nhn_encryption"`
}

type netReq struct {
	UUID    string `json:"uuid"`
	Subnet  string `json:"subnet"`
	Port    string `json:"port"`
	FixedIP string `json:"fixed_ip"`
	Tag     string `json:"tag"`
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

// boolish reads delete_on_termination: NHN's own example sends 1.
func boolish(raw json.RawMessage) (bool, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return false, true
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var n int
	if json.Unmarshal(raw, &n) == nil && (n == 0 || n == 1) {
		return n == 1, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if b, err := strconv.ParseBool(s); err == nil {
			return b, true
		}
	}
	return false, false
}

// plannedVolume is a volume a create makes or attaches.
type plannedVolume struct {
	existing *volume
	size     int
	typ      string
	image    string
	imgName  string // the image's name, for volume_image_metadata
	boot     bool
	delete   bool
}

// createPlan is a validated create request.
type createPlan struct {
	name, key, az, userData string
	flavor                  flavor
	image                   *image
	nics                    []nicPlan
	groups                  []string
	meta                    map[string]string
	tags                    []string
	volumes                 []plannedVolume // the root volume first
	count                   int
	reservationOnly         bool
}

// createServers serves POST /servers (nhn.md §2.3): 202 with a Location
// header and the short server object; the servers build asynchronously.
func createServers(c *call) {
	var req createReq
	if !c.decode(&req) {
		return
	}
	p, code, msg := c.planCreate(req)
	if msg != "" {
		writeFault(c.w, code, msg)
		return
	}
	b := c.s.inj.Behaviour()
	reservation := "r-" + hexFrom(fmt.Sprintf("nhnsim/reservation/%d", c.s.d.Counter))[:8]
	var first *server
	// CreateErrorAfter matches the request's name or any member's: a
	// pattern naming one member of a batch fails the call that made it.
	failAfter := simcore.Matches(b.CreateErrorAfter, p.name)
	for n := 1; n <= p.count; n++ {
		name := p.name
		if p.count > 1 {
			name = fmt.Sprintf("%s-%d", p.name, n)
		}
		v := &server{
			ID: c.s.d.nextID("server"), Name: name, UserID: userID, VMState: "building", TaskState: "scheduling",
			FlavorID: p.flavor.ID, KeyName: p.key, AZ: p.az, SecGroups: p.groups, Metadata: cloneMap(p.meta),
			UserData: p.userData, Reservation: reservation, Created: c.now, Updated: c.now, Tags: p.tags,
		}
		v.Seq = c.s.d.Counter
		v.HostID = hexFrom("nhnsim/host/" + v.ID)[:28]
		if p.image != nil {
			v.ImageID = p.image.ID
		}
		for _, nc := range p.nics {
			v.NICs = append(v.NICs, c.s.allocNIC(nc))
		}
		for k, pv := range p.volumes {
			c.s.attachPlanned(v, pv, k, c.now)
		}
		c.s.d.Servers = append(c.s.d.Servers, v)
		c.s.servers[v.ID] = v
		c.s.record("server", v.ID, v.Name, v.status(), c.now)
		c.s.scheduleBuild(v, b, c.now)
		failAfter = failAfter || simcore.Matches(b.CreateErrorAfter, v.Name)
		if first == nil {
			first = v
		}
	}
	c.s.markDirty()
	if failAfter {
		writeFault(c.w, http.StatusInternalServerError, computeFaultMessage)
		return
	}
	if p.reservationOnly {
		writeJSON(c.w, http.StatusAccepted, map[string]any{"reservation_id": reservation})
		return
	}
	lk := c.links(c.computeBase(), "servers/"+first.ID)
	c.w.Header().Set("Location", lk[0].Href)
	refs := make([]nameRef, len(p.groups))
	for i, g := range p.groups {
		refs[i] = nameRef{g}
	}
	writeJSON(c.w, http.StatusAccepted, map[string]any{"server": map[string]any{
		"security_groups": refs, "OS-DCF:diskConfig": "MANUAL", "id": first.ID, "links": lk}})
}

// planCreate validates a create request the way Nova and NHN's rules do;
// a non-empty message comes with the status code to answer.
func (c *call) planCreate(req createReq) (createPlan, int, string) {
	const bad = http.StatusBadRequest
	sv := req.Server
	if sv == nil {
		return createPlan{}, bad, "Invalid input for field/attribute server."
	}
	if sv.Name == nil || *sv.Name == "" || len(*sv.Name) > 255 {
		return createPlan{}, bad, "Invalid input for field/attribute name."
	}
	p := createPlan{name: *sv.Name, key: sv.KeyName, tags: sv.Tags, reservationOnly: sv.ReturnResID}
	var ok bool
	if p.flavor, ok = flavorByID(sv.FlavorRef); !ok {
		return p, bad, "Flavor " + sv.FlavorRef + " could not be found."
	}
	var nets []netReq
	if len(sv.Networks) == 0 || json.Unmarshal(sv.Networks, &nets) != nil || len(nets) == 0 {
		return p, bad, "Invalid input for field/attribute networks."
	}
	if sv.KeyName == "" {
		return p, bad, "Invalid input for field/attribute key_name."
	}
	if _, ok := c.s.keypairs[sv.KeyName]; !ok {
		return p, bad, "Invalid key_name provided."
	}
	if sv.ImageRef != "" {
		if p.image = c.s.images[sv.ImageRef]; p.image == nil || p.image.Status != "active" {
			return p, bad, "Can not find requested image"
		}
	}
	if code, msg := c.planVolumes(&p, sv.BDM, sv.ImageRef); msg != "" {
		return p, code, msg
	}
	if p.image != nil && p.image.Props["os_type"] == "windows" {
		if len(p.name) > 15 {
			return p, bad, "Windows instance names are limited to 15 characters."
		}
		if p.flavor.localDisk() {
			return p, bad, "U2 flavors cannot use Windows images."
		}
	}
	if p.image != nil && p.flavor.RAM < p.image.MinRAM {
		return p, bad, "Flavor's memory is too small for requested image."
	}
	var msg string
	if p.nics, msg = c.planNICs(nets); msg != "" {
		return p, bad, msg
	}
	p.groups = []string{"default"}
	if len(sv.SecurityGroups) > 0 {
		p.groups = nil
		for _, g := range sv.SecurityGroups {
			if !contains(securityGroups, g.Name) {
				return p, bad, "Unable to find security_group with name or id '" + g.Name + "'"
			}
			if !contains(p.groups, g.Name) {
				p.groups = append(p.groups, g.Name)
			}
		}
	}
	p.meta = map[string]string{}
	if len(sv.Metadata) > 0 && string(sv.Metadata) != "null" {
		if json.Unmarshal(sv.Metadata, &p.meta) != nil || !validMetadata(p.meta) {
			return p, bad, "Invalid input for field/attribute metadata."
		}
	}
	// NHN pre-fills the image's properties; the client's own keys win.
	if p.image != nil {
		for k, v := range p.image.Props {
			if _, set := p.meta[k]; !set {
				p.meta[k] = v
			}
		}
	}
	if sv.UserData != nil {
		if _, err := base64.StdEncoding.DecodeString(*sv.UserData); err != nil || len(*sv.UserData) > 65535 {
			return p, bad, "User data needs to be valid base 64."
		}
		p.userData = *sv.UserData
	}
	switch p.az = sv.AZ; {
	case p.az == "":
		p.az = zones[int(c.s.d.Counter)%len(zones)]
	case !contains(zones, p.az):
		return p, bad, "The requested availability zone is not available"
	}
	minCount := 1
	if sv.MinCount != nil {
		minCount = *sv.MinCount
	}
	p.count = minCount
	if sv.MaxCount != nil {
		p.count = *sv.MaxCount
	}
	if minCount < 1 || p.count < minCount {
		return p, bad, "Invalid input for field/attribute min_count."
	}
	if p.count > 10 {
		return p, bad, "Invalid input for field/attribute max_count. Value: " + strconv.Itoa(p.count) + ". must be less than or equal to 10"
	}
	for _, n := range nets {
		if n.FixedIP != "" && p.count > 1 {
			return p, bad, "Invalid input for field/attribute fixed_ip. Cannot create multiple instances with a fixed IP."
		}
	}
	for _, v := range p.volumes {
		if v.existing != nil && p.count > 1 {
			return p, bad, "Cannot attach one or more volumes to multiple instances"
		}
		if v.existing != nil && v.existing.AZ != p.az {
			return p, bad, "Server and volumes are not in the same availability zone."
		}
	}
	if req.Hints != nil && req.Hints.Group != "" && !uuidRE.MatchString(req.Hints.Group) {
		return p, bad, "Invalid input for field/attribute group."
	}
	return p, 0, ""
}

// planVolumes validates the block device mappings: exactly one root
// (boot_index 0) unless the image is the root, and a volume root for every
// flavor but U2.
func (c *call) planVolumes(p *createPlan, bdms []bdm, imageRef string) (int, string) {
	const bad = http.StatusBadRequest
	roots := 0
	for _, b := range bdms {
		if b.BootIndex != nil && *b.BootIndex == 0 {
			roots++
		}
	}
	if roots > 1 || len(bdms) > 0 && roots == 0 && imageRef == "" {
		return bad, "Boot sequence for the instance and image/block device mapping combination is not valid."
	}
	rootOnVolume := false
	for _, b := range bdms {
		pv, msg := c.planBDM(b, p.flavor)
		if msg != "" {
			return bad, msg
		}
		if pv == nil {
			continue // a local root on U2: the flavor's own disk
		}
		if !pv.boot {
			p.volumes = append(p.volumes, *pv)
			continue
		}
		rootOnVolume = true
		if pv.image != "" && p.image == nil {
			p.image = c.s.images[pv.image]
		}
		p.volumes = append([]plannedVolume{*pv}, p.volumes...)
	}
	if p.image == nil && !rootOnVolume {
		return bad, "Missing imageRef attribute"
	}
	if !p.flavor.localDisk() && !rootOnVolume {
		return http.StatusForbidden, "Only volume-backed servers are allowed for flavors with zero disk."
	}
	return 0, ""
}

// planBDM validates one block device mapping; nil with no message is a
// local root disk.
func (c *call) planBDM(b bdm, fl flavor) (*plannedVolume, string) {
	del, ok := boolish(b.DeleteOnTerm)
	if !ok {
		return nil, "Invalid input for field/attribute delete_on_termination."
	}
	boot := b.BootIndex != nil && *b.BootIndex == 0
	dest := b.DestinationType
	if dest == "" {
		dest = "volume"
	}
	if dest != "volume" && dest != "local" {
		return nil, "Invalid input for field/attribute destination_type."
	}
	p := &plannedVolume{boot: boot, delete: del, size: b.VolumeSize}
	switch b.SourceType {
	case "image":
		img := c.s.images[b.UUID]
		if img == nil || img.Status != "active" {
			return nil, "Image " + b.UUID + " could not be found."
		}
		p.image, p.imgName = img.ID, img.Name
		if dest == "local" {
			if !boot || !fl.localDisk() {
				return nil, "Mapping image to local is not supported."
			}
			return nil, ""
		}
		if p.size < img.MinDisk {
			return nil, fmt.Sprintf("Volume is smaller than the minimum size specified in image metadata. Volume size is %d GB, minimum size is %d GB.", p.size, img.MinDisk)
		}
	case "blank":
		if boot {
			return nil, "Blank volumes cannot be the root device."
		}
		if dest != "volume" || p.size <= 0 {
			return nil, "Invalid input for field/attribute volume_size."
		}
	case "volume":
		vol := c.s.volumes[b.UUID]
		if vol == nil {
			return nil, "Volume " + b.UUID + " could not be found."
		}
		if vol.Status != "available" {
			return nil, "Invalid volume: volume '" + vol.ID + "' status must be 'available'. Currently in '" + vol.Status + "'"
		}
		if boot && !vol.Bootable {
			return nil, "Block Device " + vol.ID + " is not bootable."
		}
		p.existing, p.size, p.typ = vol, vol.Size, vol.Type
		return p, ""
	case "snapshot":
		return nil, "Snapshot " + b.UUID + " could not be found."
	default:
		return nil, "Invalid input for field/attribute source_type."
	}
	if p.size > 2000 {
		return nil, "Invalid input for field/attribute volume_size."
	}
	typ := b.VolumeType
	if typ == "" {
		typ = defaultVolumeType
	}
	vt, ok := volumeTypeByName(typ)
	if !ok {
		return nil, "Volume type " + typ + " could not be found."
	}
	if vt.encrypted() && (b.Encryption == nil || b.Encryption.AppKey == "" || b.Encryption.KeyID == "") {
		return nil, "Encrypted volume types need nhn_encryption with skm_appkey and skm_key_id."
	}
	p.typ = vt.Name
	return p, ""
}

// nicPlan is one NIC a create asks for.
type nicPlan struct {
	net   vpc
	fixed string // a requested fixed_ip, or "" for the next free one
}

func (c *call) planNICs(nets []netReq) ([]nicPlan, string) {
	out := make([]nicPlan, 0, len(nets))
	for _, n := range nets {
		set := 0
		for _, f := range []string{n.UUID, n.Subnet, n.Port} {
			if f != "" {
				set++
			}
		}
		if set == 0 && n.FixedIP == "" || set > 1 {
			return nil, "Invalid input for field/attribute networks."
		}
		nw, found := vpcs[0], false
		for _, cand := range vpcs {
			if (n.UUID != "" && cand.ID == n.UUID) || (n.Subnet != "" && cand.SubnetID == n.Subnet) {
				nw, found = cand, true
			}
		}
		switch {
		case n.UUID != "" && !found:
			return nil, "Network " + n.UUID + " could not be found."
		case n.Subnet != "" && !found:
			return nil, "Subnet " + n.Subnet + " could not be found."
		case n.Port != "" && !uuidRE.MatchString(n.Port):
			// The simulator has no Neutron ports; a well-formed port id
			// stands for a port on the default network.
			return nil, "Port id " + n.Port + " could not be found."
		}
		np := nicPlan{net: nw}
		if n.FixedIP != "" {
			if np.fixed = nw.address(n.FixedIP); np.fixed == "" {
				return nil, "Invalid input for field/attribute fixed_ip."
			}
		}
		out = append(out, np)
	}
	return out, ""
}

// address returns ip when it is an IPv4 address inside the subnet, else "".
func (n vpc) address(ip string) string {
	_, cidr, err := net.ParseCIDR(n.CIDR)
	p := net.ParseIP(ip)
	if err != nil || p == nil || p.To4() == nil || !cidr.Contains(p) {
		return ""
	}
	return p.String()
}

// allocNIC gives a server an address and a MAC: the fixed address asked
// for, or the next one of the subnet (the counter wraps inside it).
func (s *Sim) allocNIC(p nicPlan) nic {
	s.d.Counter++
	c := s.d.Counter
	addr := p.fixed
	if addr == "" {
		_, cidr, _ := net.ParseCIDR(p.net.CIDR) // the catalog's CIDRs are valid
		ones, bits := cidr.Mask.Size()
		hosts := uint64(1)<<(bits-ones) - 2 // without the network and broadcast addresses
		n := binary.BigEndian.Uint32(cidr.IP.To4()) + uint32(1+c%hosts)
		ip := make(net.IP, 4)
		binary.BigEndian.PutUint32(ip, n)
		addr = ip.String()
	}
	return nic{Network: p.net.Name, Addr: addr, MAC: fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", c>>16&0xff, c>>8&0xff, c&0xff)}
}

// attachPlanned creates (or takes) the k-th block device of a new server.
func (s *Sim) attachPlanned(v *server, p plannedVolume, k int, now time.Time) {
	vol := p.existing
	if vol == nil {
		vol = &volume{ID: s.d.nextID("volume"), Size: p.size, Type: p.typ, AZ: v.AZ, Bootable: p.boot,
			ImageID: p.image, Metadata: map[string]string{}, Created: now, Updated: now}
		vol.Seq = s.d.Counter
		vol.Status = "creating"
		if p.image != "" {
			vol.Status, vol.ImageName = "downloading", p.imgName
		}
		s.d.Volumes = append(s.d.Volumes, vol)
		s.volumes[vol.ID] = vol
		s.record("volume", vol.ID, vol.Name, vol.Status, now)
	} else {
		s.setVolume(vol, "attaching", now)
	}
	vol.ServerID, vol.Device, vol.AttachedAt, vol.DeleteOnTerm = v.ID, deviceName(k), now, p.delete
	v.Volumes = append(v.Volumes, vol.ID)
	s.d.schedule(step{At: now.Add(s.inj.Behaviour().Scaled(0.5)), Kind: "volume", ID: vol.ID, Gen: vol.Gen, Status: "in-use"})
}

func deviceName(k int) string { return "/dev/vd" + string(rune('a'+k)) }

// scheduleBuild plans BUILD: scheduling → networking → block_device_mapping
// → spawning → ACTIVE, or ERROR for FailBuild, or no end for StuckBuild.
func (s *Sim) scheduleBuild(v *server, b simcore.Behaviour, now time.Time) {
	tasks := []string{"networking", "block_device_mapping", "spawning"}
	for i, t := range tasks {
		s.d.schedule(step{At: now.Add(b.Scaled(float64(i+1) * 0.2)), Kind: "server", ID: v.ID, Gen: v.Gen,
			VMState: "building", TaskState: t})
	}
	s.d.schedule(step{At: now.Add(b.Build()), Kind: "server", ID: v.ID, Gen: v.Gen, VMState: "active", Power: 1, BuildEnd: true})
}

// endBuild decides the end of a build by the name the server has then, so
// that a batch member renamed away from a fault pattern (or to it) is
// judged by its declared name: a stuck server looks again a build time
// later, a failing one ends in ERROR.
func (s *Sim) endBuild(v *server, st *step) (keepBuilding bool) {
	b := s.inj.Behaviour()
	if simcore.Matches(b.StuckBuild, v.Name) {
		again := *st
		again.At = st.At.Add(b.Build())
		s.d.schedule(again)
		return true
	}
	if simcore.Matches(b.FailBuild, v.Name) {
		st.VMState, st.Power, st.Fault = "error", 0, true
	}
	return false
}

// applyServerStep applies one scheduled server transition.
func (s *Sim) applyServerStep(st step) {
	v := s.servers[st.ID]
	if v == nil || v.Gen != st.Gen {
		return
	}
	if st.Gone {
		s.removeServer(v, st.At)
		return
	}
	if st.BuildEnd && s.endBuild(v, &st) {
		return
	}
	if st.Flavor != "" {
		v.FlavorID = st.Flavor
	}
	if st.Fault {
		v.Fault = &fault{Code: 500, Message: "No valid host was found. There are not enough hosts available.",
			Details: "Exceeded maximum number of retries.", Created: st.At}
	}
	if st.VMState == "active" && v.Launched.IsZero() {
		v.Launched = st.At
	}
	before := v.status()
	v.VMState, v.TaskState, v.Power, v.Updated = st.VMState, st.TaskState, st.Power, st.At
	if now := v.status(); now != before {
		s.record("server", v.ID, v.Name, now, st.At)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
