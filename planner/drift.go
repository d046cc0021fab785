package planner

import (
	"sort"
	"strconv"
	"strings"

	"github.com/fleet-iac/fleet/providers"
)

// DriftKind is what the refresh found at an address.
type DriftKind string

const (
	DriftChanged DriftKind = "changed" // attributes differ from what fleet last recorded
	DriftDeleted DriftKind = "deleted" // the resource is gone from the cloud
)

// changeList collects field changes, skipping equal values.
type changeList []FieldChange

func (l *changeList) add(path FieldPath, from, to string) {
	if from != to {
		*l = append(*l, FieldChange{Path: path, From: from, To: to})
	}
}

// sorted returns the changes sorted by path.
func (l changeList) sorted() []FieldChange {
	sort.Slice(l, func(i, j int) bool { return l[i].Path < l[j].Path })
	return l
}

// serverDrift compares what fleet recorded with what the cloud reports now:
// the attributes a person can change in the console.
func serverDrift(was, now *providers.Server) []FieldChange {
	if was == nil {
		return nil
	}
	var l changeList
	l.add(FieldName, was.Name, now.Name)
	l.add(FieldType, was.Type, now.Type)
	if now.Power != "" && was.Power != "" { // "" is a transition in progress, not a state
		l.add(FieldPower, string(was.Power), string(now.Power))
	}
	if now.Image != was.Image && !contains(now.ImageAliases, was.Image) {
		l.add(FieldImage, was.Image, now.Image)
	}
	l.add(FieldSecurityGroups, joinSorted(was.SecurityGroups), joinSorted(now.SecurityGroups))
	l.add(FieldProtect, strconv.FormatBool(was.Protect), strconv.FormatBool(now.Protect))
	l.add(FieldPublicIP, orNone(was.PublicIP), orNone(now.PublicIP)) // associated or released in the console
	metadataChanges(&l, was.Metadata, now.Metadata)
	if was.RootVolume != nil && now.RootVolume != nil {
		l.add(FieldRootSize, strconv.Itoa(was.RootVolume.Size), strconv.Itoa(now.RootVolume.Size))
	}
	return l.sorted()
}

// volumeDrift compares a volume's recorded and current size and attachment.
func volumeDrift(was, now *providers.Volume) []FieldChange {
	if was == nil {
		return nil
	}
	var l changeList
	l.add(FieldSize, strconv.Itoa(was.Size), strconv.Itoa(now.Size))
	l.add(FieldServerID, orNone(was.ServerID), orNone(now.ServerID))
	return l.sorted()
}

// keypairDrift reports a keypair replaced under the same name.
func keypairDrift(was, now *providers.Keypair) []FieldChange {
	if was == nil || was.Fingerprint == "" || now.Fingerprint == "" {
		return nil
	}
	var l changeList
	l.add(FieldFingerprint, was.Fingerprint, now.Fingerprint)
	return l.sorted()
}

// metadataChanges adds one change per metadata key that differs.
func metadataChanges(l *changeList, from, to map[string]string) {
	for _, k := range sortedKeys(from) {
		t, ok := to[k]
		if !ok {
			t = "(none)"
		}
		l.add(MetadataKey(k), from[k], t)
	}
	for _, k := range sortedKeys(to) {
		if _, ok := from[k]; !ok {
			l.add(MetadataKey(k), "(none)", to[k])
		}
	}
}

func joinSorted(s []string) string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return strings.Join(c, ",")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
