package nhnsim

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
)

type handler func(*call)

// route picks the handler for a request and names its operation for Stats.
// It runs before the lock is taken, so it looks only at the request.
func (s *Sim) route(c *call) (handler, string) {
	seg, m := c.seg, c.r.Method
	if len(seg) == 0 {
		return notFound, "unknown"
	}
	switch seg[0] {
	case "identity":
		switch {
		case len(seg) == 1 && m == http.MethodGet:
			return identityVersions, "/identity"
		case len(seg) == 2 && seg[1] == "v2.0" && m == http.MethodGet:
			return identityVersion, "/v2.0"
		case len(seg) == 3 && seg[1] == "v2.0" && seg[2] == "tokens" && m == http.MethodPost:
			return issueToken, "/v2.0/tokens"
		}
	case "compute":
		if len(seg) == 1 && m == http.MethodGet {
			return computeVersions, "/compute"
		}
		if len(seg) >= 3 && seg[1] == "v2" {
			c.tenant = seg[2]
			h, op := routeCompute(m, seg[3:])
			if op == "/servers/{id}/action" {
				op += " " + actionKey(c.body)
			}
			return authed(h), op
		}
	case "volume":
		if len(seg) == 1 && m == http.MethodGet {
			return volumeVersions, "/volume"
		}
		if len(seg) >= 3 && seg[1] == "v2" {
			c.tenant = seg[2]
			h, op := routeVolume(m, seg[3:])
			if op == "/volumes/{id}/action" {
				op += " " + actionKey(c.body)
			}
			return authed(h), op
		}
	case "image":
		switch {
		case len(seg) == 1 && m == http.MethodGet:
			return imageVersions, "/image"
		case len(seg) == 3 && seg[1] == "v2" && seg[2] == "images" && m == http.MethodGet:
			return authedNoTenant(listImages), "/v2/images"
		case len(seg) == 4 && seg[1] == "v2" && seg[2] == "images":
			switch m {
			case http.MethodGet:
				return authedNoTenant(getImage), "/v2/images/{id}"
			case http.MethodPatch:
				return authedNoTenant(patchImage), "/v2/images/{id}"
			case http.MethodDelete:
				return authedNoTenant(deleteImage), "/v2/images/{id}"
			}
		}
	case "network":
		switch {
		case len(seg) == 1 && m == http.MethodGet:
			return networkVersions, "/network"
		case len(seg) == 3 && seg[1] == "v2.0" && m == http.MethodGet:
			switch seg[2] {
			case "networks":
				return authedNoTenant(listNetworks), "/v2.0/networks"
			case "subnets":
				return authedNoTenant(listSubnets), "/v2.0/subnets"
			case "security-groups":
				return authedNoTenant(listSecurityGroups), "/v2.0/security-groups"
			case "ports":
				return authedNoTenant(listPorts), "/v2.0/ports"
			case "floatingips":
				return authedNoTenant(listFloatingIPs), "/v2.0/floatingips"
			}
		case len(seg) == 3 && seg[1] == "v2.0" && seg[2] == "floatingips" && m == http.MethodPost:
			return authedNoTenant(createFloatingIP), "/v2.0/floatingips"
		case len(seg) == 4 && seg[1] == "v2.0" && seg[2] == "floatingips" && m == http.MethodPut:
			return authedNoTenant(updateFloatingIP), "/v2.0/floatingips/{id}"
		case len(seg) == 4 && seg[1] == "v2.0" && seg[2] == "floatingips" && m == http.MethodDelete:
			return authedNoTenant(deleteFloatingIP), "/v2.0/floatingips/{id}"
		case len(seg) == 4 && seg[1] == "v2.0" && m == http.MethodGet:
			switch seg[2] {
			case "networks":
				return authedNoTenant(getNetwork), "/v2.0/networks/{id}"
			case "subnets":
				return authedNoTenant(getSubnet), "/v2.0/subnets/{id}"
			case "security-groups":
				return authedNoTenant(getSecurityGroup), "/v2.0/security-groups/{id}"
			case "ports":
				return authedNoTenant(getPort), "/v2.0/ports/{id}"
			case "floatingips":
				return authedNoTenant(getFloatingIP), "/v2.0/floatingips/{id}"
			}
		}
	}
	return notFound, "unknown"
}

func routeCompute(m string, seg []string) (handler, string) {
	n := len(seg)
	if n == 0 {
		return notFound, "unknown"
	}
	switch seg[0] {
	case "flavors":
		switch {
		case n == 1 && m == "GET":
			return listFlavors, "/flavors"
		case n == 2 && seg[1] == "detail" && m == "GET":
			return listFlavorsDetail, "/flavors/detail"
		case n == 2 && m == "GET":
			return getFlavor, "/flavors/{id}"
		case n == 3 && seg[2] == "os-extra_specs" && m == "GET":
			return listExtraSpecs, "/flavors/{id}/os-extra_specs"
		case n == 4 && seg[2] == "os-extra_specs" && m == "GET":
			return getExtraSpec, "/flavors/{id}/os-extra_specs/{key}"
		}
	case "os-availability-zone":
		if n == 1 && m == "GET" {
			return listZones, "/os-availability-zone"
		}
	case "os-keypairs":
		switch {
		case n == 1 && m == "GET":
			return listKeypairs, "/os-keypairs"
		case n == 1 && m == "POST":
			return createKeypair, "/os-keypairs"
		case n == 2 && m == "GET":
			return getKeypair, "/os-keypairs/{name}"
		case n == 2 && m == "DELETE":
			return deleteKeypair, "/os-keypairs/{name}"
		}
	case "os-security-groups":
		if n == 1 && m == "GET" {
			return listNovaSecurityGroups, "/os-security-groups"
		}
	case "servers":
		return routeServers(m, seg)
	}
	return notFound, "unknown"
}

func routeServers(m string, seg []string) (handler, string) {
	n := len(seg)
	switch {
	case n == 1 && m == "GET":
		return listServers, "/servers"
	case n == 1 && m == "POST":
		return createServers, "/servers"
	case n == 2 && seg[1] == "detail" && m == "GET":
		return listServersDetail, "/servers/detail"
	case n == 2 && m == "GET":
		return getServer, "/servers/{id}"
	case n == 2 && m == "PUT":
		return updateServer, "/servers/{id}"
	case n == 2 && m == "DELETE":
		return deleteServer, "/servers/{id}"
	case n == 3 && seg[2] == "action" && m == "POST":
		return serverAction, "/servers/{id}/action"
	case n == 3 && seg[2] == "metadata":
		switch m {
		case "GET":
			return getMetadata, "/servers/{id}/metadata"
		case "PUT":
			return replaceMetadata, "/servers/{id}/metadata"
		case "POST":
			return mergeMetadata, "/servers/{id}/metadata"
		}
	case n == 4 && seg[2] == "metadata":
		switch m {
		case "GET":
			return getMetadatum, "/servers/{id}/metadata/{key}"
		case "PUT":
			return putMetadatum, "/servers/{id}/metadata/{key}"
		case "DELETE":
			return deleteMetadatum, "/servers/{id}/metadata/{key}"
		}
	case n == 3 && seg[2] == "tags":
		switch m {
		case "GET":
			return listTags, "/servers/{id}/tags"
		case "PUT":
			return replaceTags, "/servers/{id}/tags"
		}
	case n == 3 && seg[2] == "os-security-groups" && m == "GET":
		return listServerSecurityGroups, "/servers/{id}/os-security-groups"
	case n == 3 && seg[2] == "os-volume_attachments":
		switch m {
		case "GET":
			return listAttachments, "/servers/{id}/os-volume_attachments"
		case "POST":
			return attachVolume, "/servers/{id}/os-volume_attachments"
		}
	case n == 4 && seg[2] == "os-volume_attachments":
		switch m {
		case "GET":
			return getAttachment, "/servers/{id}/os-volume_attachments/{volumeId}"
		case "DELETE":
			return detachVolume, "/servers/{id}/os-volume_attachments/{volumeId}"
		}
	}
	return notFound, "unknown"
}

func routeVolume(m string, seg []string) (handler, string) {
	n := len(seg)
	if n == 0 {
		return notFound, "unknown"
	}
	switch {
	case seg[0] == "types" && n == 1 && m == "GET":
		return listTypes, "/types"
	case seg[0] == "types" && n == 2 && m == "GET":
		return getType, "/types/{id}"
	case seg[0] != "volumes":
	case n == 1 && m == "GET":
		return listVolumes, "/volumes"
	case n == 1 && m == "POST":
		return createVolume, "/volumes"
	case n == 2 && seg[1] == "detail" && m == "GET":
		return listVolumesDetail, "/volumes/detail"
	case n == 2 && m == "GET":
		return getVolume, "/volumes/{id}"
	case n == 2 && m == "PUT":
		return updateVolume, "/volumes/{id}"
	case n == 2 && m == "DELETE":
		return deleteVolume, "/volumes/{id}"
	case n == 3 && seg[2] == "action" && m == "POST":
		return volumeAction, "/volumes/{id}/action"
	}
	return notFound, "unknown"
}

func notFound(c *call) { writeFault(c.w, http.StatusNotFound, "The resource could not be found.") }

// authed checks the token and that the URL's tenant is the token's.
func authed(h handler) handler {
	return func(c *call) {
		if !c.checkToken() {
			return
		}
		if c.tenant != c.s.opts.TenantID {
			writeFault(c.w, http.StatusBadRequest, "Malformed request URL: URL's project_id '"+c.tenant+
				"' doesn't match Context's project_id '"+c.s.opts.TenantID+"'")
			return
		}
		h(c)
	}
}

func authedNoTenant(h handler) handler {
	return func(c *call) {
		if c.checkToken() {
			h(c)
		}
	}
}

// checkToken answers 401 the way keystonemiddleware does unless the
// X-Auth-Token is known and unexpired.
func (c *call) checkToken() bool {
	id := c.r.Header.Get("X-Auth-Token")
	t, ok := c.s.tokens[id]
	if ok && c.now.Before(t.Expires) {
		return true
	}
	c.w.Header().Set("WWW-Authenticate", `Keystone uri="`+c.base+`/identity"`)
	writeJSON(c.w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
		"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
	return false
}

// id returns path segment i below the service's tenant root.
func (c *call) id(i int) string {
	base := 3
	if c.seg[0] == "image" || c.seg[0] == "network" {
		base = 2
	}
	return c.seg[base+i]
}

// actionKey names the action of an action body for Stats: its single
// key, sorted keys joined by "," when a client sent several, "-" for none.
func actionKey(body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || len(m) == 0 {
		return "-"
	}
	return strings.Join(slices.Sorted(maps.Keys(m)), ",")
}
