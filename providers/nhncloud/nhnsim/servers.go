package nhnsim

import (
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

func listServers(c *call)       { c.listServers(false) }
func listServersDetail(c *call) { c.listServers(true) }

// serverFilter is the query of a server list (nhn.md §2.1).
type serverFilter struct {
	name           *regexp.Regexp
	status         string
	flavor, image  string
	reservation    string
	since          time.Time
	includeDeleted bool
}

func (f *serverFilter) match(v *server) bool {
	switch {
	case f.name != nil && !f.name.MatchString(v.Name),
		f.status != "" && v.status() != f.status,
		f.flavor != "" && v.FlavorID != f.flavor,
		f.image != "" && v.ImageID != f.image,
		f.reservation != "" && v.Reservation != f.reservation,
		!f.since.IsZero() && v.Updated.Before(f.since):
		return false
	}
	return true
}

// parseSince accepts the documented YYYY-MM-DDThh:mm:ss and the RFC 3339
// forms clients send (gophercloud sends RFC 3339).
func parseSince(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// listServers pages newest first, as Nova does (created_at desc). Servers
// are kept in creation order, so a page is a walk back from the marker,
// never a sort.
func (c *call) listServers(detail bool) {
	q := c.r.URL.Query()
	limit := c.s.opts.DefaultLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			writeFault(c.w, http.StatusBadRequest, "limit param must be an integer")
			return
		}
		if n < 0 {
			writeFault(c.w, http.StatusBadRequest, "limit param must be positive")
			return
		}
		limit = n
	}
	limit = min(limit, c.s.opts.MaxLimit)
	var f serverFilter
	if n := q.Get("name"); n != "" {
		re, err := regexp.Compile(n)
		if err != nil {
			writeFault(c.w, http.StatusBadRequest, "Invalid filter field: name.")
			return
		}
		f.name = re
	}
	f.status = strings.ToUpper(q.Get("status"))
	f.flavor, f.image, f.reservation = q.Get("flavor"), q.Get("image"), q.Get("reservation_id")
	if cs := q.Get("changes-since"); cs != "" {
		t, ok := parseSince(cs)
		if !ok {
			writeFault(c.w, http.StatusBadRequest, "Invalid filter field: changes-since.")
			return
		}
		f.since, f.includeDeleted = t, true
	}
	markerSeq := uint64(math.MaxUint64)
	if m := q.Get("marker"); m != "" {
		v := c.s.servers[m]
		if v == nil && f.includeDeleted {
			v = c.s.tombstone(m)
		}
		if v == nil {
			writeFault(c.w, http.StatusBadRequest, "marker ["+m+"] not found")
			return
		}
		markerSeq = v.Seq
	}
	live, dead := c.s.d.Servers, []*server(nil)
	if f.includeDeleted {
		dead = c.s.d.Deleted
	}
	i := sort.Search(len(live), func(k int) bool { return live[k].Seq >= markerSeq }) - 1
	j := sort.Search(len(dead), func(k int) bool { return dead[k].Seq >= markerSeq }) - 1
	page := make([]*server, 0, min(limit, 1000))
	for len(page) < limit && (i >= 0 || j >= 0) {
		var v *server
		if j < 0 || (i >= 0 && live[i].Seq > dead[j].Seq) {
			v, i = live[i], i-1
		} else {
			v, j = dead[j], j-1
		}
		if f.match(v) {
			page = append(page, v)
		}
	}
	body := map[string]any{}
	if detail {
		views := make([]serverView, len(page))
		for k, v := range page {
			views[k] = c.serverView(v)
		}
		body["servers"] = views
	} else {
		refs := make([]serverRef, len(page))
		for k, v := range page {
			refs[k] = serverRef{v.ID, c.links(c.computeBase(), "servers/"+v.ID), v.Name}
		}
		body["servers"] = refs
	}
	// Nova links the next page exactly when this one is full.
	if len(page) > 0 && len(page) == limit {
		q.Set("marker", page[len(page)-1].ID)
		path := "/servers"
		if detail {
			path += "/detail"
		}
		body["servers_links"] = []link{{c.computeBase() + "/v2/" + c.tenant + path + "?" + q.Encode(), "next"}}
	}
	writeJSON(c.w, http.StatusOK, body)
}

func (s *Sim) tombstone(id string) *server {
	for _, v := range s.d.Deleted {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// server finds the server of the URL or answers 404.
func (c *call) server() *server {
	id := c.id(1)
	v := c.s.servers[id]
	if v == nil {
		writeFault(c.w, http.StatusNotFound, "Instance "+id+" could not be found.")
	}
	return v
}

func getServer(c *call) {
	if v := c.server(); v != nil {
		writeJSON(c.w, http.StatusOK, map[string]any{"server": c.serverView(v)})
	}
}

// updateServer renames (nhn.md §2.4); other documented-immutable fields are ignored.
func updateServer(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	var req struct {
		Server *struct {
			Name *string `json:"name"`
		} `json:"server"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Server == nil {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute server.")
		return
	}
	if n := req.Server.Name; n != nil {
		if *n == "" || len(*n) > 255 || strings.TrimSpace(*n) != *n {
			writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute name.")
			return
		}
		v.Name = *n
		v.Updated = c.now
		c.s.markDirty()
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"server": c.serverView(v)})
}

// deleteServer starts an asynchronous delete: task deleting with the status
// unchanged, then gone (nhn.md §2.5). Allowed in any state.
func deleteServer(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	if v.TaskState != "deleting" {
		c.s.setServer(v, v.VMState, "deleting", v.Power, c.now)
		c.s.d.schedule(step{At: c.now.Add(c.s.inj.Behaviour().Scaled(0.25)), Kind: "server", ID: v.ID, Gen: v.Gen, Gone: true})
		c.s.markDirty()
	}
	noContent(c.w, http.StatusNoContent)
}

// setServer moves a server to a state, supersedes its scheduled steps and
// records a status change.
func (s *Sim) setServer(v *server, vm, task string, power int, at time.Time) {
	before := v.status()
	v.VMState, v.TaskState, v.Power, v.Updated = vm, task, power, at
	v.Gen++
	if st := v.status(); st != before {
		s.record("server", v.ID, v.Name, st, at)
	}
}

// removeServer completes a delete: delete-on-termination volumes go, the
// others are detached, and a tombstone stays for changes-since.
func (s *Sim) removeServer(v *server, at time.Time) {
	s.releasePorts(v.ID, at)
	for _, vid := range v.Volumes {
		vol := s.volumes[vid]
		if vol == nil {
			continue
		}
		if vol.DeleteOnTerm {
			s.removeVolume(vol, at)
			continue
		}
		vol.ServerID, vol.Device, vol.AttachedAt, vol.DeleteOnTerm = "", "", time.Time{}, false
		s.setVolume(vol, "available", at)
	}
	delete(s.servers, v.ID)
	k := sort.Search(len(s.d.Servers), func(k int) bool { return s.d.Servers[k].Seq >= v.Seq })
	s.d.Servers = append(s.d.Servers[:k], s.d.Servers[k+1:]...)
	v.VMState, v.TaskState, v.Power, v.Updated, v.Terminated, v.Volumes = "deleted", "", 0, at, at, nil
	k = sort.Search(len(s.d.Deleted), func(k int) bool { return s.d.Deleted[k].Seq >= v.Seq })
	s.d.Deleted = append(s.d.Deleted[:k], append([]*server{v}, s.d.Deleted[k:]...)...)
	if len(s.d.Deleted) > maxTombstones {
		s.d.Deleted = s.d.Deleted[len(s.d.Deleted)-maxTombstones:]
	}
	s.record("server", v.ID, v.Name, "deleted", at)
}

func getMetadata(c *call) {
	if v := c.server(); v != nil {
		writeJSON(c.w, http.StatusOK, map[string]any{"metadata": nonNil(v.Metadata)})
	}
}

func replaceMetadata(c *call) { c.setMetadata(true) }
func mergeMetadata(c *call)   { c.setMetadata(false) }

func (c *call) setMetadata(replace bool) {
	v := c.server()
	if v == nil {
		return
	}
	var req struct {
		Metadata map[string]string `json:"metadata"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Metadata == nil || !validMetadata(req.Metadata) {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute metadata.")
		return
	}
	if replace || v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	for k, val := range req.Metadata {
		v.Metadata[k] = val
	}
	v.Updated = c.now
	c.s.markDirty()
	writeJSON(c.w, http.StatusOK, map[string]any{"metadata": v.Metadata})
}

func validMetadata(m map[string]string) bool {
	for k, v := range m {
		if k == "" || len(k) > 255 || len(v) > 255 {
			return false
		}
	}
	return true
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func getMetadatum(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	key := c.id(3)
	val, ok := v.Metadata[key]
	if !ok {
		writeFault(c.w, http.StatusNotFound, "Metadata item was not found")
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"meta": map[string]string{key: val}})
}

func putMetadatum(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	key := c.id(3)
	var req struct {
		Meta map[string]string `json:"meta"`
	}
	if !c.decode(&req) {
		return
	}
	val, ok := req.Meta[key]
	if len(req.Meta) != 1 || !ok {
		writeFault(c.w, http.StatusBadRequest, "Request body and URI mismatch")
		return
	}
	if !validMetadata(req.Meta) {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute meta.")
		return
	}
	if v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	v.Metadata[key] = val
	v.Updated = c.now
	c.s.markDirty()
	writeJSON(c.w, http.StatusOK, map[string]any{"meta": req.Meta})
}

func deleteMetadatum(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	key := c.id(3)
	if _, ok := v.Metadata[key]; !ok {
		writeFault(c.w, http.StatusNotFound, "Metadata item was not found")
		return
	}
	delete(v.Metadata, key)
	v.Updated = c.now
	c.s.markDirty()
	noContent(c.w, http.StatusNoContent)
}

func listTags(c *call) {
	if v := c.server(); v != nil {
		tags := v.Tags
		if tags == nil {
			tags = []string{}
		}
		writeJSON(c.w, http.StatusOK, map[string]any{"tags": tags})
	}
}

func replaceTags(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	var req struct {
		Tags []string `json:"tags"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Tags == nil {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute tags.")
		return
	}
	v.Tags = append([]string{}, req.Tags...)
	v.Updated = c.now
	c.s.markDirty()
	writeJSON(c.w, http.StatusOK, map[string]any{"tags": v.Tags})
}

// secGroupView is a security group as Nova's os-security-groups shows it.
func (c *call) secGroupView(name string) map[string]any {
	return map[string]any{"id": securityGroupID(name), "name": name, "description": name,
		"rules": []any{}, "tenant_id": c.s.opts.TenantID}
}

func listServerSecurityGroups(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	out := make([]any, len(v.SecGroups))
	for i, g := range v.SecGroups {
		out[i] = c.secGroupView(g)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"security_groups": out})
}

func listNovaSecurityGroups(c *call) {
	out := make([]any, len(securityGroups))
	for i, g := range securityGroups {
		out[i] = c.secGroupView(g)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"security_groups": out})
}
