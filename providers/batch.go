package providers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
)

// ServerBatcher is implemented by providers whose cloud creates several
// servers in one call (NCP serverCreateCount, NHN max_count). Batching cuts
// the create calls of a large count group by up to twenty, which is what
// bounds a big apply under a request budget: every build starts within
// seconds instead of one budget slot at a time.
//
// A batch is a run of consecutive members of one count group that are alike
// but for their names. The cloud names the members itself (NCP NAME-011,
// NHN NAME-1 ... in every batch), so every member carries the group tag
// (GroupTag) and its address is read back from its name (ParseGroupTag,
// MemberAddress). The planner decides the batches and, from
// BatchMemberName, plans a rename for each member whose cloud name is not
// its declared one. A run killed between the two leaves a name the next
// plan corrects with a rename.
type ServerBatcher interface {
	ServerBatchSizer

	// CreateServers creates the members in one call (adopting them after an
	// ambiguous failure, as Create does) and returns one entry per member,
	// in request order.
	CreateServers(ctx context.Context, req CreateServersRequest) (CreateServersResponse, error)
}

// ServerBatchSizer is what planning needs of a ServerBatcher: how many
// members one call takes and what the cloud names them. The planner decides
// the batches and the renames that follow, so that a plan lists every call
// its apply makes; it gets these through planner.Input without importing
// a concrete provider.
type ServerBatchSizer interface {
	// ServerBatchSize says how many members of s's group, s first, one call
	// may create, given that n consecutive alike members (s included) are
	// waiting: 1 when s cannot be batched (fixed IP, public IP, boot from
	// a volume, a name too long for the cloud's suffix, ...).
	ServerBatchSize(s *ServerSpec, n int) int

	// BatchMemberName is the name the cloud gives member s of a batch whose
	// first member has index first (NCP web-011, NHN web-3 for member 13 of
	// a batch from 11). Where it is not s.Name, a rename follows.
	BatchMemberName(s *ServerSpec, first int) string
}

// CreateServersRequest creates consecutive members of one count group:
// Servers[i].Index is Servers[0].Index+i, and all are alike but for Name
// and Index.
type CreateServersRequest struct {
	Fleet   string
	Servers []*ServerSpec
	ImageID string // as ServerCreate.ImageID
}

// CreateServersResponse has one entry per requested member.
type CreateServersResponse struct {
	Created []CreatedServer
}

// CreatedServer is one member as the cloud created it.
type CreatedServer struct {
	ID   string
	Name string // the cloud's name for it, which may differ from the declared one until renamed
}

// GroupTag is the owner address a batch's members share:
// "server/GROUP-[FIRST-LAST]".
func GroupTag(group string, first, last int) string { return GroupAddress(group, first, last).String() }

// GroupAddress is the address a batch create acts on: its GroupTag.
func GroupAddress(group string, first, last int) addrs.Address {
	return addrs.Server(fmt.Sprintf("%s-[%d-%d]", group, first, last))
}

// ParseGroupTag reads a GroupTag; ok is false for any other address.
func ParseGroupTag(address string) (group string, first, last int, ok bool) {
	a, err := addrs.Parse(address)
	rest := a.Name
	if err != nil || a.Kind != addrs.KindServer || !strings.HasSuffix(rest, "]") {
		return "", 0, 0, false
	}
	i := strings.LastIndex(rest, "-[")
	if i <= 0 {
		return "", 0, 0, false
	}
	lo, hi, found := strings.Cut(rest[i+2:len(rest)-1], "-")
	if !found {
		return "", 0, 0, false
	}
	first, err1 := strconv.Atoi(lo)
	last, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || first < 1 || last < first {
		return "", 0, 0, false
	}
	return rest[:i], first, last, true
}

// MemberAddress is the address of a server that carries the group tag
// "server/GROUP-[FIRST-LAST]" and is named name. A name GROUP-K with K in
// [FIRST, LAST] (leading zeros allowed: NCP pads to three digits) is
// member K. raw says how the cloud numbers a batch it names itself: rawFrom1
// for clouds that number every batch from 1 (NHN), so GROUP-K with K in
// [1, LAST-FIRST+1] is member FIRST-1+K; the batches fleet makes never let
// the two readings overlap. Any other name is a server renamed since
// (moved), whose address is its name.
func MemberAddress(group string, first, last int, name string, rawFrom1 bool) string {
	if k, ok := memberNumber(group, name); ok {
		if k >= first && k <= last {
			return addrs.Server(fmt.Sprintf("%s-%d", group, k)).String()
		}
		if rawFrom1 && k >= 1 && k <= last-first+1 {
			return addrs.Server(fmt.Sprintf("%s-%d", group, first-1+k)).String()
		}
	}
	return addrs.Server(name).String()
}

// TagAddress is the address an owner tag gives a server named name: the
// member's (MemberAddress) for a group tag, the tag's own otherwise. group
// says which it was.
func TagAddress(tag, name string, rawFrom1 bool) (address string, group bool) {
	g, first, last, ok := ParseGroupTag(tag)
	if !ok {
		return tag, false
	}
	return MemberAddress(g, first, last, name, rawFrom1), true
}

// memberNumber reads K from GROUP-K.
func memberNumber(group, name string) (int, bool) {
	digits, ok := strings.CutPrefix(name, group+"-")
	if !ok || digits == "" || len(digits) > 9 {
		return 0, false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	k, err := strconv.Atoi(digits)
	return k, err == nil
}
