package providers

import "github.com/fleet-iac/fleet/spec"

// Change is the one in-place change an UpdateRequest makes. The types
// below are the only ones (isChange is unexported), so a request holds
// exactly one change by construction and providers switch on its type.
type Change interface{ isChange() }

// Resize changes a server's type (spec code / flavor name).
type Resize struct{ Type string }

// PowerChange moves a server to spec.PowerRunning, PowerStopped or PowerShelved.
type PowerChange struct{ To spec.Power }

// Reboot restarts a running server. Hard is NHN Cloud's HARD reboot (a
// power cycle); NCP has one kind of reboot and ignores it.
type Reboot struct{ Hard bool }

// Attachment names a volume and a server.
type Attachment struct{ VolumeID, ServerID string }

// Attach attaches a volume to a server.
type Attach Attachment

// Detach detaches a volume from a server; ServerID "" detaches it from
// whichever server holds it.
type Detach Attachment

// Rename gives a server a new name and owner address.
type Rename struct {
	Name  string
	Owner Owner
	// NameOnly: the address stays (a batch member getting its declared
	// name), and the owner tag already yields it from the new name, so only
	// the name is sent.
	NameOnly bool
}

// Protect sets (On) or clears a server's termination protection.
type Protect struct{ On bool }

// SecurityGroups is a server's complete list of security groups / ACGs.
type SecurityGroups struct{ Names []string }

// Metadata is a server's complete user metadata.
type Metadata struct{ Values map[string]string }

// ExtendVolume grows a volume to Size GB (grow only).
type ExtendVolume struct{ Size int }

// Tag puts fleet's owner tag on a server or volume made by other means
// (import).
type Tag struct{ Owner Owner }

// PublicIPChange turns a server's public address on or off. On: an owned
// address left unassociated (Server.PublicIPPending) is adopted, else one is
// allocated with Owner's tag and associated. Off: the associated address
// and any pending one are disassociated and released.
type PublicIPChange struct {
	On      bool
	Owner   Owner  // the tag a new address carries (NCP publicIpDescription, NHN floating IP description)
	Network string // NHN: the external network to allocate from, by name or id; "" when there is one
}

func (Resize) isChange()         {}
func (PowerChange) isChange()    {}
func (Reboot) isChange()         {}
func (Attach) isChange()         {}
func (Detach) isChange()         {}
func (Rename) isChange()         {}
func (Protect) isChange()        {}
func (SecurityGroups) isChange() {}
func (Metadata) isChange()       {}
func (ExtendVolume) isChange()   {}
func (Tag) isChange()            {}
func (PublicIPChange) isChange() {}
