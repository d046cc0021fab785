package ncloud

import (
	"sort"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

const gib = 1 << 30

// failedServer are the server status codes that mean a failure
// (shared/api/ncp.md §3.1).
var failedServer = map[string]bool{"FSTOP": true, "SD_FL": true, "RS_FL": true, "ST_FL": true}

// serverPower is fleet's power state: running is RUN with no operation,
// stopped is NSTOP with no operation, anything else is in transition.
func serverPower(s serverInstance) spec.Power {
	if s.Operation.Code != "NULL" && s.Operation.Code != "" {
		return ""
	}
	switch s.Status.Code {
	case "RUN":
		return spec.PowerRunning
	case "NSTOP":
		return spec.PowerStopped
	}
	return ""
}

// serverSettling is the power state a server in transition ends in, read
// from its operation, else its status (shared/api/ncp.md §3.1): "" when it
// is not in transition or the end is not known (terminating, failures).
func serverSettling(s serverInstance) spec.Power {
	if serverPower(s) != "" {
		return ""
	}
	switch s.Operation.Code {
	case "START", "RESTA":
		return spec.PowerRunning
	case "SHTDN", "CHNG":
		return spec.PowerStopped
	case "TERMT":
		return ""
	}
	switch s.Status.Code {
	case "INIT", "CREAT", "RUN":
		return spec.PowerRunning
	case "NSTOP":
		return spec.PowerStopped
	}
	return ""
}

func serverBusy(s serverInstance) bool {
	return (s.Operation.Code != "NULL" && s.Operation.Code != "") || s.Status.Code == "INIT" || s.Status.Code == "CREAT"
}

// toServer converts a server; nic is its primary interface (nil when not
// looked up), vols are all volumes of the account.
func toServer(s serverInstance, o providers.Owner, userDesc string, nic *networkInterface, vols []blockStorageInstance) providers.Server {
	out := providers.Server{
		ID:       s.ServerInstanceNo,
		Name:     s.ServerName,
		Owner:    o,
		Type:     s.ServerSpecCode,
		Zone:     s.ZoneCode,
		VPC:      s.VpcNo,
		Subnet:   s.SubnetNo,
		PublicIP: s.PublicIP,
		Key:      s.LoginKeyName,
		Power:    serverPower(s),
		Settling: serverSettling(s),
		Status:   s.Status.Code,
		Busy:     serverBusy(s),
		Failed:   failedServer[s.Status.Code],
		Protect:  s.IsProtectServerTermination,
		Created:  ncpTime(s.CreateDate),
	}
	if out.Type == "" {
		out.Type = s.ServerProductCode
	}
	if s.Operation.Code != "" && s.Operation.Code != "NULL" {
		out.Status += "/" + s.Operation.Code
	}
	// The image as a fleet file may write it: a member image first, then
	// the product code, then the image number; the others are aliases.
	var images []string
	for _, im := range []string{s.MemberServerImageInstanceNo, s.ServerImageProductCode, s.ServerImageNo} {
		if im != "" {
			images = append(images, im)
		}
	}
	if len(images) > 0 {
		out.Image, out.ImageAliases = images[0], images[1:]
	}
	if len(out.ImageAliases) == 0 {
		out.ImageAliases = nil
	}
	setInterface(&out, nic)
	// The settings the planner compares (planner/replace.go reads these
	// keys), always present since the API always reports them; partitions
	// in its canonical "mount:GB" form, sorted. billing is not reported by
	// the API, so it is left out rather than guessed.
	parts := make([]string, 0, len(s.BlockDevicePartitionList))
	for _, p := range s.BlockDevicePartitionList {
		parts = append(parts, p.MountPoint+":"+string(p.PartitionSize))
	}
	sort.Strings(parts)
	out.Extra = map[string]string{
		"init_script":     s.InitScriptNo,
		"placement_group": s.PlacementGroupNo,
		"partitions":      strings.Join(parts, ","),
		"description":     userDesc,
	}
	for _, v := range vols {
		if v.ServerInstanceNo != s.ServerInstanceNo {
			continue
		}
		switch v.BlockStorageType.Code {
		case "BASIC":
			out.RootVolume = &providers.RootVolume{Size: int(v.BlockStorageSize / gib), Type: volumeType(v), Encrypted: v.IsEncryptedVolume}
		case "SVRBS":
			if v.Status.Code == "ATTAC" || v.Operation.Code == "ATTAC" {
				out.Attached = append(out.Attached, v.BlockStorageInstanceNo)
			}
		}
	}
	sort.Strings(out.Attached)
	return out
}

// ncpTime reads NCP's timestamps ("2024-09-24T18:16:19+0900", ncp.md §2);
// one it cannot read is reported as unknown (zero), not as an error: it
// only tells how long a build has taken.
func ncpTime(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05-0700", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// setInterface copies the private IP and the ACGs of a server's primary
// interface (nil when unknown).
func setInterface(s *providers.Server, nic *networkInterface) {
	if nic == nil {
		return
	}
	s.IP = nic.IP
	if len(nic.AccessControlGroupNoList) > 0 {
		s.SecurityGroups = append([]string(nil), nic.AccessControlGroupNoList...)
		sort.Strings(s.SecurityGroups)
	}
}

// volumeType is the type a fleet file writes: the KVM volume type code, or
// the XEN disk detail type (SSD, HDD).
func volumeType(v blockStorageInstance) string {
	if t := v.VolumeType.Code; t != "" && t != "SSD" && t != "HDD" {
		return t
	}
	return v.DiskDetailType.Code
}

func toVolume(v blockStorageInstance, o providers.Owner) providers.Volume {
	out := providers.Volume{
		ID:     v.BlockStorageInstanceNo,
		Name:   v.BlockStorageName,
		Owner:  o,
		Size:   int(v.BlockStorageSize / gib),
		Type:   volumeType(v),
		Zone:   v.ZoneCode,
		Status: v.Status.Code,
		Busy:   volumeBusy(v),
	}
	if v.Status.Code == "ATTAC" {
		out.ServerID = v.ServerInstanceNo
	}
	if op := v.Operation.Code; op != "" && op != "NULL" {
		out.Status += "/" + op
	}
	return out
}

// volumeBusy: an operation is in progress, or the volume is still being
// created (INIT).
func volumeBusy(v blockStorageInstance) bool {
	return (v.Operation.Code != "" && v.Operation.Code != "NULL") || v.Status.Code == "INIT"
}

func toImage(im memberServerImage, o providers.Owner) providers.Image {
	return providers.Image{
		ID:             im.MemberServerImageInstanceNo,
		Name:           im.MemberServerImageName,
		Owner:          o,
		SourceServerID: im.OriginalServerInstanceNo,
		Status:         im.Status.Code,
		Ready:          im.Status.Code == "CREAT" && (im.Operation.Code == "" || im.Operation.Code == "NULL"),
	}
}

// typeInfo converts a spec. Family and disk type come from the product code
// (SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002): the spec list has no
// product type field.
func typeInfo(s serverSpec) providers.TypeInfo {
	ti := providers.TypeInfo{
		Name:     s.ServerSpecCode,
		ID:       s.ServerProductCode,
		CPUs:     s.CPUCount,
		MemoryMB: int(s.MemorySize >> 20),
	}
	parts := strings.Split(s.ServerProductCode, ".")
	if len(parts) > 2 {
		ti.Family = parts[2]
	}
	for _, p := range parts {
		if p == "SSD" || p == "HDD" {
			ti.DiskType = p
		}
	}
	return ti
}
