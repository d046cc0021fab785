package ncloud

import (
	"context"
	"fmt"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

func (p *Provider) createVolume(ctx context.Context, o providers.Owner, v *providers.VolumeCreate) (string, error) {
	f := newForm().
		set("blockStorageName", v.Name).
		setInt("blockStorageSize", v.Size).
		set("blockStorageDescription", tagDescription("", o)).
		set("serverInstanceNo", v.ServerID). // XEN: created attached to it
		set("zoneCode", v.Zone)              // KVM: required
	switch v.Type {
	case "":
	case "SSD", "HDD":
		f.set("blockStorageDiskDetailTypeCode", v.Type)
	default:
		f.set("blockStorageVolumeTypeCode", v.Type)
	}
	return createOnce(ctx, p, o, "createBlockStorageInstance", f, func(out *blockStorageInstanceList) string {
		if len(out.BlockStorageInstanceList) == 0 {
			return ""
		}
		return out.BlockStorageInstanceList[0].BlockStorageInstanceNo
	}, func() (string, error) {
		list, err := p.c.volumes(ctx, filters(func(f *form) { f.set("blockStorageName", v.Name) }))
		if err != nil {
			return "", err
		}
		for _, b := range list {
			if _, got, ok := parseTag(b.BlockStorageDescription); ok && got == o {
				return b.BlockStorageInstanceNo, nil
			}
		}
		return "", nil
	})
}

// volume reads one volume; a missing volume is ErrNotFound.
func (p *Provider) volume(ctx context.Context, id, addr string) (blockStorageInstance, error) {
	var out blockStorageInstanceList
	if err := p.c.call(ctx, "getBlockStorageInstanceDetail", newForm().set("blockStorageInstanceNo", id), &out); err != nil {
		return blockStorageInstance{}, withAddress(err, addr)
	}
	if v := find(out.BlockStorageInstanceList, id, volumeID); v != nil {
		return *v, nil
	}
	return blockStorageInstance{}, notFound(addrs.KindVolume, id, addr)
}

// settledVolume reads a volume, first waiting for an operation in progress
// to end.
func (p *Provider) settledVolume(ctx context.Context, id, addr string) (blockStorageInstance, error) {
	v, err := p.volume(ctx, id, addr)
	if err != nil || !volumeBusy(v) {
		return v, err
	}
	if _, err := p.poller.wait(ctx, providers.WaitRequest{Kind: addrs.KindVolume, ID: id, Address: addr, Target: providers.TargetIdle}, false); err != nil {
		return v, err
	}
	return p.volume(ctx, id, addr)
}

func (p *Provider) updateVolume(ctx context.Context, req providers.UpdateRequest) error {
	id, addr := req.ID, req.Address
	v, err := p.settledVolume(ctx, id, addr)
	if err != nil {
		return err
	}
	switch c := req.Change.(type) {
	case providers.Attach:
		if v.Status.Code == "ATTAC" {
			if v.ServerInstanceNo == c.ServerID {
				return nil
			}
			return conflict(addr, "volume %s is attached to server %s, not %s; detach it first", id, v.ServerInstanceNo, c.ServerID)
		}
		f := newForm().set("serverInstanceNo", c.ServerID).set("blockStorageInstanceNo", id)
		return withAddress(p.c.call(ctx, "attachBlockStorageInstance", f, nil), addr)
	case providers.Detach:
		if v.Status.Code != "ATTAC" {
			return nil
		}
		if c.ServerID != "" && v.ServerInstanceNo != c.ServerID {
			return conflict(addr, "volume %s is attached to server %s, not %s", id, v.ServerInstanceNo, c.ServerID)
		}
		return p.serverAction(ctx, "detachBlockStorageInstances", id, addr)
	case providers.ExtendVolume:
		cur, want := int(v.BlockStorageSize/gib), c.Size
		if want == cur {
			return nil
		}
		if want < cur {
			return conflict(addr, "volume %s is %d GB; NCP volumes only grow, not to %d GB", id, cur, want)
		}
		// TF uses changeBlockStorageInstance for KVM, changeBlockStorageVolumeSize for XEN.
		op := "changeBlockStorageVolumeSize"
		if v.HypervisorType.Code == "KVM" {
			op = "changeBlockStorageInstance"
		}
		f := newForm().set("blockStorageInstanceNo", id).setInt("blockStorageSize", want)
		return withAddress(p.c.call(ctx, op, f, nil), addr)
	}
	return fmt.Errorf("ncloud: %s: a volume update must attach, detach or extend", addr)
}

func (p *Provider) deleteVolume(ctx context.Context, id, addr string) error {
	if _, err := p.settledVolume(ctx, id, addr); err != nil {
		return err
	}
	return p.serverAction(ctx, "deleteBlockStorageInstances", id, addr)
}
