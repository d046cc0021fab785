package providers

import (
	"maps"
	"slices"
)

// BatchPerMember names the ServerSpec fields that members of one batch
// create may differ in: one call makes them all, naming each by its own
// name and index. Every other field must be equal (SameBatch); a field
// added to ServerSpec without being sorted into one side or the other
// fails TestSameBatchComparesEveryField.
var BatchPerMember = []string{"Name", "Index"}

// SameBatch reports whether s and o can be created by one batch call:
// they are equal in every field but BatchPerMember.
func (s *ServerSpec) SameBatch(o *ServerSpec) bool {
	return s.Group == o.Group && s.Image == o.Image && s.Type == o.Type && s.Zone == o.Zone &&
		s.Network.VPC == o.Network.VPC && s.Network.Subnet == o.Network.Subnet &&
		slices.Equal(s.Network.SecurityGroups, o.Network.SecurityGroups) && s.Network.IP == o.Network.IP &&
		slices.Equal(s.Network.Interfaces, o.Network.Interfaces) &&
		s.Key == o.Key && s.Power == o.Power && s.Protect == o.Protect && ptrEqual(s.RootVolume, o.RootVolume) &&
		slices.Equal(s.Volumes, o.Volumes) && s.UserData == o.UserData && maps.Equal(s.Metadata, o.Metadata) &&
		s.PublicIP == o.PublicIP && s.PublicNetwork == o.PublicNetwork && s.InitScript == o.InitScript &&
		s.PlacementGroup == o.PlacementGroup && s.Billing == o.Billing && s.Description == o.Description &&
		slices.Equal(s.Partitions, o.Partitions) && s.BatchCreate == o.BatchCreate
}

// ptrEqual compares what two pointers point at; nil equals only nil.
func ptrEqual[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
