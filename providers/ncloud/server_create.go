package ncloud

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

var digits = regexp.MustCompile(`^[0-9]+$`)

// serverForm maps a desired server to createServerInstances parameters
// (seed 000). acgs are the ACGs of NIC order 0.
func serverForm(s *providers.ServerSpec, imageID string, o providers.Owner, acgs []string) (*form, error) {
	f := newForm().
		set("serverName", s.Name).
		set("serverDescription", tagDescription(s.Description, o)).
		setInt("serverCreateCount", 1).
		set("vpcNo", s.Network.VPC).
		set("subnetNo", s.Network.Subnet).
		set("loginKeyName", s.Key).
		set("initScriptNo", s.InitScript).
		set("placementGroupNo", s.PlacementGroup).
		setBool("isProtectServerTermination", s.Protect)
	// Image: a declared image (member server image), an image number, or
	// an image product code (SW.VSVR.…).
	switch {
	case imageID != "":
		f.set("memberServerImageInstanceNo", imageID)
	case declaredImage(s):
		return nil, fmt.Errorf("ncloud: %s: image %s has no id yet", s.Address(), s.Image)
	case digits.MatchString(s.Image):
		f.set("serverImageNo", s.Image)
	default:
		f.set("serverImageProductCode", s.Image)
	}
	// Type: a product code (SVR.VSVR.…) or a spec code (s2-g2-s50).
	if strings.HasPrefix(s.Type, "SVR.") {
		f.set("serverProductCode", s.Type)
	} else {
		f.set("serverSpecCode", s.Type)
	}
	switch s.Billing {
	case "":
	case "hourly":
		f.set("feeSystemTypeCode", "MTRAT")
	case "monthly":
		f.set("feeSystemTypeCode", "FXSUM")
	default:
		return nil, fmt.Errorf("ncloud: %s: billing %q: want hourly or monthly", s.Address(), s.Billing)
	}
	if s.PublicIP {
		f.setBool("associateWithPublicIp", true)
	}
	nic := item("networkInterfaceList", 0)
	f.setInt(nic+".networkInterfaceOrder", 0).set(nic+".ip", s.Network.IP).list(nic+".accessControlGroupNoList", acgs)
	// Existing interfaces (seed 000: networkInterfaceList.N.networkInterfaceNo)
	// take the orders 0, 1, 2 in the fleet file's order; each keeps its own
	// subnet, address and ACGs unless security_groups names NIC 0's.
	for i, no := range s.Network.Interfaces {
		pre := item("networkInterfaceList", i)
		f.setInt(pre+".networkInterfaceOrder", i).set(pre+".networkInterfaceNo", no)
	}
	if rv := s.RootVolume; rv != nil {
		if rv.Encrypted {
			f.setBool("isEncryptedBaseBlockStorageVolume", true)
		}
		if rv.Size > 0 || rv.Type != "" {
			m := item("blockStorageMappingList", 0)
			f.setInt(m+".order", 0).set(m+".blockStorageVolumeTypeCode", rv.Type)
			if rv.Size > 0 {
				f.set(m+".blockStorageSize", strconv.Itoa(rv.Size))
			}
		}
	}
	for i, p := range s.Partitions {
		pre := item("blockDevicePartitionList", i)
		f.set(pre+".mountPoint", p.MountPoint).set(pre+".partitionSize", strconv.Itoa(p.Size))
	}
	return f, nil
}

// createServer creates one server. A create is never repeated blindly:
// after a 5xx or a timeout the server may exist, so it is looked up by its
// owner tag and adopted when found (the classic source of duplicates).
func (p *Provider) createServer(ctx context.Context, o providers.Owner, sc *providers.ServerCreate) (string, error) {
	s := sc.Spec
	if s == nil {
		return "", fmt.Errorf("ncloud: %s: create without a server spec", o.Address)
	}
	f, err := p.createForm(ctx, s, sc.ImageID, o)
	if err != nil {
		return "", err
	}
	return createOnce(ctx, p, o, "createServerInstances", f, func(out *serverInstanceList) string {
		if len(out.ServerInstanceList) == 0 {
			return ""
		}
		return out.ServerInstanceList[0].ServerInstanceNo
	}, func() (string, error) { return p.findServer(ctx, s.Name, o) })
}

// createForm is serverForm with NIC 0's ACGs filled in: without declared
// security groups it takes the VPC's default ACG, which NIC 0 needs.
func (p *Provider) createForm(ctx context.Context, s *providers.ServerSpec, imageID string, o providers.Owner) (*form, error) {
	acgs := s.Network.SecurityGroups
	if len(acgs) == 0 && len(s.Network.Interfaces) == 0 {
		def, err := p.defaultACG(ctx, s.Network.VPC)
		if err != nil {
			return nil, withAddress(err, o.Address)
		}
		acgs = def
	}
	return serverForm(s, imageID, o, acgs)
}

// createOnce runs a create of one resource, adopting it after an ambiguous
// failure; lookup answers "" when the resource does not exist.
func createOnce[T any](ctx context.Context, p *Provider, o providers.Owner, op string, f *form, id func(*T) string, lookup func() (string, error)) (string, error) {
	return createAdopting(ctx, p, o.Address, op, f, func(out *T) (string, error) {
		if got := id(out); got != "" {
			return got, nil
		}
		return "", fmt.Errorf("ncloud: %s: %s answered without an id", o.Address, op)
	}, func() (string, bool, error) {
		found, err := lookup()
		return found, found != "", err
	})
}

// createAdopting runs a create and reads its result. After an ambiguous
// failure (5xx, timeout) what it made may exist: lookup finds it (found) or
// says nothing was made, and only then is the call sent again.
func createAdopting[T, R any](ctx context.Context, p *Provider, addr, op string, f *form, result func(*T) (R, error), lookup func() (R, bool, error)) (R, error) {
	var zero R
	b := backoff.Backoff{Policy: p.c.retryPolicy()}
	for {
		var out T
		err := p.c.callOnce(ctx, op, f, &out)
		if err == nil {
			return result(&out)
		}
		var ae *providers.APIError
		if !errors.As(err, &ae) || !ae.Retryable || !ambiguous(ae) {
			return zero, withAddress(err, addr)
		}
		found, ok, lerr := lookup()
		if lerr != nil {
			return zero, withAddress(fmt.Errorf("%w; looking it up: %w", err, lerr), addr)
		}
		if ok {
			p.c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "ncloud adopted after an ambiguous failure", slog.String("address", addr), slog.Any("id", found))
			return found, nil
		}
		if b.Attempts() >= p.c.cfg.MaxRetries {
			return zero, withAddress(err, addr)
		}
		if err := b.Wait(ctx, ae.RetryAfter); err != nil {
			return zero, fmt.Errorf("ncloud: %s: %w", addr, err)
		}
	}
}

// findServer returns the id of the server named name that carries o.
func (p *Provider) findServer(ctx context.Context, name string, o providers.Owner) (string, error) {
	list, err := p.c.servers(ctx, filters(func(f *form) { f.set("serverName", name) }))
	if err != nil {
		return "", err
	}
	for _, s := range list {
		if _, got, ok := serverOwner(s); ok && got == o {
			return s.ServerInstanceNo, nil
		}
	}
	return "", nil
}

// defaultACG returns the VPC's default ACG: NIC order 0 needs one.
func (p *Provider) defaultACG(ctx context.Context, vpc string) ([]string, error) {
	var out accessControlGroupList
	if err := p.c.call(ctx, "getAccessControlGroupList", newForm().set("vpcNo", vpc), &out); err != nil {
		return nil, err
	}
	for _, g := range out.AccessControlGroupList {
		if g.IsDefault && (vpc == "" || g.VpcNo == "" || g.VpcNo == vpc) {
			return []string{g.AccessControlGroupNo}, nil
		}
	}
	return nil, nil
}

// declaredImage reports whether s boots from an image of the images block.
func declaredImage(s *providers.ServerSpec) bool {
	_, ok := s.DeclaredImage()
	return ok
}
