package nhnsim

import (
	"net/http"
	"strconv"
)

func (c *call) flavorRef(f flavor) map[string]any {
	return map[string]any{"id": f.ID, "name": f.Name, "links": c.links(c.computeBase(), "flavors/"+f.ID)}
}

func (c *call) flavorDetail(f flavor) map[string]any {
	m := c.flavorRef(f)
	m["ram"], m["vcpus"], m["disk"] = f.RAM, f.VCPUs, f.Disk
	m["swap"] = ""
	m["OS-FLV-DISABLED:disabled"] = false
	m["os-flavor-access:is_public"] = true
	m["rxtx_factor"] = 1.0
	m["OS-FLV-EXT-DATA:ephemeral"] = 0
	m["extra_specs"] = f.extraSpecs()
	return m
}

// extraSpecs are a flavor's key/value properties, shown in its detail and
// served by os-extra_specs.
func (f flavor) extraSpecs() map[string]string {
	return map[string]string{"flavor_type": "performance"}
}

// listExtraSpecs answers GET /flavors/{id}/os-extra_specs with
// {"extra_specs": {...}} (Nova compute API reference, "List Extra Specs
// For A Flavor"; terraform-provider-openstack's flavor data source reads
// it on every refresh).
func listExtraSpecs(c *call) {
	f, ok := flavorByID(c.id(1))
	if !ok {
		writeFault(c.w, http.StatusNotFound, "Flavor "+c.id(1)+" could not be found.")
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"extra_specs": f.extraSpecs()})
}

// getExtraSpec answers GET /flavors/{id}/os-extra_specs/{key} with
// {"<key>": "<value>"}, or 404 with Nova's message for a missing key
// (Nova compute API reference, "Show An Extra Spec For A Flavor").
func getExtraSpec(c *call) {
	f, ok := flavorByID(c.id(1))
	if !ok {
		writeFault(c.w, http.StatusNotFound, "Flavor "+c.id(1)+" could not be found.")
		return
	}
	key := c.id(3)
	v, ok := f.extraSpecs()[key]
	if !ok {
		writeFault(c.w, http.StatusNotFound, "Flavor "+f.ID+" has no extra specs with key "+key+".")
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]string{key: v})
}

// filteredFlavors applies minDisk and minRam (Nova: greater than or equal).
func (c *call) filteredFlavors() ([]flavor, bool) {
	q := c.r.URL.Query()
	minDisk, minRAM := 0, 0
	for name, dst := range map[string]*int{"minDisk": &minDisk, "minRam": &minRAM} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeFault(c.w, http.StatusBadRequest, "Invalid "+name+" filter ["+v+"]")
				return nil, false
			}
			*dst = n
		}
	}
	var out []flavor
	for _, f := range flavorCatalog {
		if f.Disk >= minDisk && f.RAM >= minRAM {
			out = append(out, f)
		}
	}
	return out, true
}

func listFlavors(c *call) {
	fs, ok := c.filteredFlavors()
	if !ok {
		return
	}
	out := make([]any, len(fs))
	for i, f := range fs {
		out[i] = c.flavorRef(f)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"flavors": out})
}

func listFlavorsDetail(c *call) {
	fs, ok := c.filteredFlavors()
	if !ok {
		return
	}
	out := make([]any, len(fs))
	for i, f := range fs {
		out[i] = c.flavorDetail(f)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"flavors": out})
}

func getFlavor(c *call) {
	f, ok := flavorByID(c.id(1))
	if !ok {
		writeFault(c.w, http.StatusNotFound, "Flavor "+c.id(1)+" could not be found.")
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"flavor": c.flavorDetail(f)})
}

func listZones(c *call) {
	out := make([]any, len(zones))
	for i, z := range zones {
		out[i] = map[string]any{"zoneName": z, "zoneState": map[string]bool{"available": true}, "hosts": nil}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"availabilityZoneInfo": out})
}
