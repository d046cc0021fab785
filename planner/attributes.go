package planner

import "github.com/fleet-iac/fleet/providers"

// createAttributes is what a create action will make, for --json readers:
// the fleet file's fields under the fleet file's names. User data is left
// out (it may hold secrets): user_data_set says whether there is some.
// It is nil for actions that create nothing.
func createAttributes(a *Action) map[string]any {
	if a.Type != Create {
		return nil
	}
	switch {
	case a.NewServer() != nil:
		return serverAttributes(a.NewServer(), a.Provider)
	case a.IsBatch():
		// The members are alike but for their names (Members lists them).
		attrs := serverAttributes(a.BatchMembers()[0].Server, a.Provider)
		delete(attrs, "name")
		return attrs
	case a.Create != nil && a.Create.Volume != nil:
		v := a.Create.Volume
		return map[string]any{"name": v.Name, "size": v.Size, "type": v.Type, "server": a.Create.ServerAddr}
	case a.Create != nil && a.Create.Keypair != nil:
		return map[string]any{"name": a.Create.Keypair.Name, "public_key_file": a.Create.Keypair.PublicKeyFile}
	}
	return nil
}

func serverAttributes(s *providers.ServerSpec, provider string) map[string]any {
	network := map[string]any{"vpc": s.Network.VPC, "subnet": s.Network.Subnet, "security_groups": nonNil(s.Network.SecurityGroups), "ip": s.Network.IP}
	volumes := make([]map[string]any, 0, len(s.Volumes))
	for _, v := range s.Volumes {
		volumes = append(volumes, map[string]any{"name": v.Name, "size": v.Size, "type": v.Type})
	}
	partitions := make([]map[string]any, 0, len(s.Partitions))
	for _, p := range s.Partitions {
		partitions = append(partitions, map[string]any{"mount_point": p.MountPoint, "size": p.Size})
	}
	attrs := map[string]any{
		"name": s.Name, "provider": provider, "image": s.Image, "type": s.Type, "zone": s.Zone,
		"network": network, "key": s.Key, "power": s.Power, "protect": s.Protect,
		"volumes": volumes, "partitions": partitions, "metadata": s.Metadata,
		"public_ip": s.PublicIP, "public_network": s.PublicNetwork, "init_script": s.InitScript, "placement_group": s.PlacementGroup,
		"billing": s.Billing, "description": s.Description, "batch_create": s.BatchCreate,
		"user_data_set": s.UserData != "",
	}
	if s.Metadata == nil {
		attrs["metadata"] = map[string]string{}
	}
	if s.RootVolume != nil {
		attrs["root_volume"] = map[string]any{"size": s.RootVolume.Size, "type": s.RootVolume.Type, "encrypted": s.RootVolume.Encrypted}
	}
	return attrs
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
