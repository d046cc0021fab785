package planner

import "strings"

// FieldPath names one attribute of a resource in a FieldChange: type,
// network.subnet, metadata.KEY, ... Decisions about changes (which action
// carries them, what an ignore: list drops, what moves a server) compare
// these constants, never text spelled at the call.
type FieldPath string

// The server attributes the rules table (replace.go) compares, and the
// other paths changes are reported under.
const (
	FieldImage          FieldPath = "image"
	FieldType           FieldPath = "type"
	FieldZone           FieldPath = "zone"
	FieldVPC            FieldPath = "network.vpc"
	FieldSubnet         FieldPath = "network.subnet"
	FieldIP             FieldPath = "network.ip"
	FieldInterfaces     FieldPath = "network.interfaces"
	FieldSecurityGroups FieldPath = "network.security_groups"
	FieldKey            FieldPath = "key"
	FieldPower          FieldPath = "power"
	FieldProtect        FieldPath = "protect"
	FieldMetadata       FieldPath = "metadata" // metadata.KEY under it: MetadataKey
	FieldRootSize       FieldPath = "root_volume.size"
	FieldRootType       FieldPath = "root_volume.type"
	FieldRootEncrypted  FieldPath = "root_volume.encrypted"
	FieldPublicIP       FieldPath = "public_ip"
	FieldInitScript     FieldPath = "init_script"
	FieldPlacementGroup FieldPath = "placement_group"
	FieldBilling        FieldPath = "billing"
	FieldPartitions     FieldPath = "partitions"
	FieldDescription    FieldPath = "description"
	FieldUserData       FieldPath = "user_data"
	FieldName           FieldPath = "name"     // a rename
	FieldProvider       FieldPath = "provider" // moving to another provider (forces a replacement)
	FieldStatus         FieldPath = "status"   // a failed server (forces a replacement)
	FieldSize           FieldPath = "size"     // volumes
	FieldServerID       FieldPath = "server_id"
	FieldFingerprint    FieldPath = "fingerprint" // keypairs
	metadataKeyPrefix             = string(FieldMetadata) + "."
)

// MetadataKey is the path of one user metadata key: metadata.KEY.
func MetadataKey(key string) FieldPath { return FieldPath(metadataKeyPrefix + key) }

// InMetadata reports whether p is a metadata.KEY path.
func (p FieldPath) InMetadata() bool { return strings.HasPrefix(string(p), metadataKeyPrefix) }

// MetadataKey is KEY of a metadata.KEY path; ok is false for other paths.
func (p FieldPath) MetadataKey() (key string, ok bool) {
	return strings.CutPrefix(string(p), metadataKeyPrefix)
}
