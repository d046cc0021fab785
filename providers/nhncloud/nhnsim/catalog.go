package nhnsim

import (
	"strings"
	"time"
)

// flavor is one instance flavor. NHN's families: u2 has a local root disk
// (disk > 0); every other family is volume-backed (disk 0) and needs a
// block_device_mapping_v2.
type flavor struct {
	ID    string
	Name  string
	VCPUs int
	RAM   int // MB
	Disk  int // GB
}

func (f flavor) family() string { return strings.SplitN(f.Name, ".", 2)[0] }

// localDisk reports whether the flavor boots from a local disk (U2).
func (f flavor) localDisk() bool { return f.family() == "u2" }

// seedIDs are ids that appear in the NHN guide's examples (seeds 002 and
// 004) and in design.md's example fleet file, given to the simulator's
// matching resources so those examples run against it unchanged.
var seedIDs = map[string]string{
	"flavor/m2.c4m8":           "a4b6a0f7-aeff-4d78-a8d5-7de9f007012d",
	"flavor/m2.c8m16":          "b5f1c148-732c-417d-9d1b-1dffca105dbe",
	"image/" + ubuntuImage:     "9956f822-29c9-4f81-9410-0c392d9c8c24",
	"subnet/" + defaultNetwork: "b83863ff-0355-4c73-8c10-0bdf66a69aab",
}

// fixedID is the id of a catalog resource: the seeds' id when they have
// one, else one derived from its kind and name.
func fixedID(kindName string) string {
	if id, ok := seedIDs[kindName]; ok {
		return id
	}
	return uuidFrom("nhnsim/" + kindName)
}

func flavorID(name string) string { return fixedID("flavor/" + name) }

func mkFlavor(name string, vcpus, ramGB, disk int) flavor {
	return flavor{ID: flavorID(name), Name: name, VCPUs: vcpus, RAM: ramGB * 1024, Disk: disk}
}

// flavorCatalog is the flavor list, in the order the API lists it.
var flavorCatalog = []flavor{
	mkFlavor("c2.c8m16", 8, 16, 0),
	mkFlavor("m2.c2m4", 2, 4, 0),
	mkFlavor("m2.c4m8", 4, 8, 0),
	mkFlavor("m2.c8m16", 8, 16, 0),
	mkFlavor("r2.c2m16", 2, 16, 0),
	mkFlavor("r2.c4m32", 4, 32, 0),
	mkFlavor("t2.c1m1", 1, 1, 0),
	mkFlavor("t2.c1m2", 1, 2, 0),
	mkFlavor("u2.c2m4", 2, 4, 20),
	mkFlavor("u2.c4m8", 4, 8, 20),
	mkFlavor("x1.c32m128", 32, 128, 0),
	mkFlavor("x1.c32m256", 32, 256, 0),
}

func flavorByID(id string) (flavor, bool) {
	for _, f := range flavorCatalog {
		if f.ID == id {
			return f, true
		}
	}
	return flavor{}, false
}

var zones = []string{"kr-pub-a", "kr-pub-b"}

// volumeType is one Cinder volume type; the name is what clients send.
type volumeType struct {
	ID, Name, Backend string
}

func (t volumeType) encrypted() bool { return strings.HasPrefix(t.Name, "Encrypted") }

var volumeTypes = []volumeType{
	{uuidFrom("nhnsim/type/General HDD"), "General HDD", "hdd_general"},
	{uuidFrom("nhnsim/type/General SSD"), "General SSD", "ssd_general"},
	{uuidFrom("nhnsim/type/Encrypted HDD"), "Encrypted HDD", "hdd_encrypted"},
	{uuidFrom("nhnsim/type/Encrypted SSD"), "Encrypted SSD", "ssd_encrypted"},
}

const defaultVolumeType = "General HDD"

func volumeTypeByName(name string) (volumeType, bool) {
	for _, t := range volumeTypes {
		if t.Name == name || t.ID == name {
			return t, true
		}
	}
	return volumeType{}, false
}

// vpc is one network (NHN: VPC) with its single subnet.
type vpc struct {
	ID, Name, SubnetID, SubnetName, CIDR string
}

const defaultNetwork = "Default Network"

var vpcs = []vpc{
	{fixedID("network/" + defaultNetwork), defaultNetwork, fixedID("subnet/" + defaultNetwork), defaultNetwork, "10.0.0.0/8"},
	{fixedID("network/vpc2"), "vpc2", fixedID("subnet/vpc2"), "vpc2-subnet", "172.16.0.0/12"},
}

// securityGroups: "test" is the group the guide's examples add and remove.
var securityGroups = []string{"default", "test", "web"}

func securityGroupID(name string) string { return uuidFrom("nhnsim/secgroup/" + name) }

const ubuntuImage = "Ubuntu Server 22.04.4 LTS (2024.06.20)"

// publicImages are the images every tenant sees.
func publicImages(t time.Time) []*image {
	mk := func(name string, minDisk, minRAM int, props map[string]string) *image {
		props["image_name"] = name
		props["description"] = name
		props["project_domain"] = "NORMAL"
		props["hypervisor_type"] = "qemu"
		props["monitoring_agent"] = "sysmon"
		props["tc_env"] = "sysmon"
		props["os_architecture"] = "amd64"
		return &image{ID: fixedID("image/" + name), Name: name, Status: "active", Visibility: "public",
			MinDisk: minDisk, MinRAM: minRAM, Size: int64(minDisk) << 30, Props: props, Owner: "nhncloud", Created: t, Updated: t}
	}
	return []*image{
		mk(ubuntuImage, 20, 1024, map[string]string{
			"os_distro": "ubuntu", "os_version": "Server 22.04 LTS", "os_type": "linux", "login_username": "ubuntu", "volume_size": "20"}),
		mk("Rocky Linux 9.4 (2024.06.20)", 20, 1024, map[string]string{
			"os_distro": "rocky", "os_version": "9.4", "os_type": "linux", "login_username": "rocky", "volume_size": "20"}),
		mk("Windows 2022 STD (2024.06.20) EN", 50, 2048, map[string]string{
			"os_distro": "Windows", "os_version": "2022 STD", "os_type": "windows", "login_username": "Administrator", "volume_size": "50"}),
	}
}
